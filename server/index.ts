/** onbehalf: work on behalf of a user, safely. The public entry of the server library. */
export { onBehalf, type OnBehalf } from './impersonation/index.js';
export { memoryStore, redisStore, type RedisStoreOptions } from './impersonation/store/index.js';
export { redisSessionStore, redisRateLimitStore, redisUnavailableHandler, RedisUnavailableError, isRedisUnavailable } from './redis/index.js';
export { memoryAudit, type MemoryAudit } from './audit/memory.js';
export { OnBehalfError } from './impersonation/errors.js';
export type * from './impersonation/types.js';
export * from '../shared/index.js';
