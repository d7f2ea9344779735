import { existsSync } from 'node:fs';
import { dirname, join, normalize } from 'node:path';
import { describe, expect, it } from 'vitest';
import { anchorsOf, filesUnder, linksOf, read, ROOT } from './markdown.js';

const pages = ['README.md', 'CHANGELOG.md', 'bench/README.md', ...filesUnder('docs', (p) => p.endsWith('.md'))];

/** [page, target file, anchor] for every relative link of the user docs. */
const links = pages.flatMap((page) =>
  linksOf(read(page)).map((target) => {
    const [file, anchor] = target.split('#');
    return [page, file ? normalize(join(dirname(page), decodeURIComponent(file))) : page, anchor] as const;
  }),
);

describe('the docs', () => {
  it('link only to files that exist', () => {
    const broken = links.filter(([, file]) => !existsSync(join(ROOT, file))).map(([page, file]) => `${page} → ${file}`);
    expect(broken).toEqual([]);
  });

  it('link only to anchors that exist in the page they name', () => {
    const broken = links
      .filter(([, file, anchor]) => anchor && file.endsWith('.md') && existsSync(join(ROOT, file)) && !anchorsOf(read(file)).has(anchor))
      .map(([page, file, anchor]) => `${page} → ${file}#${anchor}`);
    expect(broken).toEqual([]);
  });

  it('name anchors in a way GitHub renders (`<a id>`, not a heading\'s `{#id}`)', () => {
    expect(pages.filter((p) => /^#{1,6} .*\{#[\w-]+\}\s*$/m.test(read(p)))).toEqual([]);
  });

  it('leave no page orphaned: every docs/ page is reached from the README', () => {
    const reached = new Set(['README.md']);
    for (let grew = true; grew; ) {
      grew = false;
      for (const [page, file] of links) if (reached.has(page) && file.endsWith('.md') && !reached.has(file)) reached.add(file), (grew = true);
    }
    expect(pages.filter((p) => !reached.has(p))).toEqual([]);
  });
});
