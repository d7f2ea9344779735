export { memoryStore } from './memory.js';
