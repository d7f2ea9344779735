export { memorySubjectStore } from './memory.js';
export { redisSubjectStore, type RedisSubjectStoreOptions } from './redis.js';
