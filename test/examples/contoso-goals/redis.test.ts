import { createClient } from 'redis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { redisBackends, type RedisBackends } from '../../../examples/contoso-goals/redis.js';
import { startRedis, type RedisProcess } from '../../helpers/redis.js';
import { startDemo, type RunningDemo } from './start-demo.js';

let redis: RedisProcess;
let backends: RedisBackends;
let d: RunningDemo;
beforeAll(async () => {
  redis = await startRedis();
  backends = await redisBackends(redis.url, () => undefined);
  d = await startDemo({ sessionStore: backends.sessionStore, impersonationStore: backends.store, rateLimitStore: backends.rateLimitStore });
});
afterAll(async () => {
  await d?.close();
  await backends?.close();
  await redis?.stop();
});

describe('REDIS_URL wiring', () => {
  it('keeps sessions and the impersonation in Redis', async () => {
    const avery = await d.signIn('avery@contoso.test');
    expect((await avery.start('ashley', 'Checking her key results in Redis mode')).status).toBe(200);
    expect((await avery.get('/')).text).toContain('You are currently working on behalf of Ashley');
    const probe = createClient({ url: redis.url });
    await probe.connect();
    try {
      expect((await probe.keys('demo:sess:*')).length).toBeGreaterThan(0);
      expect((await probe.keys('onbehalf:{impersonation}:session:*')).length).toBe(1);
      expect((await probe.keys('onbehalf:rl:*')).length).toBeGreaterThan(0);
    } finally {
      await probe.close();
    }
    expect((await avery.stop()).status).toBe(200);
  });

  it('answers 503 JSON, never a 500, while Redis is down, and serves again when it is back', async () => {
    const avery = await d.signIn('avery@contoso.test');
    await redis.stop(true);
    const down = await avery.get('/');
    expect(down.status).toBe(503);
    expect(down.json?.error?.code).toBe('STORE_UNAVAILABLE');
    await redis.restart();
    // The client reconnects by itself; the session is gone with the non-persistent Redis.
    await expect.poll(async () => (await avery.get('/login')).status, { timeout: 10_000 }).toBe(200);
  });
});
