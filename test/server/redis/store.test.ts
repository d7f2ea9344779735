import { spawnSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { createClient, createCluster, type RedisClientType, type RedisClusterType } from 'redis';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { ImpersonationRecord } from '../../../server/impersonation/types.js';
import { newDeadline } from '../../../server/http/index.js';
import { redisStore, RedisUnavailableError } from '../../../server/redis/index.js';
import { asCommandClient, type RedisClient } from '../../../server/redis/cluster.js';
import type { RedisCommandClient } from '../../../server/redis/commands.js';
import { startRedis, startRedisCluster, type RedisClusterProcess, type RedisProcess } from '../../helpers/redis.js';

let redis: RedisProcess;
const clients: RedisClientType[] = [];
const clusters: RedisClusterType[] = [];
/** Stores with a cache own a second connection: closed after the file. */
const caching: Array<{ close(): Promise<void> }> = [];

/** A client set up as the README tells hosts to: fail fast while offline, reconnect on its own. */
async function connect(): Promise<RedisClientType> {
  const client: RedisClientType = createClient({
    url: redis.url,
    disableOfflineQueue: true,
    socket: { reconnectStrategy: (retries) => Math.min(50 * retries, 500) },
  });
  client.on('error', () => { /* reconnects by itself; the store reports unavailability per call */ });
  await client.connect();
  clients.push(client);
  return client;
}

function record(over: Partial<ImpersonationRecord> = {}): ImpersonationRecord {
  const now = Date.now();
  const actorId = over.actorId ?? `admin-${randomUUID()}`;
  const subjectId = over.subjectId ?? `user-${randomUUID()}`;
  return {
    id: randomUUID(),
    actorId,
    subjectId,
    actor: { id: actorId, name: 'Avery <Admin>', email: 'avery@example.test' },
    subject: { id: subjectId, name: 'Ashley "A" Ö' },
    reason: 'Ticket 42: cannot submit check-in',
    ticket: 'T-42',
    readOnly: false,
    startedAt: now,
    expiresAt: now + 30 * 60_000,
    lastSeenAt: now,
    returnTo: '/admin/users?page=2',
    ...over,
  };
}

/** Every key the store left behind under its prefix. */
async function keysOf(client: RedisClientType, prefix: string) {
  return (await client.keys(`${prefix}*`)).sort();
}

/** How a call settled, without waiting forever: 'hung' if it takes longer than `ms`. */
async function settle<T>(p: Promise<T>, ms = 5_000) {
  let timer: NodeJS.Timeout | undefined;
  const hung = new Promise<{ outcome: 'hung' }>((resolve) => { timer = setTimeout(() => resolve({ outcome: 'hung' }), ms); });
  const done = p.then((value) => ({ outcome: 'resolved' as const, value }), (error: unknown) => ({ outcome: 'rejected' as const, error }));
  try {
    return await Promise.race([done, hung]);
  } finally {
    clearTimeout(timer);
  }
}

const until = async (check: () => boolean | Promise<boolean>, what: string, ms = 10_000) => {
  const end = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 25));
  }
};

beforeAll(async () => { redis = await startRedis(); });
afterAll(async () => {
  await Promise.all(caching.map((s) => s.close()));
  await Promise.all(clients.map((c) => c.isOpen && c.destroy()));
  await redis?.stop(true);
});

describe('redisStore: the store contract on a real redis-server', () => {
  let prefix: string;
  afterEach(async () => {
    // Whatever a test did, ending everything it left must leave no key behind: no orphan index.
    const client = await connect();
    const store = redisStore({ client, prefix });
    for (const r of await store.list()) await store.end(r.id);
    expect(await keysOf(client, prefix)).toEqual([]);
  });
  const fresh = async (opts: { expiryGraceMs?: number } = {}) => {
    prefix = `t${randomUUID().slice(0, 8)}:`;
    const client = await connect();
    return { client, store: redisStore({ client, prefix, ...opts }) };
  };

  it('creates, reads back every field, touches, lists and ends', async () => {
    const { client, store } = await fresh();
    const r = record();
    expect(await store.create(r)).toBe(true);
    expect(await store.get(r.id)).toEqual(r);
    expect(await store.get('no-such-id')).toBeUndefined();

    await store.touch(r.id, r.lastSeenAt + 5_000);
    expect((await store.get(r.id))!.lastSeenAt).toBe(r.lastSeenAt + 5_000);
    // Racing requests may touch out of order: lastSeenAt never moves back.
    await store.touch(r.id, r.lastSeenAt + 1_000);
    expect((await store.get(r.id))!.lastSeenAt).toBe(r.lastSeenAt + 5_000);
    await store.touch('no-such-id', Date.now()); // no error, creates nothing
    expect(await client.exists(`${prefix}{impersonation}:session:no-such-id`)).toBe(0);

    expect(await store.list()).toEqual([{ ...r, lastSeenAt: r.lastSeenAt + 5_000 }]);
    const ended = await store.end(r.id);
    expect(ended).toEqual({ ...r, lastSeenAt: r.lastSeenAt + 5_000 });
    expect(await store.get(r.id)).toBeUndefined();
    expect(await store.end(r.id)).toBeUndefined();
    expect(await store.list()).toEqual([]);
    expect(await keysOf(client, prefix)).toEqual([]);
  });

  it('keeps one session per actor, and frees the actor when it ends', async () => {
    const { store } = await fresh();
    const first = record({ actorId: 'avery' });
    expect(await store.create(first)).toBe(true);
    expect(await store.create(record({ actorId: 'avery' }))).toBe(false);
    expect((await store.list()).map((r) => r.id)).toEqual([first.id]);
    await store.end(first.id);
    const second = record({ actorId: 'avery' });
    expect(await store.create(second)).toBe(true);
    expect((await store.list({ actorId: 'avery' })).map((r) => r.id)).toEqual([second.id]);
  });

  it('filters the list by actor and by subject', async () => {
    const { store } = await fresh();
    const a = record({ actorId: 'avery', subjectId: 'ashley', startedAt: 1 });
    const b = record({ actorId: 'blake', subjectId: 'ashley', startedAt: 2 });
    const c = record({ actorId: 'casey', subjectId: 'bo', startedAt: 3 });
    for (const r of [a, b, c]) expect(await store.create(r)).toBe(true);
    const ids = (rs: ImpersonationRecord[]) => rs.map((r) => r.id);
    expect(ids(await store.list())).toEqual([a.id, b.id, c.id]);
    expect(ids(await store.list({ subjectId: 'ashley' }))).toEqual([a.id, b.id]);
    expect(ids(await store.list({ actorId: 'blake' }))).toEqual([b.id]);
    expect(ids(await store.list({ actorId: 'blake', subjectId: 'bo' }))).toEqual([]);
    expect(ids(await store.list({ actorId: 'nobody' }))).toEqual([]);
    await store.end(a.id);
    expect(ids(await store.list({ subjectId: 'ashley' }))).toEqual([b.id]);
    expect(ids(await store.list({ actorId: 'avery' }))).toEqual([]);
  });

  it('lets exactly one of two instances win racing creates for one actor', async () => {
    const { store: one } = await fresh();
    const two = redisStore({ client: await connect(), prefix });
    for (let round = 0; round < 20; round++) {
      const actorId = `racer-${round}`;
      const [x, y] = [record({ actorId }), record({ actorId })];
      const results = await Promise.all([one.create(x), two.create(y)]);
      expect(results.filter(Boolean)).toHaveLength(1);
      const listed = await two.list({ actorId });
      expect(listed.map((r) => r.id)).toEqual([results[0] ? x.id : y.id]);
      expect(await one.list()).toHaveLength(round + 1);
    }
  });

  it('returns the record to exactly one of 50 racing ends across 5 clients', async () => {
    const { store } = await fresh();
    const stores = [store, ...(await Promise.all([1, 2, 3, 4].map(async () => redisStore({ client: await connect(), prefix }))))];
    for (let round = 0; round < 5; round++) {
      const r = record();
      await store.create(r);
      const results = await Promise.all(Array.from({ length: 50 }, (_, i) => stores[i % 5].end(r.id)));
      const winners = results.filter((x) => x !== undefined);
      expect(winners).toEqual([r]);
    }
  });

  it('sets the TTL to the hard limit plus the grace, so an expired record is still seen, then removed by Redis', async () => {
    const grace = 1_500; // room for a slow machine between the hard limit and Redis's expiry
    const { client, store } = await fresh({ expiryGraceMs: grace });
    const long = record();
    await store.create(long);
    const pttl = await client.pTTL(`${prefix}{impersonation}:session:${long.id}`);
    expect(pttl).toBeGreaterThan(30 * 60_000);
    expect(pttl).toBeLessThanOrEqual(30 * 60_000 + grace);
    expect(await client.pTTL(`${prefix}{impersonation}:actor:${long.actorId}`)).toBeGreaterThan(30 * 60_000);
    expect(await client.pTTL(`${prefix}{impersonation}:subject:${long.subjectId}`)).toBeGreaterThan(30 * 60_000);
    await store.end(long.id);

    const r = record({ actorId: 'avery', expiresAt: Date.now() + 300 });
    await store.create(r);
    await until(() => Date.now() > r.expiresAt + 50, 'the hard limit to pass');
    // Past its hard limit but within the grace: onbehalf can still read it and audit 'expired'.
    expect(await store.get(r.id)).toEqual(r);
    expect(await store.create(record({ actorId: 'avery' }))).toBe(false);
    // Nobody ended it (all instances down): Redis drops it and the actor is free again.
    await until(async () => (await store.get(r.id)) === undefined, 'Redis to expire the record');
    expect(await store.list()).toEqual([]);
    expect(await store.list({ subjectId: r.subjectId })).toEqual([]);
    expect(await keysOf(client, prefix)).toEqual([]);
    expect(await store.end(r.id)).toBeUndefined();
    expect(await store.create(record({ actorId: 'avery' }))).toBe(true);
  });
});

describe('redisStore when Redis fails', () => {
  it.each([0, 60_000])('rejects at once while Redis is down, and works again once it is back, with the same client (cacheTtlMs %i)', async (cacheTtlMs) => {
    const prefix = `down${randomUUID().slice(0, 8)}:`;
    const client = await connect();
    const store = redisStore({ client, prefix, cacheTtlMs, warn: () => undefined });
    caching.push(store);
    const r = record();
    await store.create(r);
    // Read once, so a cache holds it: it must not answer for Redis while Redis is away.
    expect(await store.get(r.id)).toEqual(r);

    await redis.stop(true);
    await until(() => !client.isReady, 'the client to notice');
    const calls: Record<string, Promise<unknown>> = {
      create: store.create(record()),
      get: Promise.resolve(store.get(r.id)),
      touch: store.touch(r.id, Date.now()),
      end: store.end(r.id),
      list: store.list(),
      listBySubject: store.list({ subjectId: r.subjectId }),
    };
    for (const [name, call] of Object.entries(calls)) {
      const s = await settle(call);
      expect(s.outcome, name).toBe('rejected');
      expect((s as { error: unknown }).error, name).toBeInstanceOf(RedisUnavailableError);
      expect((s as { error: RedisUnavailableError }).error.code).toBe('STORE_UNAVAILABLE');
    }

    await redis.restart();
    await until(() => client.isReady, 'the client to reconnect');
    // No persistence in the test server: the old session is gone, so it can't be honoured.
    expect(await store.get(r.id)).toBeUndefined();
    const again = record({ actorId: r.actorId });
    expect(await store.create(again)).toBe(true);
    expect(await store.get(again.id)).toEqual(again);
    expect(await store.end(again.id)).toEqual(again);
  });

  it('rejects at once even on a client that queues commands while offline (the node-redis default)', async () => {
    const client: RedisClientType = createClient({ url: redis.url, socket: { reconnectStrategy: 100 } });
    client.on('error', () => undefined);
    await client.connect();
    clients.push(client);
    // A long timeout: only the store's own "not connected" check can answer before settle() gives up.
    const store = redisStore({ client, prefix: `queue${randomUUID().slice(0, 8)}:`, timeoutMs: 30_000 });
    const r = record();
    await store.create(r);
    await redis.stop(true);
    try {
      await until(() => !client.isReady, 'the client to notice');
      const s = await settle(Promise.resolve(store.get(r.id)));
      expect(s.outcome).toBe('rejected');
      expect((s as { error: unknown }).error).toBeInstanceOf(RedisUnavailableError);
    } finally {
      await redis.restart();
    }
    await until(() => client.isReady, 'the client to reconnect');
  });

  it('calls of one request share its deadline: the second call after a hang rejects at once, not after another timeout', async () => {
    const prefix = `share${randomUUID().slice(0, 8)}:`;
    const client = await connect();
    const store = redisStore({ client, prefix, timeoutMs: 300 });
    const r = record();
    await store.create(r);
    const deadline = newDeadline();
    expect(await store.get(r.id, deadline)).toEqual(r);
    redis.pause();
    try {
      let t0 = performance.now();
      await expect(Promise.resolve(store.get(r.id, deadline))).rejects.toBeInstanceOf(RedisUnavailableError);
      expect(performance.now() - t0).toBeGreaterThanOrEqual(250);
      t0 = performance.now();
      await expect(store.touch(r.id, Date.now(), deadline)).rejects.toBeInstanceOf(RedisUnavailableError);
      await expect(store.end(r.id, deadline)).rejects.toBeInstanceOf(RedisUnavailableError);
      expect(performance.now() - t0).toBeLessThan(100);
    } finally {
      redis.resume();
    }
    // A call with a deadline of its own still gets the whole budget.
    expect(await store.end(r.id)).toEqual(r);
  });

  it('rejects after the command timeout when Redis hangs, instead of waiting forever', async () => {
    const prefix = `hang${randomUUID().slice(0, 8)}:`;
    const client = await connect();
    const store = redisStore({ client, prefix, timeoutMs: 300 });
    const r = record();
    await store.create(r);
    redis.pause();
    try {
      const s = await settle(Promise.resolve(store.get(r.id)));
      expect(s.outcome).toBe('rejected');
      expect((s as { error: unknown }).error).toBeInstanceOf(RedisUnavailableError);
      expect((await settle(store.end(r.id))).outcome).toBe('rejected');
    } finally {
      redis.resume();
    }
    await until(async () => (await Promise.resolve(store.get(r.id)).catch(() => null)) !== null, 'Redis to answer again');
    // The end that timed out may have run once Redis answered again; either way the store works on.
    await store.end(r.id);
    const again = record();
    expect(await store.create(again)).toBe(true);
    expect(await store.end(again.id)).toEqual(again);
  });
});

/** Where the cache tests run: one redis-server, or a 3-master Redis Cluster (sharded pub/sub on the state's master). */
interface CacheBackend {
  connect(): Promise<RedisClient>;
  /** The server connections of every node a client reaches. */
  nodes(client: RedisClient): Promise<RedisCommandClient[]>;
}
const single: CacheBackend = { connect, nodes: async (client) => [client as RedisCommandClient] };
let cluster: RedisClusterProcess | undefined;
const clustered: CacheBackend = {
  async connect() {
    cluster ??= await startRedisCluster();
    const client: RedisClusterType = createCluster({
      rootNodes: cluster.rootNodes,
      defaults: { disableOfflineQueue: true, socket: { reconnectStrategy: (retries) => Math.min(50 * retries, 500) } },
    });
    client.on('error', () => {});
    await client.connect();
    clusters.push(client);
    return client;
  },
  nodes: (client) => Promise.all((client as RedisClusterType).masters.map(async (m) => (await (client as RedisClusterType).nodeClient(m)) as unknown as RedisCommandClient)),
};
afterAll(async () => {
  await Promise.all(clusters.map((c) => c.isOpen && c.destroy()));
  await cluster?.stop();
});

describe.each([['one redis-server', single], ['a 3-master Redis Cluster', clustered]] as const)('redisStore({ cacheTtlMs }) on %s: live records held in memory, dropped when any instance ends them', (_, backend) => {
  /** An instance's store on its own client, under a shared prefix. */
  async function instance(prefix: string, cacheTtlMs: number) {
    const client = await backend.connect();
    const store = redisStore({ client, prefix, cacheTtlMs, warn: () => undefined });
    caching.push(store);
    return { client, store };
  }
  /** Run one command on every node (a cluster's pub/sub connection is on the state's master). */
  const onEveryNode = async (client: RedisClient, args: string[]) => Promise.all((await backend.nodes(client)).map((n) => n.sendCommand(args)));
  /** The cache answers only once it is subscribed: wait for the first read it keeps. */
  const subscribed = (store: ReturnType<typeof redisStore>, id: string) =>
    until(async () => (await store.get(id)) !== undefined && !(store.get(id) instanceof Promise), 'the cache to subscribe');
  /** Instance A without a cache starts a session; instance B, with a long TTL, holds it. */
  async function heldByB() {
    const prefix = `c${randomUUID().slice(0, 8)}:`;
    const A = await instance(prefix, 0);
    const B = await instance(prefix, 60_000);
    const r = record();
    await A.store.create(r);
    await subscribed(B.store, r.id);
    return { A, B, r };
  }

  it('answers from memory within the TTL, then reads Redis again', async () => {
    const prefix = `c${randomUUID().slice(0, 8)}:`;
    const { client, store } = await instance(prefix, 300);
    const r = record();
    await store.create(r);
    await subscribed(store, r.id);
    // Removed behind the store's back (no end published): only the TTL can notice.
    await asCommandClient(client).sendCommand(['DEL', `${prefix}{impersonation}:session:${r.id}`]);
    expect(store.get(r.id)).toEqual(r);
    expect(await redisStore({ client, prefix }).get(r.id)).toBeUndefined();
    await new Promise((resolve) => setTimeout(resolve, 350));
    expect(await store.get(r.id)).toBeUndefined();
  });

  it('drops a record the moment another instance ends it, long before the TTL', async () => {
    const { A, B, r } = await heldByB();
    expect(await A.store.end(r.id)).toEqual(r);
    const ended = Date.now();
    await until(async () => (await B.store.get(r.id)) === undefined, 'B to hear of the end', 1_000);
    expect(Date.now() - ended).toBeLessThan(1_000);
  });

  it('keeps its own touches, and never serves a record it ended itself', async () => {
    const prefix = `c${randomUUID().slice(0, 8)}:`;
    const { store } = await instance(prefix, 60_000);
    const r = record();
    await store.create(r);
    await subscribed(store, r.id);
    await store.touch(r.id, r.lastSeenAt + 5_000);
    expect((await store.get(r.id))!.lastSeenAt).toBe(r.lastSeenAt + 5_000);
    // What the cache hands out is frozen: a caller can't change what it holds.
    const held = (await store.get(r.id))!;
    expect(() => {
      held.subject.name = 'changed';
    }).toThrow(TypeError);
    expect((await store.get(r.id))!.subject.name).toBe(r.subject.name);
    expect(await store.end(r.id)).toBeDefined();
    expect(await store.get(r.id)).toBeUndefined();
  });

  it('misses no end made while its subscription was cut: it forgets everything until subscribed again', async () => {
    const { A, B, r } = await heldByB();
    // Cut every pub/sub connection, and end the session before B can subscribe again: the message is lost.
    await onEveryNode(A.client, ['CLIENT', 'KILL', 'TYPE', 'pubsub']);
    expect(await A.store.end(r.id)).toEqual(r);
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(await B.store.get(r.id)).toBeUndefined();
    // And once subscribed again it caches, and hears ends, as before.
    const next = record();
    await A.store.create(next);
    await subscribed(B.store, next.id);
    await A.store.end(next.id);
    await until(async () => (await B.store.get(next.id)) === undefined, 'B to hear of the end', 1_000);
  });

  it('opens one connection of its own, and close() ends it', async () => {
    const prefix = `c${randomUUID().slice(0, 8)}:`;
    const client = await backend.connect();
    const subscribers = async () => (await onEveryNode(client, ['CLIENT', 'LIST', 'TYPE', 'pubsub'])).map((l) => String(l).split('\n').filter(Boolean).length).reduce((a, b) => a + b);
    const before = await subscribers();
    const store = redisStore({ client, prefix, cacheTtlMs: 1_000 });
    await until(async () => (await subscribers()) === before + 1, 'the subscription');
    await store.close();
    await until(async () => (await subscribers()) === before, 'the subscription to close');
  });

});

describe('redisStore({ cacheTtlMs }) options', () => {
  it('refuses a client it cannot open a second connection from', () => {
    const client = { isReady: true, sendCommand: async () => null };
    expect(() => redisStore({ client, cacheTtlMs: 1_000 })).toThrow(/client\.duplicate\(\)/);
    expect(() => redisStore({ client })).not.toThrow();
  });
});

describe('redisStore({ cacheTtlMs }) on a Redis Cluster whose state moves to another master', () => {
  const cli = (port: number, ...args: string[]) => {
    const r = spawnSync('redis-cli', ['-p', String(port), ...args], { encoding: 'utf8' });
    if (r.status !== 0 || /^(ERR|MOVED)/.test(r.stdout)) throw new Error(`redis-cli ${args.join(' ')}: ${r.stdout}${r.stderr}`);
    return r.stdout.trim();
  };

  it('turns the cache off (and says so) once Redis unsubscribes its channel: reads go to Redis from then on', async () => {
    const prefix = `m${randomUUID().slice(0, 8)}:`;
    const client = await clustered.connect();
    const warnings: string[] = [];
    const store = redisStore({ client, prefix, cacheTtlMs: 60_000, warn: (m) => warnings.push(m) });
    caching.push(store);
    const r = record();
    await store.create(r);
    await until(async () => (await store.get(r.id)) !== undefined && !(store.get(r.id) instanceof Promise), 'the cache to subscribe');

    // Move the state's slot (and its keys) to another master, as a resharding does.
    const nodes = cluster!.nodes.map((n) => ({ port: n.port, id: cli(n.port, 'CLUSTER', 'MYID') }));
    const slot = cli(nodes[0].port, 'CLUSTER', 'KEYSLOT', `${prefix}{impersonation}:sessions`);
    const from = nodes.find((n) => !spawnSync('redis-cli', ['-p', String(n.port), 'EXISTS', `${prefix}{impersonation}:sessions`], { encoding: 'utf8' }).stdout.startsWith('MOVED'))!;
    const to = nodes.find((n) => n !== from)!;
    cli(to.port, 'CLUSTER', 'SETSLOT', slot, 'IMPORTING', from.id);
    cli(from.port, 'CLUSTER', 'SETSLOT', slot, 'MIGRATING', to.id);
    const keys = cli(from.port, 'CLUSTER', 'GETKEYSINSLOT', slot, '10000').split('\n').filter(Boolean);
    cli(from.port, 'MIGRATE', '127.0.0.1', String(to.port), '', '0', '5000', 'KEYS', ...keys);
    for (const n of [to, from, ...nodes.filter((x) => x !== to && x !== from)]) cli(n.port, 'CLUSTER', 'SETSLOT', slot, 'NODE', to.id);
    await until(() => warnings.some((w) => w.includes('moved to another Redis Cluster node')), 'the cache to hear its channel moved', 5_000);

    // Removed behind the store's back: only a read of Redis can tell.
    await asCommandClient(client).sendCommand(['DEL', `${prefix}{impersonation}:session:${r.id}`]);
    expect(await store.get(r.id)).toBeUndefined();
  });
});
