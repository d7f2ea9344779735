import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ROOT } from '../../../scripts/docs/index.js';
import { collectOptions, optionsPage } from '../../../scripts/docs/options.js';

describe('docs/reference/options.md', () => {
  const interfaces = collectOptions(ROOT);

  it('lists the options of every entry point', () => {
    const names = interfaces.map((i) => i.name);
    for (const name of ['OnBehalfOptions', 'FileAuditOptions', 'RedisStoreOptions', 'PgAuditOptions', 'ActingTokensOptions', 'OkrSettings', 'OnBehalfClientOptions']) {
      expect(names).toContain(name);
    }
    const basePath = interfaces.find((i) => i.name === 'OnBehalfOptions')!.rows.find((r) => r.name === 'basePath');
    expect(basePath).toMatchObject({ type: 'string', default: "`'/onbehalf'`" });
  });

  it('has JSDoc for every exported option, nested ones too', () => {
    const undocumented = interfaces.flatMap((i) => i.undocumented.map((o) => `${i.name}.${o}`));
    expect(undocumented, 'options without JSDoc: document them in the types').toEqual([]);
  });

  it('is up to date with the types (run `npm run docs`)', () => {
    const committed = readFileSync(join(ROOT, 'docs/reference/options.md'), 'utf8');
    expect(committed, 'docs/reference/options.md is stale: run `npm run docs` and commit it').toBe(optionsPage(interfaces));
  });
});
