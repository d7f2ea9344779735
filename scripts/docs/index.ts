/**
 * `npm run docs`: writes the generated reference pages under docs/reference/ from the sources
 * (the JSDoc in the types, the protocol's schemas, the error-code table). The tests compare the
 * committed pages with what this would write, so a change to the sources without
 * `npm run docs` fails CI.
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { collectCodes, errorsPage } from './errors.js';
import { httpApiPage, openApiJson } from './openapi.js';
import { collectOptions, optionsPage } from './options.js';

export const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const version = (): string => JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')).version;

/** Every generated page: its path in the repository and how to make it. */
export const PAGES: Record<string, () => string> = {
  'docs/reference/options.md': () => optionsPage(collectOptions(ROOT)),
  'docs/reference/errors.md': () => errorsPage(collectCodes(ROOT)),
  'docs/reference/openapi.json': () => openApiJson(version()),
  'docs/reference/http-api.md': () => httpApiPage(),
};

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  for (const [path, make] of Object.entries(PAGES)) {
    const file = join(ROOT, path);
    mkdirSync(dirname(file), { recursive: true });
    writeFileSync(file, make());
    console.log(`wrote ${path}`);
  }
}
