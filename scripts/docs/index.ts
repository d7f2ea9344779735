/**
 * `npm run docs`: writes the generated reference pages under docs/reference/ from the sources
 * (the JSDoc in the types, the protocol's schemas, the error-code table). The tests compare the
 * committed pages with what this would write, so a change to the sources without
 * `npm run docs` fails CI.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { collectCodes, errorsPage } from './errors.js';
import { collectOptions, optionsPage } from './options.js';

export const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..');

/** Every generated page: its path in the repository and how to make it. */
export const PAGES: Record<string, () => string> = {
  'docs/reference/options.md': () => optionsPage(collectOptions(ROOT)),
  'docs/reference/errors.md': () => errorsPage(collectCodes(ROOT)),
};

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  for (const [path, make] of Object.entries(PAGES)) {
    const file = join(ROOT, path);
    mkdirSync(dirname(file), { recursive: true });
    writeFileSync(file, make());
    console.log(`wrote ${path}`);
  }
}
