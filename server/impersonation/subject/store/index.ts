export { memorySubjectStore } from './memory.js';
