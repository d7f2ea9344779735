import { RedisStore } from 'connect-redis';
import type { Store } from 'express-session';
import { createClient } from 'redis';
import { redisStore } from '../impersonation/store/redis.js';
import type { ImpersonationStore } from '../impersonation/types.js';

export interface RedisBackends {
  /** express-session store (connect-redis 9). */
  sessionStore: Store;
  /** onbehalf's impersonation state, shared by every instance. */
  store: ImpersonationStore;
  close(): Promise<void>;
}

/**
 * With `REDIS_URL`: sessions and impersonation state in Redis (node-redis 5 + connect-redis 9),
 * one client for both. Without it the demo keeps both in memory.
 */
export async function redisBackends(url: string, warn: (m: string) => void): Promise<RedisBackends> {
  const client = createClient({ url });
  client.on('error', (err: Error) => warn(`redis: ${err.message}`));
  await client.connect();
  return {
    sessionStore: new RedisStore({ client, prefix: 'demo:sess:' }),
    store: redisStore({ client }),
    close: async () => {
      await client.close();
    },
  };
}
