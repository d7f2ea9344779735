/** See build.mjs. */
export function buildExtension(options?: { outDir?: string; test?: boolean }): Promise<string>;
