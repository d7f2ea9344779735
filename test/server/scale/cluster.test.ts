import { spawnSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startRedisCluster, type RedisClusterProcess } from '../../helpers/redis.js';
import { ADMINS, Browser, MEMBERS, startScaleHost, type ScaleHost } from './redis-host.js';

let open: ScaleHost[] = [];
/** Whom the acting admins act for. */
const SUBJECTS = MEMBERS.slice(18, 20).concat(['ashley', 'bob', 'olga', 'mallory']);
afterEach(async () => {
  const hosts = open;
  open = [];
  await Promise.all(hosts.map((h) => h.close()));
  for (const h of hosts) expect(h.unexpected, `${h.name}: errors answered 500`).toEqual([]);
});

/** Instances A and B of one host app, sessions, impersonations and the rate limit all on the cluster. */
async function pair(cluster: RedisClusterProcess, cacheTtlMs?: number) {
  const prefix = `c${randomUUID().slice(0, 8)}:`;
  const [A, B] = await Promise.all(['A', 'B'].map((name) => startScaleHost(name, { cluster: cluster.rootNodes, prefix, cacheTtlMs })));
  open.push(A, B);
  return { A, B, prefix };
}

/** The master (index into cluster.nodes) that holds a key's slot: the others answer MOVED. */
function ownerOf(cluster: RedisClusterProcess, key: string): number {
  const i = cluster.nodes.findIndex((n) => !spawnSync('redis-cli', ['-p', String(n.port), 'EXISTS', key], { encoding: 'utf8' }).stdout.startsWith('MOVED'));
  if (i < 0) throw new Error(`no master holds ${key}`);
  return i;
}

const whoami = async (b: Browser, host: ScaleHost) => {
  const r = await b.at(host).get('/whoami');
  return { status: r.status, code: r.json?.error?.code as string | undefined, servedAs: r.json?.servedAs };
};

describe('two app instances on a 3-master Redis Cluster', () => {
  let cluster: RedisClusterProcess;
  beforeAll(async () => { cluster = await startRedisCluster(); });
  afterAll(async () => { await cluster?.stop(); });

  it('start on A acts on B, a write is audited, exit on B is seen on A; the start limit counts both', async () => {
    const { A, B } = await pair(cluster);
    const avery = await Browser.signedIn(A, 'avery');
    const start = await avery.at(A).start('ashley');
    expect(start.status, start.text).toBe(200);
    expect((await whoami(avery, B)).servedAs).toMatchObject({ active: true, userId: 'ashley', actor: { id: 'avery' } });
    const write = await avery.at(B).request('POST', '/notes', { body: {} });
    expect(write.status).toBe(201);
    expect(write.json.servedAs).toMatchObject({ active: true, userId: 'ashley' });
    expect((await avery.at(B).stop()).status).toBe(200);
    expect((await whoami(avery, A)).servedAs).toEqual({ active: false, userId: 'avery' });
    expect([...A.audit.events, ...B.audit.events].map((e) => e.type).sort()).toEqual(['action', 'ended', 'outcome', 'started']);

    // Start attempts on A and B count against one limit (the rate-limit script on its key's node).
    const sam = await Browser.signedIn(B, 'sam');
    const codes: number[] = [];
    for (const host of [A, B, A, B, A, B, A, B, A, B, A, B]) codes.push((await sam.at(host).start('ashley', 'too short')).status);
    expect(codes).toEqual([...Array(10).fill(400), 429, 429]);
  });

  it('a revocation on A ends the session on B at its next request', async () => {
    const { A, B } = await pair(cluster);
    const avery = await Browser.signedIn(A, 'avery');
    const auditor = await Browser.signedIn(B, 'aud');
    const { json } = await avery.at(B).start('ashley');
    expect((await auditor.at(A).get('/onbehalf/sessions')).json.sessions.map((s: { sessionId: string }) => s.sessionId)).toEqual([json.session.sessionId]);
    const revoke = await auditor.at(A).post(`/onbehalf/sessions/${json.session.sessionId}/revoke`);
    expect(revoke.status, revoke.text).toBe(200);
    const write = await avery.at(B).request('POST', '/notes', { body: {} });
    expect(write.status).toBe(409);
    expect(write.json.error.code).toBe('EXPIRED');
    for (const host of [A, B]) expect((await whoami(avery, host)).servedAs).toEqual({ active: false, userId: 'avery' });
    expect([...A.audit.events, ...B.audit.events].filter((e) => e.type === 'ended').map((e) => e.cause)).toEqual(['revoked']);
  });

  it("with the store's cache (sharded pub/sub): B serves acting requests from memory, and a revocation on A reaches B long before the TTL", async () => {
    const { A, B, prefix } = await pair(cluster, 60_000);
    const avery = await Browser.signedIn(A, 'avery');
    const auditor = await Browser.signedIn(A, 'aud');
    const { json } = await avery.at(A).start('ashley');
    const master = cluster.nodes[ownerOf(cluster, `${prefix}{impersonation}:sessions`)];
    // The store's only read of a record is HMGET on the state's master: count them.
    const reads = () => Number(/cmdstat_hmget:calls=(\d+)/.exec(spawnSync('redis-cli', ['-p', String(master.port), 'INFO', 'commandstats'], { encoding: 'utf8' }).stdout)?.[1] ?? 0);
    // The first reads fill B's cache (once its subscription is up); then B asks Redis no more.
    const until = Date.now() + 5_000;
    for (let before = -1; before !== reads() && Date.now() < until;) {
      before = reads();
      expect((await whoami(avery, B)).servedAs).toMatchObject({ active: true, userId: 'ashley' });
    }
    const cached = reads();
    for (let i = 0; i < 5; i++) expect((await whoami(avery, B)).servedAs).toMatchObject({ active: true, userId: 'ashley' });
    expect(reads()).toBe(cached);

    expect((await auditor.at(A).post(`/onbehalf/sessions/${json.session.sessionId}/revoke`)).status).toBe(200);
    const revoked = Date.now();
    let r = await whoami(avery, B);
    while (r.servedAs?.active && Date.now() - revoked < 1_000) r = await whoami(avery, B);
    expect(r.servedAs?.active, 'B still serves the revoked session from its cache').not.toBe(true);
    const write = await avery.at(B).request('POST', '/notes', { body: {} });
    expect(write.json.servedAs?.userId ?? write.json.error?.code).not.toBe('ashley');
    expect([...A.served, ...B.served].filter((s) => s.servedAs?.active && s.method === 'POST')).toEqual([]);
  });
});

describe('a master of the cluster killed (kill -9, no replica)', () => {
  let cluster: RedisClusterProcess | undefined;
  afterEach(async () => { await cluster?.stop(); cluster = undefined; });

  /**
   * 6 admins acting and 18 members signed in (sessions on every master, but for a chance of
   * (2/3)^18), then the master `victim(<the one holding the impersonation state>)` is killed.
   */
  async function killOne(victim: (impersonationNode: number) => number) {
    cluster = await startRedisCluster();
    const c = cluster;
    const { A, B, prefix } = await pair(c);
    const members = await Promise.all(MEMBERS.slice(0, 18).map((m) => Browser.signedIn(A, m)));
    const admins = await Promise.all(ADMINS.slice(0, 6).map((a) => Browser.signedIn(B, a)));
    for (const [i, admin] of admins.entries()) expect((await admin.at(A).start(SUBJECTS[i])).status).toBe(200);
    const node = (b: Browser) => ownerOf(c, `${prefix}sess:${b.sessionId}`);
    const impersonationNode = ownerOf(c, `${prefix}{impersonation}:sessions`);
    const killed = victim(impersonationNode);
    const expected = (b: Browser, acting: boolean) => node(b) === killed || (acting && impersonationNode === killed);
    const before = { members: members.map((b) => expected(b, false)), admins: admins.map((b) => expected(b, true)) };
    await c.nodes[killed].stop(true);
    return { A, B, members, admins, before };
  }

  /** Every request: 503 STORE_UNAVAILABLE where its keys were on the dead master, else served as before; never as anyone else. */
  async function check(hosts: ScaleHost[], browsers: Browser[], unavailable: boolean[], servedAs: (i: number) => object) {
    for (const host of hosts) {
      for (const [i, b] of browsers.entries()) {
        const r = await whoami(b, host);
        if (unavailable[i]) expect(r, `browser ${i} on ${host.name}`).toMatchObject({ status: 503, code: 'STORE_UNAVAILABLE' });
        else expect(r, `browser ${i} on ${host.name}`).toMatchObject({ status: 200, servedAs: servedAs(i) });
      }
    }
  }

  it('the master holding the impersonation state: acting reads and writes answer 503 on both instances, others are served as themselves', async () => {
    const { A, B, members, admins, before } = await killOne((imp) => imp);
    expect(before.admins).toEqual(admins.map(() => true));
    expect(before.members).toContain(false);
    await check([A, B], admins, before.admins, () => ({}));
    await check([A, B], members, before.members, (i) => ({ active: false, userId: MEMBERS[i] }));
    for (const host of [A, B]) {
      const w = await admins[0].at(host).request('POST', '/notes', { body: {} });
      expect(w.status).toBe(503);
    }
    // No acting request reached a host route at all.
    expect([...A.served, ...B.served].filter((s) => s.servedAs?.active)).toEqual([]);
  });

  it('another master: the sessions on it answer 503, acting admins whose session is elsewhere go on acting on both instances', async () => {
    const { A, B, members, admins, before } = await killOne((imp) => (imp + 1) % 3);
    expect(before.members).toContain(true);
    expect(before.members).toContain(false);
    expect(before.admins).toContain(false);
    await check([A, B], admins, before.admins, (i) => ({ active: true, userId: SUBJECTS[i] }));
    await check([A, B], members, before.members, (i) => ({ active: false, userId: MEMBERS[i] }));
  });
});
