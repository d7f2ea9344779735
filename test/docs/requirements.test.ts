import { describe, expect, it } from 'vitest';
import { filesUnder, read } from './markdown.js';

const PAGE = 'docs/requirements.md';
/** A requirement id: W (working on behalf), P (the OKR model), D (extension review findings). */
const ID = /\b[WPD]\d{1,2}\b/g;

const defined = new Set([...read(PAGE).matchAll(/^- \*\*([WPD]\d{1,2})\*\*/gm)].map((m) => m[1]));
const sources = ['server', 'shared', 'extension', 'examples', 'test', 'docs'].flatMap((dir) => filesUnder(dir, (p) => /\.(ts|js|mjs|md|html)$/.test(p)));

describe(PAGE, () => {
  it('defines the ids', () => {
    for (const id of ['W1', 'W12', 'P1', 'P14', 'D5']) expect(defined).toContain(id);
  });

  it('defines every requirement id the code, tests and docs use', () => {
    const undefinedIds = sources.flatMap((file) => [...new Set(read(file).match(ID) ?? [])].filter((id) => !defined.has(id)).map((id) => `${file}: ${id}`));
    expect(undefinedIds, `define these in ${PAGE}, or drop them`).toEqual([]);
  });

  it('is what references to the brief point to (the brief itself is not in the repository)', () => {
    expect(sources.filter((file) => /\bBRIEF\b/.test(read(file)))).toEqual([]);
  });
});
