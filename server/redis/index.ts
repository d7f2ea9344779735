/**
 * `onbehalf/redis`: shared state for several instances. The impersonation store, the session
 * store, the rate-limit store and a Redis Streams audit, each over the host's node-redis client.
 * Needs the optional peers `redis`, `connect-redis` and `rate-limit-redis`.
 */
export { redisStore, type RedisStoreOptions } from './store.js';
export { redisSessionStore, type RedisSessionStoreOptions } from './session-store.js';
export { redisRateLimitStore, type RedisRateLimitOptions } from './rate-limit.js';
export { redisStreamAudit, type RedisStreamAuditOptions } from './stream-audit.js';
export { redisSubjectStore, type RedisSubjectStoreOptions } from './subject-store.js';
export { redisUnavailableHandler } from './error-handler.js';
export { isRedisUnavailable, RedisUnavailableError } from './errors.js';
export type { RedisCommandClient } from './commands.js';
export type { RedisClient, RedisClusterCommandClient } from './cluster.js';
