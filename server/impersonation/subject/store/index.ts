export { memorySubjectStore } from './memory.js';
export { isOpen, REQUEST_GRACE_MS } from './types.js';
export type * from './types.js';
