import type { RedisClientType } from 'redis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { memorySubjectStore, type AccessEntry, type AccessRequest, type SubjectStore } from '../../../../server/index.js';
import { redisSubjectStore } from '../../../../server/redis/index.js';
import { clock } from '../../../helpers/clock.js';
import { startHost } from '../../../helpers/host.js';
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

describe('memorySubjectStore is bounded', () => {
  const HOUR = 3_600_000;

  it('drops expired grants and requests a day past their deadline, whatever their status; keeps what is open or recent', async () => {
    const store = memorySubjectStore();
    let added = 0;
    // 500 hours; each hour 10 four-eyes requests (15 min window): some declined, some used, the
    // rest left to expire; and 2 one-hour grants of subjects nobody lists again.
    for (let h = 0; h < 500; h++) {
      const now = h * HOUR;
      for (let i = 0; i < 10; i++) {
        const id = `r${h}-${i}`;
        await store.addRequest(request(id, now + 15 * 60_000, { createdAt: now, actor: { id: `admin${i}`, name: 'A' } }));
        if (i < 3) await store.transition(id, 'pending', { status: 'declined', decidedAt: now }, now);
        if (i >= 3 && i < 6) {
          await store.transition(id, 'pending', { status: 'approved', decidedAt: now, expiresAt: now + 30 * 60_000 }, now);
          await store.transition(id, 'approved', { status: 'used' }, now);
        }
        added++;
      }
      for (const k of [0, 1]) await store.addGrant({ id: `g${h}-${k}`, subject: { id: `user${h}-${k}`, name: 'U' }, grantedAt: now, expiresAt: now + HOUR });
      added += 2;
    }
    const { requests, grants } = store.size;
    expect(added).toBe(6000);
    // Held: the last day's requests (about 250), at most twice that between sweeps; live grants only.
    expect(requests + grants).toBeLessThan(600);
    expect(grants).toBeLessThanOrEqual(60);
    const now = 499 * HOUR;
    // Old ones are gone; recent ones still tell a late decision why (expired, decided), not "not found".
    expect(await store.getRequest('r0-0')).toBeUndefined();
    expect(await store.getRequest('r0-9')).toBeUndefined();
    expect(await store.transition('r480-9', 'pending', { status: 'approved' }, now)).toEqual({ ok: false, reason: 'expired' });
    expect(await store.transition('r480-0', 'pending', { status: 'approved' }, now)).toEqual({ ok: false, reason: 'decided' });
    expect(ids(await store.listRequests({ kind: 'approval' }, now))).toEqual(['r499-6', 'r499-7', 'r499-8', 'r499-9']);
    expect((await store.listGrants('user499-1', now)).map((g) => g.id)).toEqual(['g499-1']);
  });

  it('keeps what the access history needs: after the request behind a session is dropped, its entry still names the approver and the writes', async () => {
    const c = clock();
    const store = memorySubjectStore();
    const host = await startHost({ now: c.now, subject: { approval: ({ target }) => target.id === 'ashley', store } });
    try {
      host.users.get('olga')!.permissions!.push('impersonate:approve');
      const avery = await host.signIn('avery');
      const id = (await avery.start('ashley', 'Ticket 95: her goals look wrong')).json.error.request.id;
      expect((await (await host.signIn('olga')).post(`/onbehalf/approvals/${id}/approve`)).status).toBe(200);
      expect((await avery.start('ashley', 'Ticket 95: her goals look wrong')).status).toBe(200);
      expect((await avery.post('/notes', { text: 'fixed' })).status).toBe(201);
      expect((await avery.stop()).status).toBe(200);
      await host.ob.settled();
      c.advance(48 * HOUR);
      // Other admins' requests fill the store until it sweeps.
      for (let i = 0; i < 300; i++) await store.addRequest(request(`other${i}`, c.now() + 60_000, { createdAt: c.now(), actor: { id: `admin${i}`, name: 'A' } }));
      expect(await store.getRequest(id)).toBeUndefined();
      const ashley = await host.signIn('ashley');
      expect((await ashley.get('/onbehalf/me/access')).json.sessions).toEqual([
        expect.objectContaining({ actor: expect.objectContaining({ id: 'avery' }), approver: expect.objectContaining({ id: 'olga' }), reason: 'Ticket 95: her goals look wrong', actions: [expect.objectContaining({ method: 'POST', path: '/notes', status: 201 })] }),
      ]);
    } finally {
      await host.close();
    }
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
