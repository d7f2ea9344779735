/**
 * Host overhead: what onbehalf costs a host app, as ratios measured in one run. Every variant
 * runs in one server process (bench/host/server.ts); autocannon loads them in interleaved rounds.
 */
import autocannon from 'autocannon';
import { fork, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { ServerTarget } from './host/server.js';
import { baselineColumn, type StoreColumn } from './host/variants.js';

export interface HostRow {
  variant: string;
  store: StoreColumn | '-';
  /** Median requests/s over rounds, and min–max spread. */
  rps: number;
  rpsMin: number;
  rpsMax: number;
  /** Median server CPU µs per request. */
  cpuUsPerReq: number;
  /**
   * rps relative to the host app without onbehalf on the same session store (node:http: the
   * memory one): the median over rounds of each round's ratio, with its min–max.
   */
  vsHost: number;
  vsHostMin: number;
  vsHostMax: number;
  /** CPU per request relative to the host app, the same way. */
  cpuVsHost: number;
  /** Session store writes per request (median): 0 when express-session only reads the session. */
  sessionWritesPerReq: number;
  errors: number;
}

export interface Servers {
  child: ChildProcess;
  targets: ServerTarget[];
}

const serverEntry = fileURLToPath(new URL('./host/server.ts', import.meta.url));

/** The bench servers' process (`nodeOptions`: e.g. `--cpu-prof`, for bench/profile.ts). */
export function startServers(redisUrl?: string, nodeOptions: string[] = []): Promise<Servers> {
  const child = fork(serverEntry, [redisUrl ?? ''], { execArgv: ['--import', 'tsx', ...nodeOptions], stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  return new Promise((resolve, reject) => {
    child.once('exit', (code) => reject(new Error(`bench servers exited with ${code}`)));
    child.on('message', (m: { type: string; targets?: ServerTarget[] }) => {
      if (m.type === 'ready') resolve({ child, targets: m.targets! });
    });
  });
}

/** The server process's CPU time so far (µs), over IPC. */
export const cpu = (child: ChildProcess) =>
  new Promise<number>((resolve) => {
    const on = (m: { type: string; micros: number }) => {
      if (m.type !== 'cpu') return;
      child.off('message', on);
      resolve(m.micros);
    };
    child.on('message', on);
    child.send({ type: 'cpu' });
  });

/** How many times the variant's session store has been written to so far, over IPC. */
const sessionWrites = (child: ChildProcess, port: number) =>
  new Promise<number>((resolve) => {
    const on = (m: { type: string; writes: number }) => {
      if (m.type !== 'session-writes') return;
      child.off('message', on);
      resolve(m.writes);
    };
    child.on('message', on);
    child.send({ type: 'session-writes', port });
  });

/** Load one variant with autocannon; its throughput, the server process's CPU µs and the session store's writes per request. */
export async function load(child: ChildProcess, t: ServerTarget, seconds: number) {
  const write = t.variant === 'acting write (fsync)';
  const writesBefore = t.port && t.store !== '-' ? await sessionWrites(child, t.port) : 0;
  const before = await cpu(child);
  const r = await autocannon({
    url: `http://127.0.0.1:${t.port}/api/okr`,
    method: write ? 'POST' : 'GET',
    headers: { cookie: t.cookie, ...(write && { 'content-type': 'application/json' }) },
    body: write ? '{"note":"bench"}' : undefined,
    connections: 10,
    duration: seconds,
  });
  const after = await cpu(child);
  const writes = t.store !== '-' ? (await sessionWrites(child, t.port)) - writesBefore : 0;
  const requests = r.requests.total;
  return {
    rps: r.requests.average,
    cpuUsPerReq: requests ? (after - before) / requests : 0,
    sessionWritesPerReq: requests ? writes / requests : 0,
    errors: r.errors + r.non2xx,
  };
}

export const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

/** The host app a row is compared with: the one on the same session store. */
const baselineOf = (t: ServerTarget, targets: ServerTarget[]) => targets.find((h) => h.variant === 'host' && h.store === baselineColumn(t.store))!;

export async function runHostBench({ quick = false, redisUrl }: { quick?: boolean; redisUrl?: string } = {}): Promise<HostRow[]> {
  const rounds = quick ? 3 : 7;
  const seconds = quick ? 1 : 4;
  const servers = await startServers(redisUrl);
  try {
    const { child, targets } = servers;
    // Warm-up (JIT), then interleaved rounds so drift on this noisy machine hits every variant
    // alike; each round starts one variant later, so no variant always follows the same one.
    for (const t of targets) await load(child, t, quick ? 0.5 : 1);
    const samples = new Map<ServerTarget, Array<Awaited<ReturnType<typeof load>>>>(targets.map((t) => [t, []]));
    for (let round = 0; round < rounds; round++) {
      for (let i = 0; i < targets.length; i++) {
        const t = targets[(i + round) % targets.length];
        samples.get(t)!.push(await load(child, t, seconds));
      }
    }

    return targets.map((t) => {
      const xs = samples.get(t)!;
      const host = samples.get(baselineOf(t, targets))!;
      const rps = xs.map((x) => x.rps);
      // Ratios are taken round by round (each against its baseline in the same round), then the median.
      const vs = xs.map((x, i) => x.rps / host[i].rps);
      return {
        variant: t.variant,
        store: t.store,
        rps: median(rps),
        rpsMin: Math.min(...rps),
        rpsMax: Math.max(...rps),
        cpuUsPerReq: median(xs.map((x) => x.cpuUsPerReq)),
        vsHost: median(vs),
        vsHostMin: Math.min(...vs),
        vsHostMax: Math.max(...vs),
        cpuVsHost: median(xs.map((x, i) => x.cpuUsPerReq / host[i].cpuUsPerReq)),
        sessionWritesPerReq: median(xs.map((x) => x.sessionWritesPerReq)),
        errors: xs.reduce((n, x) => n + x.errors, 0),
      };
    });
  } finally {
    servers.child.kill('SIGKILL');
  }
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const rows = await runHostBench({ quick: process.argv.includes('--quick'), redisUrl: process.env.REDIS_URL });
  console.table(rows);
}
