/**
 * Host overhead: what onbehalf costs a host app, as ratios measured in one run. Each variant is
 * its own server process (its CPU time is its own); autocannon loads them in interleaved rounds.
 */
import autocannon from 'autocannon';
import { fork, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { VARIANTS, type Variant } from './host/variants.js';

export interface HostRow {
  variant: string;
  store: 'memory' | 'redis' | '-';
  /** Median requests/s over rounds, and min–max spread. */
  rps: number;
  rpsMin: number;
  rpsMax: number;
  /** Median server CPU µs per request. */
  cpuUsPerReq: number;
  /** rps relative to the host app without onbehalf (same store column). */
  vsHost?: number;
  /** CPU per request relative to the host app. */
  cpuVsHost?: number;
  errors: number;
}

interface Server {
  variant: Variant;
  store: 'memory' | 'redis';
  child: ChildProcess;
  port: number;
  cookie: string;
}

const serverEntry = fileURLToPath(new URL('./host/server.ts', import.meta.url));

function startServer(variant: Variant, store: 'memory' | 'redis', redisUrl?: string): Promise<Server> {
  const child = fork(serverEntry, [variant, store, redisUrl ?? ''], { execArgv: ['--import', 'tsx'], stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  return new Promise((resolve, reject) => {
    child.once('exit', (code) => reject(new Error(`bench server ${variant} exited with ${code}`)));
    child.on('message', (m: { type: string; port: number; cookie?: string }) => {
      if (m.type === 'ready') resolve({ variant, store, child, port: m.port, cookie: m.cookie ?? '' });
    });
  });
}

const cpu = (s: Server) =>
  new Promise<number>((resolve) => {
    const on = (m: { type: string; micros: number }) => {
      if (m.type !== 'cpu') return;
      s.child.off('message', on);
      resolve(m.micros);
    };
    s.child.on('message', on);
    s.child.send({ type: 'cpu' });
  });

async function load(s: Server, seconds: number) {
  const write = s.variant === 'acting write (fsync)';
  const before = await cpu(s);
  const r = await autocannon({
    url: `http://127.0.0.1:${s.port}/api/okr`,
    method: write ? 'POST' : 'GET',
    headers: { cookie: s.cookie, ...(write && { 'content-type': 'application/json' }) },
    body: write ? '{"note":"bench"}' : undefined,
    connections: 10,
    duration: seconds,
  });
  const after = await cpu(s);
  const requests = r.requests.total;
  return { rps: r.requests.average, cpuUsPerReq: requests ? (after - before) / requests : 0, errors: r.errors + r.non2xx };
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

export async function runHostBench({ quick = false, redisUrl }: { quick?: boolean; redisUrl?: string } = {}): Promise<HostRow[]> {
  const rounds = 3;
  const seconds = quick ? 1 : 4;
  const plan: Array<[Variant, 'memory' | 'redis']> = VARIANTS.map((v) => [v, 'memory'] as [Variant, 'memory']);
  if (redisUrl) for (const v of VARIANTS.slice(2)) plan.push([v, 'redis']);
  const servers: Server[] = [];
  try {
    for (const [v, st] of plan) servers.push(await startServer(v, st, redisUrl));
    // Warm-up (JIT), then interleaved rounds so drift on this noisy machine hits every variant alike.
    for (const s of servers) await load(s, quick ? 0.5 : 1);
    const samples = new Map<Server, Array<Awaited<ReturnType<typeof load>>>>(servers.map((s) => [s, []]));
    for (let round = 0; round < rounds; round++) for (const s of servers) samples.get(s)!.push(await load(s, seconds));

    const rows: HostRow[] = servers.map((s) => {
      const xs = samples.get(s)!;
      const rps = xs.map((x) => x.rps);
      return {
        variant: s.variant,
        store: s.variant === 'node:http' || s.variant === 'host' ? '-' : s.store,
        rps: median(rps),
        rpsMin: Math.min(...rps),
        rpsMax: Math.max(...rps),
        cpuUsPerReq: median(xs.map((x) => x.cpuUsPerReq)),
        errors: xs.reduce((n, x) => n + x.errors, 0),
      };
    });
    const host = rows.find((r) => r.variant === 'host')!;
    for (const r of rows) {
      r.vsHost = r.rps / host.rps;
      r.cpuVsHost = r.cpuUsPerReq / host.cpuUsPerReq;
    }
    return rows;
  } finally {
    for (const s of servers) s.child.kill('SIGKILL');
  }
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const rows = await runHostBench({ quick: process.argv.includes('--quick'), redisUrl: process.env.REDIS_URL });
  console.table(rows);
}
