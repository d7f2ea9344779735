// `npm run package:extension` (extension/package.mjs): two store archives from one production
// build, each a complete extension with its icons and nothing that isn't shipped code.
import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import JSZip from 'jszip';
import sharp from 'sharp';
import { afterAll, expect, test } from 'vitest';

const out = await mkdtemp(join(tmpdir(), 'onbehalf-packages-'));
afterAll(() => rm(out, { recursive: true, force: true }));

test('package:extension writes a Chrome zip and a Firefox xpi with the manifest, the icons at 16–128 px and only shipped files', async () => {
  const { stdout } = await promisify(execFile)('node', ['extension/package.mjs', '--out', out], { maxBuffer: 8 * 1024 * 1024 });
  expect(stdout).toContain('web-ext lint: 0 errors');
  const { version } = JSON.parse(await readFile('package.json', 'utf8'));

  for (const [store, name] of [
    ['chrome', `onbehalf-chrome-${version}.zip`],
    ['firefox', `onbehalf-firefox-${version}.xpi`],
  ]) {
    const file = join(out, name);
    // The script reports each archive's size, as written.
    const bytes = (await stat(file)).size;
    expect(stdout).toMatch(new RegExp(`^${store}\\t.*${name.replace(/\./g, '\\.')}\\t${bytes} bytes$`, 'm'));

    const zip = await JSZip.loadAsync(await readFile(file));
    const files = Object.values(zip.files).filter((f) => !f.dir).map((f) => f.name).sort();
    // manifest.json at the archive's root: both stores refuse one in a sub-folder.
    const manifest = JSON.parse(await zip.file('manifest.json')!.async('string'));
    expect(manifest.version).toBe(version);
    expect(manifest.host_permissions).toBeUndefined();
    expect(manifest.browser_specific_settings.gecko.id).toBe('onbehalf@onbehalf.dev');
    for (const f of [manifest.background.service_worker, ...manifest.background.scripts, manifest.action.default_popup, manifest.options_ui.page]) {
      expect(files).toContain(f);
    }

    const icons = { ...manifest.icons, ...manifest.action.default_icon } as Record<string, string>;
    expect(Object.keys(manifest.icons).map(Number)).toEqual([16, 32, 48, 128]);
    for (const [size, path] of Object.entries(icons)) {
      const meta = await sharp(await zip.file(path)!.async('nodebuffer')).metadata();
      expect([meta.format, meta.width, meta.height]).toEqual(['png', Number(size), Number(size)]);
    }

    expect(files.filter((f) => /\.(map|ts|mts|mjs)$|test|\.DS_Store|^\./.test(f))).toEqual([]);
    expect(files.every((f) => /^(icons\/\d+\.png|[a-z]+\.(js|html|css)|manifest\.json)$/.test(f))).toBe(true);
  }
}, 180_000);
