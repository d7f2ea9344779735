import { execFileSync, spawnSync } from 'node:child_process';
import { chownSync, existsSync, mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { createServer, connect, type Server, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort, runDirPrefix } from './redis.js';

/** Where Debian's `postgresql` package puts the server binaries (they are not on PATH). */
export function postgresBin(): string {
  const root = '/usr/lib/postgresql';
  const versions = existsSync(root) ? readdirSync(root).filter((v) => existsSync(join(root, v, 'bin', 'initdb'))).sort((a, b) => Number(b) - Number(a)) : [];
  if (!versions.length) throw new Error('PostgreSQL is not installed (no /usr/lib/postgresql/*/bin/initdb): apt-get install -y postgresql');
  return join(root, versions[0], 'bin');
}

export interface PostgresProcess {
  /** Superuser connection string. */
  url: string;
  port: number;
  /** Stop the server: `fast` rolls back open transactions, `immediate` is a crash (WAL recovery on restart). */
  stop(mode?: 'fast' | 'immediate'): void;
  /** Start it again on the same port with the same data. */
  start(): void;
  /** Run SQL as the superuser through psql; returns its unaligned output. */
  psql(sql: string): string;
}

/** The pid in a data directory's postmaster.pid (its first line), for the global teardown. */
export const postmasterPid = (dir: string) => Number(readFileSync(join(dir, 'data', 'postmaster.pid'), 'utf8').split('\n')[0]);

/**
 * A throwaway PostgreSQL server on a free port in a temp dir, owned by the `postgres` OS user
 * (initdb refuses root). The test must call stop(); the global teardown stops leftovers by pid.
 */
export async function startPostgres(): Promise<PostgresProcess> {
  const bin = postgresBin();
  const port = await freePort();
  const dir = mkdtempSync(join(tmpdir(), runDirPrefix()));
  const asRoot = process.getuid?.() === 0;
  const run = (cmd: string, args: string[]) => {
    const r = spawnSync(asRoot ? 'runuser' : join(bin, cmd), asRoot ? ['-u', 'postgres', '--', join(bin, cmd), ...args] : args, { encoding: 'utf8' });
    if (r.error || r.status !== 0) throw new Error(`${cmd} failed: ${r.error?.message ?? ''}${r.stderr}${r.stdout}`);
  };
  if (asRoot) chownSync(dir, Number(execFileSync('id', ['-u', 'postgres'], { encoding: 'utf8' })), Number(execFileSync('id', ['-g', 'postgres'], { encoding: 'utf8' })));
  run('initdb', ['-D', join(dir, 'data'), '-A', 'trust', '-U', 'postgres', '--no-sync']);
  const start = () => run('pg_ctl', ['-D', join(dir, 'data'), '-l', join(dir, 'log'), '-w', 'start', '-o', `-p ${port} -k ${dir} -c listen_addresses=127.0.0.1 -c max_connections=300`]);
  const stop = (mode: 'fast' | 'immediate' = 'fast') => {
    if (existsSync(join(dir, 'data', 'postmaster.pid'))) run('pg_ctl', ['-D', join(dir, 'data'), '-m', mode, '-w', 'stop']);
  };
  start();
  process.once('exit', () => { try { process.kill(postmasterPid(dir), 'SIGQUIT'); } catch { /* already stopped */ } });
  const url = `postgres://postgres@127.0.0.1:${port}/postgres`;
  return {
    url,
    port,
    stop,
    start,
    psql: (sql) => execFileSync('psql', [url, '-v', 'ON_ERROR_STOP=1', '-qAt', '-c', sql], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] }),
  };
}

/**
 * A TCP proxy in front of a server, so a test can cut the connection (every open socket reset,
 * new ones refused) and restore it, like a network partition.
 */
export async function tcpProxy(targetPort: number): Promise<{ port: number; cut(): void; restore(): void; close(): Promise<void> }> {
  const sockets = new Set<Socket>();
  let up = true;
  const server: Server = createServer((client) => {
    if (!up) { client.destroy(); return; }
    const upstream = connect(targetPort, '127.0.0.1');
    for (const s of [client, upstream]) {
      sockets.add(s);
      s.on('error', () => {});
      s.on('close', () => { sockets.delete(s); client.destroy(); upstream.destroy(); });
    }
    client.pipe(upstream).pipe(client);
  });
  const port = await freePort();
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
  return {
    port,
    cut() { up = false; for (const s of sockets) s.resetAndDestroy(); },
    restore() { up = true; },
    close: () => new Promise((resolve) => { for (const s of sockets) s.destroy(); server.close(() => resolve()); }),
  };
}
