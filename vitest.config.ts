import { resolve } from 'node:path';
import ts from 'typescript';
import { defineConfig } from 'vitest/config';

// `import 'onbehalf/…'` (the examples) resolves to the sources, by tsconfig.json's "paths".
const { config } = ts.readConfigFile(resolve(import.meta.dirname, 'tsconfig.json'), ts.sys.readFile);
const paths = config.compilerOptions.paths as Record<string, [string]>;
const alias = Object.entries(paths).map(([name, [target]]) => ({
  find: new RegExp(`^${name.replace('*', '(.+)')}$`),
  replacement: resolve(import.meta.dirname, target.replace('*', '$1')),
}));

export default defineConfig({
  resolve: { alias },
  test: {
    include: ['test/**/*.test.ts'],
    // The packed-tarball consumer matrix runs on its own: `npm run test:package`.
    exclude: ['test/package/**', 'node_modules/**'],
    // Browser and Redis tests start real processes; on 2 cores they must not run side by side.
    fileParallelism: false,
    testTimeout: 30_000,
    hookTimeout: 60_000,
    globalSetup: ['test/global-setup.ts'],
  },
});
