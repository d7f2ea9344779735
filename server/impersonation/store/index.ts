export { forgetsOnExit, memoryStore } from './memory.js';
