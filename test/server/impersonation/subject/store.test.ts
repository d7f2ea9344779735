import type { RedisClientType } from 'redis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { memorySubjectStore, type AccessEntry, type AccessRequest, type SubjectStore } from '../../../../server/index.js';
import { redisSubjectStore } from '../../../../server/redis/index.js';
import { startRedis, type RedisProcess } from '../../../helpers/redis.js';
import { redisClient } from '../../scale/redis-host.js';

let redis: RedisProcess;
let client: RedisClientType;
beforeAll(async () => {
  redis = await startRedis();
  client = await redisClient(redis.url);
});
afterAll(async () => {
  if (client?.isOpen) client.destroy();
  await redis?.stop(true);
});

const ashley = { id: 'ashley', name: 'Ashley' };
const avery = { id: 'avery', name: 'Avery Admin' };
const entry = (n: number): AccessEntry => ({ sessionId: `s${n}`, actor: avery, subject: ashley, reason: `visit ${n} for a reason`, readOnly: false, startedAt: 1000 * n, endedAt: 1000 * n + 500, cause: 'exit', actions: [] });
const request = (id: string, expiresAt: number, over: Partial<AccessRequest> = {}): AccessRequest => ({ id, kind: 'approval', actor: avery, subject: ashley, reason: 'ticket 1: needs a look', createdAt: 0, expiresAt, status: 'pending', ...over });
const ids = (rs: AccessRequest[]) => rs.map((r) => r.id).sort();

let n = 0;
const stores: Array<[string, (limit: number) => SubjectStore]> = [
  ['memorySubjectStore', (historyLimit) => memorySubjectStore({ historyLimit })],
  ['redisSubjectStore', (historyLimit) => redisSubjectStore({ client, prefix: `t${n++}:`, historyLimit })],
];

describe.each(stores)('%s', (_, make) => {
  it('keeps the newest entries up to the limit, newest first, with dismissals', async () => {
    const store = make(2);
    for (const i of [1, 3, 2]) await store.putAccess(entry(i));
    expect((await store.listAccess('ashley', 10)).map((e) => e.sessionId)).toEqual(['s3', 's2']);
    expect(await store.dismiss('ashley', 's2', 77)).toBe(true);
    expect(await store.dismiss('ashley', 's1', 77)).toBe(false);
    expect(await store.dismiss('bob', 's2', 77)).toBe(false);
    expect((await store.listAccess('ashley', 1)).map((e) => [e.sessionId, e.dismissedAt])).toEqual([['s3', undefined]]);
    expect((await store.listAccess('ashley', 10))[1].dismissedAt).toBe(77);
    // Dismissing again keeps the first time.
    await store.dismiss('ashley', 's2', 99);
    expect((await store.listAccess('ashley', 10))[1].dismissedAt).toBe(77);
  });

  it('hands a removed grant to one caller only, and lists only live grants', async () => {
    const store = make(10);
    await store.addGrant({ id: 'g1', subject: ashley, grantedAt: 0, expiresAt: 100 });
    await store.addGrant({ id: 'g2', subject: ashley, grantedAt: 0, expiresAt: 50 });
    expect((await store.listGrants('ashley', 60)).map((g) => g.id)).toEqual(['g1']);
    const removed = await Promise.all([store.removeGrant('ashley', 'g1'), store.removeGrant('ashley', 'g1')]);
    expect(removed.filter(Boolean)).toHaveLength(1);
    expect(await store.listGrants('ashley', 60)).toEqual([]);
  });

  it('lets exactly one of racing transitions through, and refuses an expired request', async () => {
    const store = make(10);
    await store.addRequest(request('r1', 100));
    const results = await Promise.all(Array.from({ length: 8 }, (_, i) => store.transition('r1', 'pending', { status: 'approved', approver: { id: `a${i}`, name: 'A' }, decidedAt: 10, expiresAt: 200 }, 10)));
    const won = results.filter((r) => r.ok);
    expect(won).toHaveLength(1);
    expect(results.filter((r) => !r.ok).every((r) => !r.ok && r.reason === 'decided')).toBe(true);
    const after = await store.getRequest('r1');
    expect(after).toMatchObject({ status: 'approved', expiresAt: 200, decidedAt: 10 });
    expect(after!.approver).toEqual(won[0].ok && won[0].request.approver);
    expect((await store.listRequests({ actorId: 'avery' }, 150)).map((r) => r.id)).toEqual(['r1']);
    expect(await store.listRequests({ actorId: 'avery' }, 250)).toEqual([]);

    await store.addRequest(request('r2', 100));
    expect(await store.transition('r2', 'pending', { status: 'approved' }, 100)).toEqual({ ok: false, reason: 'expired' });
    expect(await store.transition('nope', 'pending', { status: 'approved' }, 0)).toEqual({ ok: false, reason: 'not-found' });
  });

  it('a claim (pending → deciding) lets one caller through, keeps the request listed, and can go back to pending', async () => {
    const store = make(10);
    await store.addRequest(request('c1', 100));
    const claims = await Promise.all(Array.from({ length: 6 }, () => store.transition('c1', 'pending', { status: 'deciding' }, 10)));
    expect(claims.filter((r) => r.ok)).toHaveLength(1);
    expect((await store.listRequests({ actorId: 'avery' }, 20)).map((r) => [r.id, r.status])).toEqual([['c1', 'deciding']]);
    expect((await store.transition('c1', 'deciding', { status: 'pending' }, 10)).ok).toBe(true);
    expect(await store.getRequest('c1')).toEqual(request('c1', 100));
    expect((await store.listRequests({ kind: 'approval' }, 20)).map((r) => r.status)).toEqual(['pending']);
    expect((await store.transition('c1', 'pending', { status: 'deciding' }, 10)).ok).toBe(true);
    expect(await store.transition('c1', 'pending', { status: 'deciding' }, 10)).toEqual({ ok: false, reason: 'decided' });
    expect((await store.transition('c1', 'deciding', { status: 'declined', decidedAt: 10 }, 10)).ok).toBe(true);
    expect(await store.listRequests({ subjectId: 'ashley' }, 20)).toEqual([]);
  });

  it('lists requests by requester, subject and kind, only while pending or approved and not expired', async () => {
    const store = make(10);
    const sam = { id: 'sam', name: 'Sam' };
    const bob = { id: 7, name: 'Bob' };
    await store.addRequest(request('a1', 100));
    await store.addRequest(request('a2', 100, { kind: 'consent' }));
    await store.addRequest(request('a3', 100, { actor: sam, subject: bob }));
    await store.addRequest(request('a4', 100, { actor: sam, kind: 'consent' }));
    expect(ids(await store.listRequests({ actorId: 'avery' }, 10))).toEqual(['a1', 'a2']);
    expect(ids(await store.listRequests({ actorId: 'sam', kind: 'consent' }, 10))).toEqual(['a4']);
    expect(ids(await store.listRequests({ subjectId: '7' }, 10))).toEqual(['a3']);
    expect(ids(await store.listRequests({ subjectId: 'ashley', kind: 'consent' }, 10))).toEqual(['a2', 'a4']);
    expect(ids(await store.listRequests({ actorId: 'avery', subjectId: 'ashley', kind: 'approval' }, 10))).toEqual(['a1']);
    expect(ids(await store.listRequests({ kind: 'approval' }, 10))).toEqual(['a1', 'a3']);
    expect(ids(await store.listRequests({}, 10))).toEqual(['a1', 'a2', 'a3', 'a4']);
    // Approved with a later deadline: still listed past the first one; used or declined: never again.
    expect((await store.transition('a1', 'pending', { status: 'approved', expiresAt: 300 }, 50)).ok).toBe(true);
    expect((await store.transition('a3', 'pending', { status: 'declined' }, 50)).ok).toBe(true);
    expect(ids(await store.listRequests({ kind: 'approval' }, 200))).toEqual(['a1']);
    expect((await store.transition('a1', 'approved', { status: 'used' }, 60)).ok).toBe(true);
    expect(await store.listRequests({ kind: 'approval' }, 70)).toEqual([]);
    expect(ids(await store.listRequests({}, 99))).toEqual(['a2', 'a4']);
    expect(await store.listRequests({}, 100)).toEqual([]);
    // Gone from the lists, still there to be told apart: expired, not unknown.
    expect(await store.transition('a2', 'pending', { status: 'approved' }, 100)).toEqual({ ok: false, reason: 'expired' });
  });
});

describe('redisSubjectStore', () => {
  /** Commands Redis ran (scripts' inner commands included) while `fn` ran. */
  async function commandsDuring(fn: () => Promise<unknown>) {
    const total = async () => {
      const info = String(await client.sendCommand(['INFO', 'commandstats']));
      return [...info.matchAll(/^cmdstat_(\w+):calls=(\d+)/gm)].filter(([, name]) => name !== 'info').reduce((n, m) => n + Number(m[2]), 0);
    };
    const before = await total();
    await fn();
    return (await total()) - before;
  }

  it('lists an admin’s or a subject’s requests without reading anyone else’s', async () => {
    const store = redisSubjectStore({ client, prefix: `scan${n++}:` });
    for (let i = 0; i < 300; i++) await store.addRequest(request(`other${i}`, 1e12, { kind: i % 2 ? 'consent' : 'approval', actor: { id: `admin${i}`, name: 'A' }, subject: { id: `user${i}`, name: 'U' } }));
    await store.addRequest(request('mine', 1e12));
    let mine: AccessRequest[] = [];
    // SMEMBERS of one index and one HMGET for the request: not one read per request stored.
    expect(await commandsDuring(async () => (mine = await store.listRequests({ actorId: 'avery', kind: 'approval' }, 0)))).toBeLessThanOrEqual(3);
    expect(ids(mine)).toEqual(['mine']);
    expect(await commandsDuring(async () => (mine = await store.listRequests({ subjectId: 'ashley' }, 0)))).toBeLessThanOrEqual(3);
    expect(ids(mine)).toEqual(['mine']);
  });
});
