/**
 * `onbehalf/okr`: the OKR permission model, with `explain()`, and its Express guard. No Node or
 * Express at run time, so a browser bundle can use it. Start with
 * `okrModel(memoryDirectory(data), settings)`.
 */
export { okrModel, type OkrModel } from './model.js';
export { memoryDirectory, type OkrDirectory, type MemoryDirectory, type DirectoryData } from './directory.js';
export type { Can } from './can.js';
export type { Explain } from './explain.js';
export * from './types.js';
export { requirePermission, type GuardOptions } from './guard.js';
export { privateObjectivesRule } from './impersonation-rule.js';
