/**
 * OKR permission benchmark: `can()` checks per second on one core with 100 k users / 1 M OKRs,
 * p50/p99 per batch, heap; the same rules in @casl/ability on the same data and checks, their
 * agreement, and the ratio. Run: `npx tsx bench/okr.ts [--quick]` (quick: tiny dataset).
 *
 * Two workloads:
 * - `page`: what a host does — one user checks a page of 64 neighbouring OKRs (an objective and
 *   its key results, a team list) with mixed actions; a third of pages are the user's own.
 * - `uniform`: every check a random user × random OKR of the 1 M: the cache-hostile worst case,
 *   shown beside the cost of just two `Map.get` on the same maps (the memory-latency floor).
 * Each also with the OKR records passed instead of ids (a host rendering a page holds them: no
 * id lookup). And, to separate CPU from memory stalls, `page` on the small dataset (10 k OKRs).
 */
import { AbilityBuilder, createMongoAbility, type MongoAbility } from '@casl/ability';
import { pathToFileURL } from 'node:url';
import { memoryDirectory, okrModel, type Action, type DirectoryData, type Okr } from '../server/okr/index.js';
import { generateDataset } from '../server/okr/dataset.js';

const PAGE = 64;
const BATCH = 1024;
/** The action mix: view-like actions dominate real traffic. */
const MIX: Array<[Action, number]> = [
  ['view', 40], ['comment', 10], ['check-in', 15], ['edit', 15], ['change-owner', 5], ['align', 5], ['delete', 5], ['reopen', 5],
];

export interface WorkloadFigures {
  checks: number;
  checksPerSec: number;
  p50BatchUs: number;
  p99BatchUs: number;
  /** p99 of a batch divided by its size: the tail cost of one check. */
  p99PerCheckNs: number;
  allowedShare: number;
}
export interface OkrBenchFigures {
  dataset: { users: number; okrs: number; teams: number; generateMs: number; loadMs: number };
  heapUsedMB: number;
  page: WorkloadFigures;
  uniform: WorkloadFigures;
  /** `page` with the OKR records the host holds passed instead of ids (no id lookup). */
  pageRecords: WorkloadFigures;
  /** `uniform` with records passed instead of ids. */
  uniformRecords: WorkloadFigures;
  /** Two bare Map.get (user, OKR) per check, uniform random: the memory-latency floor here. */
  uniformTwoLookupsPerSec: number;
  /** Page-shaped on the `small` dataset (1 k users, 10 k OKRs: fits in cache): the CPU cost alone. */
  pageInCache: WorkloadFigures;
  casl: WorkloadFigures & { abilities: number; buildMs: number; agreement: number; mismatches: number };
  /** onbehalf `can()` ÷ CASL on the same page-shaped checks. */
  ratio: number;
}

function rng(seed: number) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = Math.imul(a ^ (a >>> 15), a | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

interface Checks { users: string[]; actions: Action[]; okrs: string[]; records: Okr[] }

function makeChecks(data: DirectoryData, count: number, shape: 'page' | 'uniform', seed: number): Checks {
  const r = rng(seed);
  const total = MIX.reduce((s, [, w]) => s + w, 0);
  const action = (): Action => {
    let x = r() * total;
    for (const [a, w] of MIX) if ((x -= w) < 0) return a;
    return 'view';
  };
  const okrs = data.okrs!;
  const users = data.users;
  const teamMembers = new Map(data.teams!.map((t) => [t.id, [...t.owners, ...t.members]]));
  const out: Checks = { users: [], actions: [], okrs: [], records: [] };
  while (out.users.length < count) {
    if (shape === 'uniform') {
      out.users.push(users[Math.floor(r() * users.length)].id);
      const okr = okrs[Math.floor(r() * okrs.length)];
      out.okrs.push(okr.id);
      out.records.push(okr);
      out.actions.push(action());
      continue;
    }
    const start = Math.floor(r() * Math.max(1, okrs.length - PAGE));
    const first = okrs[start];
    const roll = r();
    const team = first.teamId !== undefined ? teamMembers.get(first.teamId)! : undefined;
    const user = roll < 1 / 3 ? first.owners[0] : roll < 2 / 3 && team ? team[Math.floor(r() * team.length)] : users[Math.floor(r() * users.length)].id;
    for (let k = 0; k < PAGE && out.users.length < count; k++) {
      out.users.push(user);
      const okr = okrs[(start + k) % okrs.length];
      out.okrs.push(okr.id);
      out.records.push(okr);
      out.actions.push(action());
    }
  }
  return out;
}

function percentile(sorted: number[], p: number) {
  return sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * p))];
}

/** Times `check(i)` over all checks in batches; reports throughput and batch percentiles. */
function measure(n: number, check: (i: number) => boolean): WorkloadFigures {
  let allowed = 0;
  for (let i = 0; i < Math.min(n, 50_000); i++) if (check(i)) allowed++; // warm-up (JIT)
  allowed = 0;
  const batches: number[] = [];
  const t0 = process.hrtime.bigint();
  for (let b = 0; b < n; b += BATCH) {
    const end = Math.min(n, b + BATCH);
    const s = process.hrtime.bigint();
    for (let i = b; i < end; i++) if (check(i)) allowed++;
    batches.push(Number(process.hrtime.bigint() - s) / 1000);
  }
  const seconds = Number(process.hrtime.bigint() - t0) / 1e9;
  batches.sort((x, y) => x - y);
  const p99 = percentile(batches, 0.99);
  return {
    checks: n,
    checksPerSec: Math.round(n / seconds),
    p50BatchUs: Math.round(percentile(batches, 0.5)),
    p99BatchUs: Math.round(p99),
    p99PerCheckNs: Math.round((p99 * 1000) / BATCH),
    allowedShare: Math.round((allowed / n) * 1000) / 1000,
  };
}

type OkrSubject = Okr & { isPrivate: boolean; seers: string[] };

/**
 * The same rules (P1, P5–P8, P10–P12, manager scope `direct`) as CASL rules for one user.
 * CASL has no `$or`, so "private ⇒ listed" becomes two rules per path.
 */
function caslFor(data: DirectoryData, idx: ReturnType<typeof caslIndexes>, userId: string): MongoAbility {
  const { can, cannot, build } = new AbilityBuilder(createMongoAbility);
  const user = idx.users.get(userId)!;
  const memberOrgs = data.orgs.filter((o) => o.owners.includes(userId) || o.members.includes(userId)).map((o) => o.id);
  if (user.active && memberOrgs.length) {
    const M = { orgId: { $in: memberOrgs } };
    const visible = [{ ...M, isPrivate: false }, { ...M, seers: userId }];
    const social = ['view', 'comment', 'share', 'like', 'follow', 'clone'];
    for (const v of visible) {
      can(social, 'Okr', v);
      can('align', 'Okr', { ...v, alignRestricted: { $ne: true } });
      can('align', 'Okr', { ...v, alignGrants: userId });
    }
    can('align', 'Okr', { ...M, owners: userId });
    const edit = ['edit', 'delete', 'close', 'change-weights', 'reopen'];
    const editAndOwner = [...edit, 'change-owner'];
    const all = [...editAndOwner, 'check-in'];
    can(all, 'Okr', { ...M, owners: userId });
    can([...edit, 'check-in'], 'Okr', { ...M, delegates: userId });
    can('check-in', 'Okr', { ...M, checkInOwners: userId });
    const owned = idx.okrsOwned.get(userId) ?? [];
    const teams = idx.teamsOwned.get(userId) ?? [];
    const orgs = data.orgs.filter((o) => o.owners.includes(userId)).map((o) => o.id);
    const reports = idx.reports.get(userId) ?? [];
    const listedOnly: object[] = [{ creatorId: userId }, { editors: userId }];
    if (teams.length) listedOnly.push({ teamId: { $in: teams } });
    if (orgs.length) listedOnly.push({ orgId: { $in: orgs } });
    if (reports.length) listedOnly.push({ owners: { $in: reports } });
    if (owned.length) listedOnly.push({ objectiveId: { $in: owned } }, { alignedTo: { $in: owned } });
    for (const p of listedOnly) for (const v of visible) can(all, 'Okr', { ...v, ...p });
    cannot([...editAndOwner.filter((a) => a !== 'reopen'), 'check-in'], 'Okr', { status: 'closed' });
    cannot('reopen', 'Okr', { status: 'open' });
  }
  return build({ detectSubjectType: () => 'Okr' });
}

function caslIndexes(data: DirectoryData) {
  const users = new Map(data.users.map((u) => [u.id, u]));
  const push = (m: Map<string, string[]>, k: string, v: string) => {
    const l = m.get(k);
    if (l) l.push(v);
    else m.set(k, [v]);
  };
  const okrsOwned = new Map<string, string[]>();
  const teamsOwned = new Map<string, string[]>();
  const reports = new Map<string, string[]>();
  for (const o of data.okrs!) for (const u of o.owners) push(okrsOwned, u, o.id);
  for (const t of data.teams!) for (const u of t.owners) push(teamsOwned, u, t.id);
  for (const u of data.users) if (u.managerId !== undefined) push(reports, u.managerId, u.id);
  return { users, okrsOwned, teamsOwned, reports };
}

/** P10 facts CASL conditions can match: private or not, and who may see it. */
function subjectOf(okrs: Map<string, Okr>, okr: Okr): OkrSubject {
  let root: Okr | undefined = okr;
  while (root !== undefined && root.private !== true) root = root.objectiveId === undefined ? undefined : okrs.get(root.objectiveId);
  const names = (o: Okr) => [...o.owners, ...(o.delegates ?? []), ...(o.privateTo ?? [])];
  return { ...okr, isPrivate: root !== undefined, seers: root === undefined ? [] : [...names(okr), ...(root === okr ? [] : names(root))] };
}

export async function runOkrBench({ quick = false }: { quick?: boolean } = {}): Promise<OkrBenchFigures> {
  let t = performance.now();
  const data = generateDataset({ size: quick ? 'tiny' : 'large', seed: 42 });
  const generateMs = Math.round(performance.now() - t);
  t = performance.now();
  const dir = memoryDirectory(data);
  const loadMs = Math.round(performance.now() - t);
  const model = okrModel(dir);
  (globalThis as { gc?: () => void }).gc?.();
  const heapUsedMB = Math.round(process.memoryUsage().heapUsed / 1e6);

  const n = quick ? 50_000 : 2_000_000;
  const page = makeChecks(data, n, 'page', 7);
  const uniform = makeChecks(data, n, 'uniform', 8);

  const pageFig = measure(n, (i) => model.can(page.users[i], page.actions[i], page.okrs[i]));
  const uniformFig = measure(n, (i) => model.can(uniform.users[i], uniform.actions[i], uniform.okrs[i]));
  const pageRecords = measure(n, (i) => model.can(page.users[i], page.actions[i], page.records[i]));
  const uniformRecords = measure(n, (i) => model.can(uniform.users[i], uniform.actions[i], uniform.records[i]));

  const smallData = generateDataset({ size: 'small', seed: 42 });
  const small = okrModel(memoryDirectory(smallData));
  const smallPage = makeChecks(smallData, n, 'page', 9);
  const pageInCache = measure(n, (i) => small.can(smallPage.users[i], smallPage.actions[i], smallPage.okrs[i]));

  const userMap = new Map(data.users.map((u) => [u.id, u]));
  const okrMap = new Map(data.okrs!.map((o) => [o.id, o]));
  const floor = measure(n, (i) => userMap.get(uniform.users[i])!.active && okrMap.get(uniform.okrs[i])!.status === 'open');

  // CASL: abilities built per user up front (not timed in checks/s), looked up per check like
  // a host would; subjects carry the derived privacy fields its conditions need.
  const m = quick ? n : 256_000;
  t = performance.now();
  const idx = caslIndexes(data);
  const abilities = new Map<string, MongoAbility>();
  const subjects = new Map<string, OkrSubject>();
  for (let i = 0; i < m; i++) {
    if (!abilities.has(page.users[i])) abilities.set(page.users[i], caslFor(data, idx, page.users[i]));
    if (!subjects.has(page.okrs[i])) subjects.set(page.okrs[i], subjectOf(okrMap, okrMap.get(page.okrs[i])!));
  }
  const buildMs = Math.round(performance.now() - t);
  const caslFig = measure(m, (i) => abilities.get(page.users[i])!.can(page.actions[i], subjects.get(page.okrs[i]) as never));

  let mismatches = 0;
  for (let i = 0; i < m; i++) {
    const ours = model.can(page.users[i], page.actions[i], page.okrs[i]);
    const theirs = abilities.get(page.users[i])!.can(page.actions[i], subjects.get(page.okrs[i]) as never);
    if (ours !== theirs) mismatches++;
  }

  return {
    dataset: { ...dir.size, generateMs, loadMs },
    heapUsedMB,
    page: pageFig,
    uniform: uniformFig,
    pageRecords,
    uniformRecords,
    uniformTwoLookupsPerSec: floor.checksPerSec,
    pageInCache,
    casl: { ...caslFig, abilities: abilities.size, buildMs, agreement: 1 - mismatches / m, mismatches },
    ratio: Math.round((pageFig.checksPerSec / caslFig.checksPerSec) * 10) / 10,
  };
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const figures = await runOkrBench({ quick: process.argv.includes('--quick') });
  const f = (x: WorkloadFigures) => `${(x.checksPerSec / 1e6).toFixed(2)} M checks/s, batch of ${BATCH}: p50 ${x.p50BatchUs} µs, p99 ${x.p99BatchUs} µs (${x.p99PerCheckNs} ns/check), allowed ${(x.allowedShare * 100).toFixed(1)} %`;
  console.log(`dataset: ${figures.dataset.users} users, ${figures.dataset.teams} teams, ${figures.dataset.okrs} OKRs (generate ${figures.dataset.generateMs} ms, load ${figures.dataset.loadMs} ms), heap ${figures.heapUsedMB} MB`);
  console.log(`can() page-shaped:    ${f(figures.page)}`);
  console.log(`can() uniform random: ${f(figures.uniform)}`);
  console.log(`can() page-shaped, records held by the host: ${f(figures.pageRecords)}`);
  console.log(`can() uniform random, records held by the host: ${f(figures.uniformRecords)}`);
  console.log(`  floor, two Map.get per check (uniform): ${(figures.uniformTwoLookupsPerSec / 1e6).toFixed(2)} M/s`);
  console.log(`can() page-shaped, 10 k OKRs (in cache): ${f(figures.pageInCache)}`);
  console.log(`CASL page-shaped:     ${f(figures.casl)}; ${figures.casl.abilities} abilities built in ${figures.casl.buildMs} ms; agreement ${(figures.casl.agreement * 100).toFixed(3)} % (${figures.casl.mismatches} mismatches)`);
  console.log(`ratio can()/CASL: ${figures.ratio}×`);
  console.log(JSON.stringify(figures));
}
