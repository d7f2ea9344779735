import { createClient } from 'redis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fanoutAudit, memoryAudit, type AuditSink } from '../../../server/audit/index.js';
import { redisStreamAudit } from '../../../server/redis/index.js';
import { startRedis, type RedisProcess } from '../../helpers/redis.js';
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
