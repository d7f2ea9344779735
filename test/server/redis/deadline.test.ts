import { describe, expect, it } from 'vitest';
import { newDeadline } from '../../../server/http/index.js';
import { RedisUnavailableError } from '../../../server/redis/index.js';
import { within } from '../../../server/redis/deadline.js';

const never = () => new Promise<never>(() => undefined);
const elapsed = async (p: Promise<unknown>) => {
  const t0 = performance.now();
  const r = await p.then((value) => ({ value }), (error: unknown) => ({ error }));
  return { ...r, ms: performance.now() - t0 };
};

describe('within: one deadline per request', () => {
  it('passes answers through, maps unavailability, and gives up on a silent call when the budget is spent, not before', async () => {
    expect(await within(undefined, 200, 'PING', () => Promise.resolve('PONG'))).toBe('PONG');
    const reset = Object.assign(new Error('read ECONNRESET'), { code: 'ECONNRESET' });
    await expect(within(undefined, 200, 'GET', () => Promise.reject(reset))).rejects.toBeInstanceOf(RedisUnavailableError);
    await expect(within(undefined, 200, 'GET', () => Promise.reject(new Error('WRONGTYPE')))).rejects.toThrow('WRONGTYPE');

    const silent = await elapsed(within(undefined, 200, 'HMGET', never));
    expect((silent as { error: unknown }).error).toBeInstanceOf(RedisUnavailableError);
    expect(silent.ms).toBeGreaterThanOrEqual(195);
    expect(silent.ms).toBeLessThan(1_000); // loose: this machine is shared; the point is that nothing hangs
  });

  it('calls of one request share the budget: waits add up, time between them is not charged, and a spent budget rejects at once', async () => {
    const d = newDeadline();
    await within(d, 300, 'GET', () => new Promise((r) => setTimeout(r, 100)));
    await new Promise((r) => setTimeout(r, 300)); // the host's handler: not waiting for Redis
    const second = await elapsed(within(d, 300, 'HMGET', never));
    expect((second as { error: unknown }).error).toBeInstanceOf(RedisUnavailableError);
    expect(second.ms).toBeGreaterThanOrEqual(180); // what was left: ~200 ms
    expect(second.ms).toBeLessThan(290);
    const third = await elapsed(within(d, 300, 'EXPIRE', never));
    expect((third as { error: unknown }).error).toBeInstanceOf(RedisUnavailableError);
    expect(third.ms).toBeLessThan(20);
  });

  it('overlapping calls are charged once, and a later silent call is still given up on', async () => {
    const d = newDeadline();
    const both = await elapsed(Promise.allSettled([within(d, 200, 'A', never), within(d, 200, 'B', never)]));
    expect(both.ms).toBeLessThan(400);
    await expect(within(undefined, 40, 'GET', never)).rejects.toBeInstanceOf(RedisUnavailableError);
  });
});
