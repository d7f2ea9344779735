import { defineConfig } from 'vitest/config';

// The consumer matrix (`npm run test:package`): packs and installs into temp projects, so it
// runs on its own, not in every `npm test`. .ci/run runs both.
export default defineConfig({
  test: {
    root: `${import.meta.dirname}/../..`,
    include: ['test/package/**/*.test.ts'],
    testTimeout: 120_000,
    hookTimeout: 900_000,
  },
});
