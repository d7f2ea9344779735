export { forgetsOnExit, memoryStore } from './memory.js';
export type * from './types.js';
