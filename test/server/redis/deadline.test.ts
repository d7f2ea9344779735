import { describe, expect, it } from 'vitest';
import { RedisUnavailableError } from '../../../server/redis/index.js';
import { deadlines } from '../../../server/redis/deadline.js';

const never = () => new Promise<never>(() => undefined);

describe('deadlines', () => {
  it('passes answers and errors through, mapped, and gives up on the silent ones once the timeout has passed, not before', async () => {
    const bound = deadlines(200, (err) => new Error(`mapped: ${(err as Error).message}`));
    expect(await bound(Promise.resolve('PONG'), 'PING')).toBe('PONG');
    await expect(bound(Promise.reject(new Error('WRONGTYPE')), 'GET')).rejects.toThrow('mapped: WRONGTYPE');

    const started = Date.now();
    const silent = await Promise.allSettled([bound(never(), 'GET'), bound(never(), 'HMGET'), bound(new Promise((r) => setTimeout(r, 50, 'late but in time')), 'SET')]);
    const took = Date.now() - started;
    expect(silent[2]).toEqual({ status: 'fulfilled', value: 'late but in time' });
    for (const [i, what] of [[0, 'GET'], [1, 'HMGET']] as const) {
      const r = silent[i] as PromiseRejectedResult;
      expect(r.reason).toBeInstanceOf(RedisUnavailableError);
      expect(String(r.reason.cause)).toContain(`Redis did not answer ${what} within 200 ms`);
    }
    expect(took).toBeGreaterThanOrEqual(200);
    expect(took).toBeLessThan(1_000); // loose: this machine is shared; the point is that nothing hangs
  });

  it('keeps watching after it went idle: a later silent answer is given up on too', async () => {
    const bound = deadlines(40);
    await expect(bound(never(), 'GET')).rejects.toBeInstanceOf(RedisUnavailableError);
    await new Promise((r) => setTimeout(r, 60)); // the watchdog stopped: nothing waited
    await expect(bound(never(), 'GET')).rejects.toBeInstanceOf(RedisUnavailableError);
  });
});
