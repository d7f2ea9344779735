import { randomUUID } from 'node:crypto';
import type { RedisClientType } from 'redis';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { AuditEvent, OnBehalfOptions } from '../../../server/index.js';
import { startRedis, type RedisProcess } from '../../helpers/redis.js';
import { ADMINS, Browser, MEMBERS, redisClient, startScaleHost, type ScaleHost } from './redis-host.js';

let redis: RedisProcess;
let inspect: RedisClientType;
let open: ScaleHost[] = [];

beforeAll(async () => {
  // Persistent, like a production Redis: a restart keeps the sessions.
  redis = await startRedis({ persist: true });
  inspect = await redisClient(redis.url);
});
afterEach(async () => {
  const hosts = open;
  open = [];
  await Promise.all(hosts.map((h) => h.close()));
  for (const h of hosts) expect(h.unexpected, `${h.name}: errors answered 500`).toEqual([]);
});
afterAll(async () => {
  if (inspect?.isOpen) inspect.destroy();
  await redis?.stop(true);
});

/** Instances A and B of one host app on one Redis, under a fresh key prefix. */
async function pair(onBehalf: Partial<OnBehalfOptions> = {}, cacheTtlMs = 0) {
  const prefix = `s${randomUUID().slice(0, 8)}:`;
  const [A, B] = await Promise.all(['A', 'B'].map((name) => startScaleHost(name, { sessionUrl: redis.url, prefix, onBehalf, cacheTtlMs })));
  open.push(A, B);
  return { A, B, prefix };
}

const events = (...hosts: ScaleHost[]): AuditEvent[] => hosts.flatMap((h) => h.audit.events);
const ended = (...hosts: ScaleHost[]) => events(...hosts).filter((e) => e.type === 'ended');
const servedAs = async (b: Browser, host: ScaleHost) => {
  const r = await b.at(host).get('/whoami');
  expect(r.status, r.text).toBe(200);
  return r.json.servedAs;
};
/** The impersonation keys left in Redis (sessions and rate-limit counters aside). */
const impersonationKeys = async (prefix: string) =>
  (await inspect.keys(`${prefix}*`)).filter((k) => !k.startsWith(`${prefix}sess:`) && !k.startsWith(`${prefix}rl:`));
const until = async (check: () => Promise<boolean>, what: string, ms = 15_000) => {
  const end = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
};

// With the store's cache (a TTL far longer than the test), the end must reach the other instance all the same.
const caches = [
  ['Redis read on every request', 0],
  ['redisStore({ cacheTtlMs: 60 s })', 60_000],
] as const;

describe('two app instances sharing one Redis', () => {
  it.each(caches)('start on A is acting on B; exit on B is not acting on A (%s)', async (_, cacheTtlMs) => {
    const { A, B, prefix } = await pair({}, cacheTtlMs);
    const avery = await Browser.signedIn(A, 'avery');
    const start = await avery.at(A).start('ashley');
    expect(start.status, start.text).toBe(200);

    const onB = await servedAs(avery, B);
    expect(onB).toMatchObject({ active: true, userId: 'ashley', actor: { id: 'avery' }, sessionId: start.json.session.sessionId });
    const write = await avery.at(B).request('POST', '/notes', { body: {} });
    expect(write.status).toBe(201);
    expect(write.json.servedAs).toMatchObject({ active: true, userId: 'ashley', actor: { id: 'avery' } });

    const stop = await avery.at(B).stop();
    expect(stop.status, stop.text).toBe(200);
    expect(await servedAs(avery, A)).toEqual({ active: false, userId: 'avery' });
    expect(await servedAs(avery, B)).toEqual({ active: false, userId: 'avery' });
    // One start (audited where it happened), one end (where it happened), nothing left in Redis.
    expect(A.audit.events.filter((e) => e.type === 'started')).toHaveLength(1);
    expect(ended(A, B).map((e) => [e.cause, e.sessionId])).toEqual([['exit', start.json.session.sessionId]]);
    expect(B.audit.events.filter((e) => e.type === 'action')).toHaveLength(1); // the write, by avery as ashley
    expect(await impersonationKeys(prefix)).toEqual([]);
  });

  it.each(caches)('revocation on A, by the API or ob.revoke(), ends the session on B at its next request (%s)', async (_, cacheTtlMs) => {
    const { A, B } = await pair({}, cacheTtlMs);
    const avery = await Browser.signedIn(A, 'avery');
    const auditor = await Browser.signedIn(B, 'aud');
    const { json } = await avery.at(B).start('ashley');

    // The admin API on the other instance sees it.
    const listed = await auditor.at(A).get('/onbehalf/sessions');
    expect(listed.status).toBe(200);
    expect(listed.json.sessions.map((s: { sessionId: string }) => s.sessionId)).toEqual([json.session.sessionId]);

    const revoke = await auditor.at(A).post(`/onbehalf/sessions/${json.session.sessionId}/revoke`);
    expect(revoke.status, revoke.text).toBe(200);
    // The very next request on B: a write meant for ashley is refused, not run as avery.
    const write = await avery.at(B).request('POST', '/notes', { body: {} });
    expect(write.status).toBe(409);
    expect(write.json.error.code).toBe('EXPIRED');
    expect(await servedAs(avery, B)).toEqual({ active: false, userId: 'avery' });
    expect(await servedAs(avery, A)).toEqual({ active: false, userId: 'avery' });

    // ob.revoke() by subject, called in A's process.
    await avery.at(A).start('bob');
    expect((await servedAs(avery, B)).userId).toBe('bob');
    expect(await A.ob.revoke({ subjectId: 'bob' })).toBe(1);
    expect(await servedAs(avery, B)).toEqual({ active: false, userId: 'avery' });
    expect(ended(A, B).map((e) => e.cause)).toEqual(['revoked', 'revoked']);
    expect((await auditor.at(B).get('/onbehalf/sessions')).json.sessions).toEqual([]);
  });

  it('expires sessions on both instances, and racing sweeps audit one end', async () => {
    const { A, B, prefix } = await pair({ maxDurationMs: 1_000 });
    const avery = await Browser.signedIn(A, 'avery');
    const first = await avery.at(A).start('ashley');
    expect((await servedAs(avery, B)).active).toBe(true);
    await until(async () => Date.now() > first.json.session.expiresAt + 20, 'the hard limit');
    expect(await servedAs(avery, B)).toEqual({ active: false, userId: 'avery' });
    expect(await servedAs(avery, A)).toEqual({ active: false, userId: 'avery' });
    expect(ended(A, B).map((e) => e.cause)).toEqual(['expired']);

    // Nobody comes back: both instances' sweeps race; exactly one ends and audits it.
    const second = await avery.at(B).start('bob');
    expect(second.status, second.text).toBe(200);
    await until(async () => Date.now() > second.json.session.expiresAt + 20, 'the hard limit');
    const swept = await Promise.all([A.ob.sweep(), B.ob.sweep(), A.ob.sweep(), B.ob.sweep()]);
    expect(swept.reduce((a, b) => a + b)).toBe(1);
    // Either instance may have ended either one: compare regardless of order.
    const ends = ended(A, B).map((e) => `${e.cause} ${e.sessionId}`).sort();
    expect(ends).toEqual([`expired ${first.json.session.sessionId}`, `expired ${second.json.session.sessionId}`].sort());
    expect(await servedAs(avery, A)).toEqual({ active: false, userId: 'avery' });
    expect(await impersonationKeys(prefix)).toEqual([]);
  });

  it('counts start attempts on both instances against one limit', async () => {
    const { A, B } = await pair({ rateLimit: { limit: 4 } });
    const avery = await Browser.signedIn(A, 'avery');
    const codes: number[] = [];
    for (const host of [A, B, A, B, A, B]) codes.push((await avery.at(host).start('ashley', 'too short')).status);
    // 4 attempts (refused for the short reason) on A and B together, then the limit on both.
    expect(codes).toEqual([400, 400, 400, 400, 429, 429]);
  });

  it('lets one of two racing starts of one actor on A and B win', async () => {
    const { A, B } = await pair();
    for (let round = 0; round < 5; round++) {
      // The same admin signed in twice (two browsers), starting at once on both instances.
      const [one, two] = await Promise.all([Browser.signedIn(A, 'sam'), Browser.signedIn(B, 'sam')]);
      const [a, b] = await Promise.all([one.at(A).start('ashley'), two.at(B).start('bob')]);
      expect([a.status, b.status].sort()).toEqual([200, 409]);
      const winner = a.status === 200 ? one : two;
      const loser = a.status === 200 ? two : one;
      for (const host of [A, B]) {
        expect((await servedAs(winner, host)).active).toBe(true);
        expect(await servedAs(loser, host)).toEqual({ active: false, userId: 'sam' });
      }
      expect((await winner.at(B).stop()).status).toBe(200);
    }
  });

  it('stays consistent under 200 concurrent starts and stops across both instances', async () => {
    const { A, B, prefix } = await pair({ rateLimit: { limit: 1_000 } });
    const hosts = [A, B];
    const problems: string[] = [];
    const cycles = 10;
    // 20 admins at once, each 10 times: start on one instance, check on the other, stop on either.
    await Promise.all(
      ADMINS.map(async (admin, k) => {
        const browser = await Browser.signedIn(hosts[k % 2], admin);
        for (let i = 0; i < cycles; i++) {
          const [X, Y] = (k + i) % 2 ? [A, B] : [B, A];
          const subject = MEMBERS[(k + i) % MEMBERS.length];
          const start = await browser.at(X).start(subject);
          if (start.status !== 200) { problems.push(`${admin} start ${i}: ${start.status} ${start.text}`); continue; }
          const acting = (await browser.at(Y).get('/whoami')).json?.servedAs;
          if (acting?.userId !== subject || acting?.actor?.id !== admin) problems.push(`${admin} cycle ${i}: on ${Y.name} served as ${JSON.stringify(acting)}`);
          const stop = await browser.at(i % 3 ? Y : X).stop();
          if (stop.status !== 200) problems.push(`${admin} stop ${i}: ${stop.status} ${stop.text}`);
          for (const host of hosts) {
            const after = (await browser.at(host).get('/whoami')).json?.servedAs;
            if (after?.active !== false || after.userId !== admin) problems.push(`${admin} after stop ${i} on ${host.name}: ${JSON.stringify(after)}`);
          }
        }
      }),
    );
    expect(problems).toEqual([]);

    const all = events(A, B);
    const started = all.filter((e) => e.type === 'started');
    expect(started).toHaveLength(ADMINS.length * cycles);
    const ends = ended(A, B);
    expect(ends).toHaveLength(started.length);
    expect(new Set(ends.map((e) => e.sessionId))).toEqual(new Set(started.map((e) => e.sessionId)));
    expect(ends.every((e) => e.cause === 'exit')).toBe(true);
    // No orphan: no session, actor lock or index entry is left in Redis.
    expect(await impersonationKeys(prefix)).toEqual([]);
  }, 120_000);
});
