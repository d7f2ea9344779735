export type { RedisCommandClient } from './commands.js';
export { isRedisUnavailable, RedisUnavailableError } from './errors.js';
export { redisUnavailableHandler } from './error-handler.js';
export { redisRateLimitStore, type RedisRateLimitOptions } from './rate-limit.js';
export { redisSessionStore, type RedisSessionStoreOptions } from './session-store.js';
