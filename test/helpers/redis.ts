import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** A free TCP port on 127.0.0.1. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.unref();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as { port: number };
      srv.close(() => resolve(port));
    });
  });
}

/** Temp dirs of test Redis servers start with this; the global teardown removes them and any server left running. */
export const REDIS_DIR_PREFIX = 'onbehalf-redis-';
/** This test run's own prefix (set by the global setup), so a teardown never touches another run's servers. */
export const runDirPrefix = () => `${REDIS_DIR_PREFIX}${process.env.ONBEHALF_TEST_RUN ?? 'manual'}-`;

export interface RedisProcess {
  url: string;
  port: number;
  /** Stop the server (SIGKILL when `hard`). */
  stop(hard?: boolean): Promise<void>;
  /** Start it again on the same port (empty unless started with `persist`). */
  restart(): Promise<void>;
  /** Freeze the process (SIGSTOP): connections stay open but nothing answers, like a hung server. */
  pause(): void;
  /** Undo `pause()` (SIGCONT). */
  resume(): void;
}

function assertRedisInstalled() {
  const r = spawnSync('redis-server', ['--version']);
  if (r.error) throw new Error('redis-server is not installed: apt-get install -y redis-server');
}

export interface StartRedisOptions {
  /**
   * Keep data across stop/restart (append-only file, fsync on every write), like a production
   * Redis with persistence. Default false: a restart starts empty.
   */
  persist?: boolean;
  /** More redis-server arguments (e.g. `--cluster-enabled yes`). */
  args?: string[];
}

/** Start a real redis-server on a free port in a temp dir; the test must call stop(). */
export async function startRedis(options: StartRedisOptions = {}): Promise<RedisProcess> {
  assertRedisInstalled();
  const port = await freePort();
  const dir = mkdtempSync(join(tmpdir(), runDirPrefix()));
  let child: ChildProcess | undefined;
  const launch = async () => {
    child = spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--save', '', ...(options.persist ? ['--appendonly', 'yes', '--appendfsync', 'always'] : ['--appendonly', 'no']), '--dir', dir, '--pidfile', join(dir, 'redis.pid'), '--daemonize', 'no', ...(options.args ?? [])], { stdio: ['ignore', 'pipe', 'pipe'] });
    await new Promise<void>((resolve, reject) => {
      let out = '';
      const timer = setTimeout(() => reject(new Error(`redis-server did not start: ${out}`)), 10_000);
      child!.stdout!.on('data', (d: Buffer) => {
        out += d.toString();
        if (out.includes('Ready to accept connections')) { clearTimeout(timer); resolve(); }
      });
      child!.on('exit', (code) => { clearTimeout(timer); reject(new Error(`redis-server exited (${code}): ${out}`)); });
    });
  };
  const stop = async (hard = false) => {
    const c = child;
    if (!c || c.exitCode !== null || c.signalCode !== null) return; // already stopped (a signal leaves exitCode null)
    await new Promise<void>((resolve) => { c.once('exit', () => resolve()); c.kill(hard ? 'SIGKILL' : 'SIGTERM'); c.kill('SIGCONT'); /* a paused server must still stop */ });
  };
  await launch();
  process.once('exit', () => child?.kill('SIGKILL'));
  return {
    url: `redis://127.0.0.1:${port}`,
    port,
    stop: async (hard) => { await stop(hard); },
    restart: launch,
    pause: () => { child?.kill('SIGSTOP'); },
    resume: () => { child?.kill('SIGCONT'); },
  };
}

export interface RedisClusterProcess {
  /** One `redis://` URL per master, as `createCluster({ rootNodes })` takes them. */
  rootNodes: Array<{ url: string }>;
  /** The masters, in the order they were started (each holds a third of the slots). */
  nodes: RedisProcess[];
  stop(): Promise<void>;
}

function assertRedisCliInstalled() {
  const r = spawnSync('redis-cli', ['--version']);
  if (r.error) throw new Error('redis-cli is not installed (it comes with redis-server): apt-get install -y redis-tools');
}

/**
 * A real 3-master Redis Cluster: three redis-server processes with `--cluster-enabled yes` on
 * free ports in temp dirs, joined by `redis-cli --cluster create … --cluster-replicas 0`. No
 * replicas, and `cluster-require-full-coverage no`: a master that dies takes only its own slots
 * away. The test must call stop(); each node is stopped by its PID.
 */
export async function startRedisCluster(): Promise<RedisClusterProcess> {
  assertRedisInstalled();
  assertRedisCliInstalled();
  const nodes: RedisProcess[] = [];
  try {
    for (let i = 0; i < 3; i++) {
      const busPort = await freePort();
      nodes.push(await startRedis({ args: ['--cluster-enabled', 'yes', '--cluster-port', String(busPort), '--cluster-node-timeout', '2000', '--cluster-require-full-coverage', 'no'] }));
    }
    const r = spawnSync('redis-cli', ['--cluster', 'create', ...nodes.map((n) => `127.0.0.1:${n.port}`), '--cluster-replicas', '0', '--cluster-yes'], { encoding: 'utf8', timeout: 30_000 });
    if (r.status !== 0) throw new Error(`redis-cli --cluster create failed: ${r.stdout}${r.stderr}`);
    // The nodes learn of each other through the bus: wait until every one says the cluster is ok.
    const end = Date.now() + 20_000;
    for (const n of nodes) {
      for (;;) {
        const info = spawnSync('redis-cli', ['-p', String(n.port), 'cluster', 'info'], { encoding: 'utf8' }).stdout;
        if (info.includes('cluster_state:ok')) break;
        if (Date.now() > end) throw new Error(`Redis Cluster did not become ready: ${info}`);
        await new Promise((res) => setTimeout(res, 100));
      }
    }
  } catch (err) {
    await Promise.all(nodes.map((n) => n.stop(true)));
    throw err;
  }
  return {
    rootNodes: nodes.map((n) => ({ url: n.url })),
    nodes,
    stop: async () => { await Promise.all(nodes.map((n) => n.stop(true))); },
  };
}
