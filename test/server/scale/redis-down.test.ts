import { randomUUID } from 'node:crypto';
import { afterEach, describe, expect, it } from 'vitest';
import type { Reply } from '../../helpers/http.js';
import { startRedis, type RedisProcess } from '../../helpers/redis.js';
import { Browser, startScaleHost, type ScaleHost } from './redis-host.js';

let open: { hosts: ScaleHost[]; redis: RedisProcess[] } = { hosts: [], redis: [] };
afterEach(async () => {
  const { hosts, redis } = open;
  open = { hosts: [], redis: [] };
  await Promise.all(hosts.map((h) => h.close()));
  await Promise.all(redis.map((r) => r.stop(true)));
  for (const h of hosts) expect(h.unexpected, `${h.name}: errors answered 500`).toEqual([]);
});

async function pair(sessionRedis: RedisProcess, storeRedis = sessionRedis) {
  const prefix = `d${randomUUID().slice(0, 8)}:`;
  const hosts = await Promise.all(['A', 'B'].map((name) => startScaleHost(name, { sessionUrl: sessionRedis.url, storeUrl: storeRedis.url, prefix })));
  open.hosts.push(...hosts);
  return hosts as [ScaleHost, ScaleHost];
}

const isStoreUnavailable = (r: Reply) => r.status === 503 && r.json?.error?.code === 'STORE_UNAVAILABLE';
const describeReply = (label: string, r: Reply) => `${label}: ${r.status} ${r.text.slice(0, 200)}`;
const until = async (check: () => Promise<boolean>, what: string, ms = 15_000) => {
  const end = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
};
const acting = { active: true, userId: 'ashley', actor: expect.objectContaining({ id: 'avery' }) };

describe('Redis killed mid-session', () => {
  it('one Redis for sessions and impersonation: every request answers 503 JSON, none is served, and service resumes', async () => {
    const redis = await startRedis({ persist: true });
    open.redis.push(redis);
    const [A, B] = await pair(redis);
    const avery = await Browser.signedIn(A, 'avery');
    const bob = await Browser.signedIn(B, 'bob');
    const sam = await Browser.signedIn(A, 'sam');
    expect((await avery.at(A).start('ashley')).status).toBe(200);
    expect((await avery.at(B).get('/whoami')).json.servedAs).toMatchObject(acting);

    await redis.stop(true);
    const servedBefore = A.served.length + B.served.length;
    const outage: string[] = [];
    // Right after the kill and well after it: the client first finds its socket dead, then knows it is offline.
    for (let round = 0; round < 10; round++) {
      const replies: Array<[string, Reply]> = [
        ['avery GET on A', await avery.at(A).get('/whoami')],
        ['avery GET on B', await avery.at(B).get('/whoami')],
        ['avery POST on B', await avery.at(B).request('POST', '/notes', { body: {} })],
        ['avery status on A', await avery.at(A).get('/onbehalf/status')],
        ['avery stop on B', await avery.at(B).request('POST', '/onbehalf/stop', { body: {} })],
        ['bob GET on A', await bob.at(A).get('/whoami')],
        ['sam start on B', await sam.at(B).start('bob')],
        ['sam start on A', await sam.at(A).request('POST', '/onbehalf/start', { body: { userId: 'bob', reason: 'Investigating a ticket' } })],
      ];
      for (const [label, r] of replies) if (!isStoreUnavailable(r)) outage.push(describeReply(label, r));
      await new Promise((r) => setTimeout(r, 100));
    }
    expect(outage).toEqual([]);
    // Not one request reached a host route, so none was served as anybody.
    expect(A.served.length + B.served.length).toBe(servedBefore);

    await redis.restart();
    await until(async () => (await bob.at(A).get('/whoami')).status === 200 && (await bob.at(B).get('/whoami')).status === 200, 'both instances to reconnect');
    // Same apps, same clients: the persisted session is honoured again, on both instances.
    expect((await avery.at(B).get('/whoami')).json.servedAs).toMatchObject(acting);
    expect((await avery.at(A).get('/whoami')).json.servedAs).toMatchObject(acting);
    expect((await bob.at(A).get('/whoami')).json.servedAs).toEqual({ active: false, userId: 'bob' });
    const start = await sam.at(B).start('bob');
    expect(start.status, start.text).toBe(200);
    expect((await sam.at(A).get('/whoami')).json.servedAs).toMatchObject({ active: true, userId: 'bob', actor: { id: 'sam' } });
    expect((await avery.at(A).stop()).status).toBe(200);
    expect((await avery.at(B).get('/whoami')).json.servedAs).toEqual({ active: false, userId: 'avery' });
    // Every request a host route served, before and after: as the right person.
    for (const s of [...A.served, ...B.served]) {
      const ok = s.servedAs?.active ? ['avery>ashley', 'sam>bob'].includes(`${s.servedAs.actor.id}>${s.servedAs.userId}`) : ['avery', 'bob', 'sam'].includes(s.servedAs?.userId ?? '');
      expect(ok, JSON.stringify(s)).toBe(true);
    }
  });

  it('impersonation store on its own Redis: acting requests and starts answer 503, other users are served as themselves', async () => {
    const sessions = await startRedis();
    const state = await startRedis();
    open.redis.push(sessions, state);
    const [A, B] = await pair(sessions, state);
    const avery = await Browser.signedIn(A, 'avery');
    const bob = await Browser.signedIn(B, 'bob');
    const sam = await Browser.signedIn(A, 'sam');
    expect((await avery.at(A).start('ashley')).status).toBe(200);

    await state.stop(true);
    const mark = [A.served.length, B.served.length];
    const servedSince = ([a, b]: number[]) => [...A.served.slice(a), ...B.served.slice(b)];
    const outage: string[] = [];
    for (let round = 0; round < 5; round++) {
      for (const [label, r] of [
        ['avery GET on B', await avery.at(B).get('/whoami')],
        ['avery POST on A', await avery.at(A).request('POST', '/notes', { body: {} })],
        ['avery status on B', await avery.at(B).get('/onbehalf/status')],
        ['sam start on B', await sam.at(B).start('bob')],
      ] as Array<[string, Reply]>) {
        if (!isStoreUnavailable(r)) outage.push(describeReply(label, r));
      }
      // Bob isn't acting: his requests need no impersonation state and are served as him.
      const own = await bob.at(A).get('/whoami');
      expect(own.json?.servedAs, describeReply('bob', own)).toEqual({ active: false, userId: 'bob' });
    }
    expect(outage).toEqual([]);
    // The only requests host routes served during the outage were bob's, as bob.
    expect(servedSince(mark).map((s) => s.servedAs)).toEqual(Array(5).fill({ active: false, userId: 'bob' }));

    // Back, but empty (no persistence): the lost session can't be honoured; avery is herself again.
    await state.restart();
    await until(async () => (await avery.at(B).get('/whoami')).status === 200, 'the store to reconnect');
    expect((await avery.at(A).get('/whoami')).json.servedAs).toEqual({ active: false, userId: 'avery' });
    const start = await sam.at(B).start('bob');
    expect(start.status, start.text).toBe(200);
  });

  it.each([
    ['one Redis for sessions and impersonation', false],
    ['impersonation store on its own Redis', true],
  ])('%s, hanging (connection open, no answers): requests answer 503 after the timeout, then resume', async (_label, separate) => {
    const sessions = await startRedis();
    const state = separate ? await startRedis() : sessions;
    open.redis.push(...new Set([sessions, state]));
    const [A, B] = await pair(sessions, state);
    const avery = await Browser.signedIn(A, 'avery');
    expect((await avery.at(A).start('ashley')).status).toBe(200);
    const mark = A.served.length + B.served.length;
    state.pause();
    try {
      const replies = await Promise.all([avery.at(A).get('/whoami'), avery.at(B).request('POST', '/notes', { body: {} }), avery.at(B).stop()]);
      expect(replies.map((r) => [r.status, r.json?.error?.code])).toEqual(Array(3).fill([503, 'STORE_UNAVAILABLE']));
      expect(A.served.length + B.served.length).toBe(mark);
    } finally {
      state.resume();
    }
    expect((await avery.at(B).get('/whoami')).json.servedAs).toMatchObject(acting);
  });
});
