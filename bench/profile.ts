/**
 * Where a host variant's CPU goes, per request: `node --cpu-prof` on the bench servers while
 * autocannon loads one variant, then self time per function in µs per request. With `--vs`,
 * a second profiled run of another variant and the difference, largest first: what onbehalf
 * adds over the host app, function by function.
 *
 *   npm run build:server && npx tsx bench/profile.ts "acting GET + can()" memory --vs host
 *   npx tsx bench/profile.ts "acting GET + can()" "redis cached" --seconds 30 --top 40
 */
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { startRedis } from '../test/helpers/redis.js';
import { load, startServers } from './host.js';
import { baselineColumn, type StoreColumn } from './host/variants.js';

interface Profile {
  nodes: Array<{ id: number; hitCount: number; callFrame: { functionName: string; url: string; lineNumber: number } }>;
  startTime: number;
  endTime: number;
  samples: number[];
}

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: { vs: { type: 'string' }, seconds: { type: 'string', default: '20' }, top: { type: 'string', default: '30' } },
});
const [variant, store = 'memory'] = positionals;
if (!variant) {
  console.error('usage: tsx bench/profile.ts <variant> [memory|redis|"redis cached"] [--vs <variant>] [--seconds 20] [--top 30]');
  process.exit(2);
}
const seconds = Number(values.seconds);

const where = (url: string) => url.replace(/^.*node_modules\//, '').replace(/^file:\/\/.*?\/(dist|bench)\//, '$1/');

/** µs of self time per request, by function, for one variant under load. */
async function profile(name: string): Promise<Map<string, number>> {
  const dir = mkdtempSync(join(tmpdir(), 'onbehalf-profile-'));
  // A fresh Redis for each run: the servers start an impersonation per admin, which a second run would find.
  const redis = store === 'memory' ? undefined : await startRedis();
  const { child, targets } = await startServers(redis?.url, ['--cpu-prof', '--cpu-prof-interval', '200', '--cpu-prof-dir', dir]);
  try {
    const column = name === 'host' ? baselineColumn(store as StoreColumn) : store;
    const t = targets.find((x) => x.variant === name && x.store === column);
    if (!t) throw new Error(`no variant "${name}" on store "${store}": ${targets.map((x) => `${x.variant} (${x.store})`).join(', ')}`);
    const warm = await load(child, t, 2);
    const run = await load(child, t, seconds);
    console.log(`${name} (${t.store}): ${Math.round(run.rps)} req/s, ${run.cpuUsPerReq.toFixed(1)} CPU µs/req`);
    const exited = new Promise((resolve) => child.once('exit', resolve));
    child.kill('SIGTERM'); // the server exits on SIGTERM, so the profile is written
    await exited;
    const file = readdirSync(dir).find((f) => f.endsWith('.cpuprofile'))!;
    const p = JSON.parse(readFileSync(join(dir, file), 'utf8')) as Profile;
    const usPerSample = (p.endTime - p.startTime) / p.samples.length;
    // The warm-up is in the profile too; start-up is a constant that the --vs difference cancels.
    const requests = (run.rps * seconds + warm.rps * 2) || 1;
    const self = new Map<string, number>();
    for (const n of p.nodes) {
      if (!n.hitCount || n.callFrame.functionName === '(idle)') continue;
      const key = `${n.callFrame.functionName || '(anonymous)'} ${where(n.callFrame.url)}:${n.callFrame.lineNumber + 1}`;
      self.set(key, (self.get(key) ?? 0) + (n.hitCount * usPerSample) / requests);
    }
    return self;
  } finally {
    child.kill('SIGKILL');
    rmSync(dir, { recursive: true, force: true });
    await redis?.stop(true);
  }
}

{
  const a = await profile(variant);
  const b = values.vs ? await profile(values.vs) : undefined;
  const total = (m: Map<string, number>) => [...m.values()].reduce((x, y) => x + y, 0);
  const rows = [...new Set([...a.keys(), ...(b?.keys() ?? [])])].map((fn) => ({
    function: fn,
    [variant]: a.get(fn) ?? 0,
    ...(b && { [values.vs!]: b.get(fn) ?? 0, difference: (a.get(fn) ?? 0) - (b.get(fn) ?? 0) }),
  }));
  const by = (r: (typeof rows)[number]) => Math.abs(b ? (r.difference as number) : (r[variant] as number));
  const top = rows.sort((x, y) => by(y) - by(x)).slice(0, Number(values.top));
  console.log(`self time, µs per request (sampled; profiler overhead included): ${variant} ${total(a).toFixed(1)}${b ? `, ${values.vs} ${total(b).toFixed(1)}` : ''}`);
  console.table(top.map((r) => Object.fromEntries(Object.entries(r).map(([k, v]) => [k, typeof v === 'number' ? v.toFixed(2) : v]))));
  const own = (m: Map<string, number>) => [...m].filter(([k]) => k.includes('dist/server/')).reduce((x, [, v]) => x + v, 0);
  console.log(`onbehalf's own functions (dist/server): ${own(a).toFixed(2)} µs/req${b ? ` vs ${own(b).toFixed(2)}` : ''}`);
}
