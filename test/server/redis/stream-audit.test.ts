import { spawnSync } from 'node:child_process';
import { createClient, createCluster, type RedisClusterType } from 'redis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fanoutAudit, memoryAudit, type AuditSink } from '../../../server/audit/index.js';
import { redisStreamAudit } from '../../../server/redis/index.js';
import { startRedis, startRedisCluster, type RedisClusterProcess, type RedisProcess } from '../../helpers/redis.js';
import { event } from '../audit/fixtures.js';

let redis: RedisProcess;
let client: ReturnType<typeof createClient>;
beforeAll(async () => {
  redis = await startRedis();
  client = createClient({ url: redis.url, socket: { reconnectStrategy: () => 100 } });
  client.on('error', () => {}); // reconnects are expected while the server is stopped
  await client.connect();
});
afterAll(async () => {
  client.destroy();
  await redis.stop();
});

describe('redisStreamAudit', () => {
  it('XADDs each event, with the same schema, in order', async () => {
    const sink = redisStreamAudit({ client, stream: 'audit:a' });
    const events = [event({ type: 'started', reason: 'Ticket SUP-1: cannot find OKR' }), event(), event({ type: 'ended', cause: 'exit' })];
    for (const e of events) await sink.write(e);
    const raw = await client.xRange('audit:a', '-', '+');
    expect(raw.map((r) => JSON.parse(String(r.message.event)))).toEqual(events);
  });

  it('answers queries with filters and cursor pages', async () => {
    const sink = redisStreamAudit({ client, stream: 'audit:b' });
    for (let i = 0; i < 1200; i++) await sink.write(event({ actor: { id: i % 4 === 0 ? 'sam' : 'avery', name: 'x' } }));
    const seen: string[] = [];
    let cursor: string | undefined;
    do {
      const page = await sink.query({ actor: 'sam', limit: 70, cursor });
      expect(page.events.every((e) => e.actor?.id === 'sam')).toBe(true);
      seen.push(...page.events.map((e) => e.id));
      cursor = page.nextCursor;
    } while (cursor);
    expect(seen).toHaveLength(300);
    expect(new Set(seen).size).toBe(300);
    await expect(sink.query({ cursor: 'not-an-id' })).rejects.toMatchObject({ code: 'BAD_REQUEST' });
  });

  it('fails closed when Redis hangs, and when fewer replicas than asked confirm (WAIT)', async () => {
    const waiting = redisStreamAudit({ client, stream: 'audit:c', replicas: { count: 1, timeoutMs: 50 } });
    await expect(waiting.write(event())).rejects.toMatchObject({ code: 'AUDIT_UNAVAILABLE' });
    redis.pause(); // a hung server: the write must fail in time, not hang the request
    try {
      const sink = redisStreamAudit({ client, stream: 'audit:c', timeoutMs: 300 });
      await expect(sink.write(event())).rejects.toMatchObject({ code: 'AUDIT_UNAVAILABLE' });
    } finally {
      redis.resume();
    }
  });
});

describe('redisStreamAudit on a 3-master Redis Cluster', () => {
  let cluster: RedisClusterProcess;
  let c: RedisClusterType;
  beforeAll(async () => {
    cluster = await startRedisCluster();
    c = createCluster({ rootNodes: cluster.rootNodes, defaults: { disableOfflineQueue: true, socket: { reconnectStrategy: (retries) => Math.min(50 * retries, 500) } } });
    c.on('error', () => {});
    await c.connect();
  });
  afterAll(async () => {
    c?.destroy();
    await cluster?.stop();
  });
  /** The master (index into cluster.nodes) that holds a key: the others answer MOVED. */
  const ownerOf = (key: string) => cluster.nodes.findIndex((n) => !spawnSync('redis-cli', ['-p', String(n.port), 'EXISTS', key], { encoding: 'utf8' }).stdout.startsWith('MOVED'));

  it('writes each event once, with its id set on the stream\'s slot (the default name has no hash tag), and answers filters and cursor pages', async () => {
    const sink = redisStreamAudit({ client: c });
    const events = Array.from({ length: 30 }, (_, i) => event({ actor: { id: i % 3 === 0 ? 'sam' : 'avery', name: 'x' } }));
    for (const e of events) await sink.write(e);
    await sink.write(events[0]); // a retried write adds nothing
    expect(ownerOf('{onbehalf:audit}:ids')).toBe(ownerOf('onbehalf:audit'));
    expect((await c.xRange('onbehalf:audit', '-', '+')).map((r) => JSON.parse(String(r.message.event)).id)).toEqual(events.map((e) => e.id));
    const seen: string[] = [];
    let cursor: string | undefined;
    do {
      const page = await sink.query({ actor: 'sam', limit: 3, cursor });
      seen.push(...page.events.map((e) => e.id));
      cursor = page.nextCursor;
    } while (cursor);
    expect(seen).toEqual(events.filter((e) => e.actor?.id === 'sam').map((e) => e.id));
    expect(() => redisStreamAudit({ client: c, replicas: { count: 1 } })).toThrow(/Redis Cluster/);
  });

  it("fails closed when the stream's master is killed (kill -9): writes and queries reject AUDIT_UNAVAILABLE in time; a stream on another master goes on", async () => {
    const lost = redisStreamAudit({ client: c, stream: '{audit:lost}', timeoutMs: 500 });
    await lost.write(event());
    const victim = ownerOf('{audit:lost}');
    // A stream whose slot is on another master.
    const other = Array.from({ length: 50 }, (_, i) => `{audit:other${i}}`).find((k) => ownerOf(k) !== victim)!;
    const alive = redisStreamAudit({ client: c, stream: other, timeoutMs: 500 });
    await alive.write(event());
    await cluster.nodes[victim].stop(true);
    const t = Date.now();
    await expect(lost.write(event())).rejects.toMatchObject({ code: 'AUDIT_UNAVAILABLE' });
    await expect(lost.query({})).rejects.toMatchObject({ code: 'AUDIT_UNAVAILABLE' });
    expect(Date.now() - t).toBeLessThan(2_000);
    await alive.write(event());
    expect((await alive.query({})).events).toHaveLength(2);
  });
});

describe('fanoutAudit', () => {
  const failing = (): AuditSink => ({ write: () => Promise.reject(new Error('disk on fire')) });

  it('writes the primary first, copies to the secondaries, and queries the primary', async () => {
    const primary = memoryAudit();
    const sink = fanoutAudit({ primary, secondary: [redisStreamAudit({ client, stream: 'audit:d' })] });
    const e = event();
    await sink.write(e);
    await sink.close!();
    expect(primary.events).toEqual([e]);
    expect((await client.xRange('audit:d', '-', '+')).map((r) => JSON.parse(String(r.message.event)).id)).toEqual([e.id]);
    expect((await sink.query!({})).events).toEqual([e]);
  });

  it('fails closed on the primary: the write rejects and no secondary gets the event', async () => {
    const secondary = memoryAudit();
    const sink = fanoutAudit({ primary: failing(), secondary: [secondary] });
    await expect(sink.write(event())).rejects.toThrow('disk on fire');
    await sink.close!();
    expect(secondary.events).toEqual([]);
  });

  it('is best-effort on a secondary: the write succeeds while Redis hangs, and the copy arrives once it answers again', async () => {
    const primary = memoryAudit();
    const errors: unknown[] = [];
    const sink = fanoutAudit({ primary, secondary: [redisStreamAudit({ client, stream: 'audit:e', timeoutMs: 100 })], attempts: 30, retryDelayMs: 50, onError: (err) => errors.push(err) });
    redis.pause();
    const e = event();
    await sink.write(e);
    expect(primary.events).toEqual([e]);
    await new Promise((r) => setTimeout(r, 500)); // a few attempts time out meanwhile
    redis.resume();
    await sink.close!(); // waits for the copies
    expect((await client.xRange('audit:e', '-', '+')).map((r) => JSON.parse(String(r.message.event)).id)).toEqual([e.id]);
    expect(errors).toEqual([]);
  });

  it('reports a copy it gave up on', async () => {
    const errors: Array<{ dropped: boolean }> = [];
    const sink = fanoutAudit({ primary: memoryAudit(), secondary: [failing()], attempts: 2, retryDelayMs: 1, onError: (_e, info) => errors.push(info) });
    await sink.write(event());
    await sink.close!();
    expect(errors).toMatchObject([{ dropped: true, secondary: 0 }]);
  });
});
