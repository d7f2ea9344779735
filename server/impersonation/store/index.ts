export { memoryStore } from './memory.js';
export { redisStore, type RedisStoreOptions } from './redis.js';
