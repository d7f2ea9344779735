import type { Store as RateLimitStore } from 'express-rate-limit';
import type { Store } from 'express-session';
import { createClient } from 'redis';
import type { ImpersonationStore, SubjectStore } from 'onbehalf';
import { redisRateLimitStore, redisSessionStore, redisStore, redisSubjectStore } from 'onbehalf/redis';

export interface RedisBackends {
  /** express-session store (connect-redis 9, with a time limit on every call). */
  sessionStore: Store;
  /** onbehalf's impersonation state, shared by every instance. */
  store: ImpersonationStore;
  /** Notices, access history, grants and requests, seen by every instance. */
  subjectStore: SubjectStore;
  /** The start rate limit, counted across every instance. */
  rateLimitStore: RateLimitStore;
  /** The sign-in throttle, counted across every instance. */
  signInRateLimitStore: RateLimitStore;
  close(): Promise<void>;
}

/**
 * With `REDIS_URL`: sessions, impersonation state and the start rate limit in Redis, on one
 * node-redis client, set up as the README's "Running several instances" says. Without it the
 * demo keeps all three in memory.
 */
export async function redisBackends(url: string, warn: (m: string) => void): Promise<RedisBackends> {
  const client = createClient({
    url,
    // Fail a command at once while Redis is away: a request answers 503 instead of waiting.
    disableOfflineQueue: true,
    socket: { connectTimeout: 2_000, reconnectStrategy: (retries) => Math.min(50 * retries, 500) },
  });
  client.on('error', (err: Error) => warn(`redis: ${err.message}`));
  await client.connect();
  return {
    sessionStore: redisSessionStore({ client, prefix: 'demo:sess:' }),
    store: redisStore({ client }),
    subjectStore: redisSubjectStore({ client }),
    rateLimitStore: redisRateLimitStore({ client }),
    signInRateLimitStore: redisRateLimitStore({ client, prefix: 'demo:signin:' }),
    close: async () => {
      await client.close();
    },
  };
}
