import type { Options } from 'express-rate-limit';
import { createClient, type RedisClientType } from 'redis';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { redisRateLimitStore, RedisUnavailableError } from '../../../server/redis/index.js';
import { startRedis, type RedisProcess } from '../../helpers/redis.js';

let redis: RedisProcess;
let client: RedisClientType;
beforeAll(async () => {
  redis = await startRedis();
  client = createClient({ url: redis.url, disableOfflineQueue: true, socket: { reconnectStrategy: 100 } });
  client.on('error', () => undefined);
  await client.connect();
});
afterAll(async () => {
  if (client?.isOpen) client.destroy();
  await redis?.stop(true);
});

const until = async (check: () => boolean, what: string) => {
  const end = Date.now() + 10_000;
  while (!check()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 25));
  }
};

it('counts in Redis, refuses while Redis is down, and recovers even when it was down at start-up', async () => {
  await redis.stop(true);
  await until(() => !client.isReady, 'the client to notice');
  const store = redisRateLimitStore({ client, prefix: 'rl-test:' });
  // express-rate-limit calls init once, when the app starts; here Redis is down then.
  await expect(store.init!({ windowMs: 60_000 } as Options)).rejects.toBeInstanceOf(RedisUnavailableError);
  await expect(store.increment('avery')).rejects.toBeInstanceOf(RedisUnavailableError);

  await redis.restart();
  await until(() => client.isReady, 'the client to reconnect');
  expect((await store.increment('avery')).totalHits).toBe(1);
  expect((await store.increment('avery')).totalHits).toBe(2);
  expect(await client.get('rl-test:avery')).toBe('2');

  // A restart empties Redis's script cache and the counters (no persistence here): counting goes on.
  await redis.stop(true);
  await redis.restart();
  await until(() => client.isReady, 'the client to reconnect');
  expect((await store.increment('avery')).totalHits).toBe(1);
  expect((await store.get!('avery'))?.totalHits).toBe(1);
});
