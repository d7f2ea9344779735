/**
 * The OKR permission model (BRIEF §3, P1–P14): pure TypeScript, no Express, so the browser
 * extension can bundle it. Start with `okrModel(memoryDirectory(data), settings)`.
 */
export { okrModel, type OkrModel } from './model.js';
export { memoryDirectory, type OkrDirectory, type MemoryDirectory, type DirectoryData } from './directory.js';
export type { Can } from './can.js';
export type { Explain } from './explain.js';
export { generateDataset, DATASET_SIZES, type DatasetSize, type DatasetOptions } from './dataset.js';
export * from './types.js';
