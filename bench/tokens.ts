/**
 * Verification cost of acting tokens per request: a minimal API handler, side by side with the
 * same handler behind verifyActingTokens(), in one server process; interleaved rounds, ratios
 * taken round by round (as bench/host.ts does).
 */
import autocannon from 'autocannon';
import { fork, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { cpu, median } from './host.js';
import type { TokenTarget } from './tokens/server.js';

export interface TokenRow {
  variant: string;
  rps: number;
  cpuUsPerReq: number;
  /** Median of each round's rps ratio to the handler alone, and the spread. */
  vsHandler: number;
  vsHandlerMin: number;
  vsHandlerMax: number;
  cpuVsHandler: number;
  errors: number;
}

const entry = fileURLToPath(new URL('./tokens/server.ts', import.meta.url));
async function load(child: ChildProcess, t: TokenTarget, seconds: number) {
  const before = await cpu(child);
  const r = await autocannon({ url: `http://127.0.0.1:${t.port}/notes`, headers: { authorization: `Bearer ${t.token}` }, connections: 10, duration: seconds });
  const after = await cpu(child);
  const n = r.requests.total;
  return { rps: r.requests.average, cpuUsPerReq: n ? (after - before) / n : 0, errors: r.errors + r.non2xx };
}

export async function runTokenBench({ quick = false, redisUrl }: { quick?: boolean; redisUrl: string }): Promise<TokenRow[]> {
  const child = fork(entry, [redisUrl], { execArgv: ['--import', 'tsx'], stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  try {
    const targets = await new Promise<TokenTarget[]>((resolve, reject) => {
      child.once('exit', (code) => reject(new Error(`token bench server exited with ${code}`)));
      child.on('message', (m: { type: string; targets?: TokenTarget[] }) => m.type === 'ready' && resolve(m.targets!));
    });
    const rounds = quick ? 3 : 7;
    const seconds = quick ? 1 : 4;
    for (const t of targets) await load(child, t, quick ? 0.5 : 1);
    const samples = new Map(targets.map((t) => [t, [] as Array<Awaited<ReturnType<typeof load>>>]));
    for (let round = 0; round < rounds; round++) {
      for (let i = 0; i < targets.length; i++) {
        const t = targets[(i + round) % targets.length];
        samples.get(t)!.push(await load(child, t, seconds));
      }
    }
    const base = samples.get(targets[0])!;
    return targets.map((t) => {
      const xs = samples.get(t)!;
      const vs = xs.map((x, i) => x.rps / base[i].rps);
      return {
        variant: t.variant,
        rps: median(xs.map((x) => x.rps)),
        cpuUsPerReq: median(xs.map((x) => x.cpuUsPerReq)),
        vsHandler: median(vs),
        vsHandlerMin: Math.min(...vs),
        vsHandlerMax: Math.max(...vs),
        cpuVsHandler: median(xs.map((x, i) => x.cpuUsPerReq / base[i].cpuUsPerReq)),
        errors: xs.reduce((n, x) => n + x.errors, 0),
      };
    });
  } finally {
    child.kill('SIGKILL');
  }
}
