// `web-ext lint` on the production build: 0 errors (CI runs this too).
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { expect, test } from 'vitest';
import { buildExtension } from '../../extension/build.mjs';
import { BUNDLE_LIMITS, bundleSizes } from '../../bench/extension.js';

test('web-ext lint reports 0 errors on the production build, whose manifest asks for no host up front', async () => {
  const dir = await buildExtension();
  const { stdout } = await promisify(execFile)('node_modules/.bin/web-ext', ['lint', '--source-dir', dir, '--output', 'json', '--no-config-discovery'], {
    maxBuffer: 32 * 1024 * 1024,
  }).catch((e: { stdout: string }) => ({ stdout: e.stdout }));
  const report = JSON.parse(stdout) as { errors: Array<{ code: string; message: string }>; warnings: Array<{ code: string }> };
  expect(report.errors).toEqual([]);
  // The expected warning for one manifest serving both browsers; nothing else.
  expect(report.warnings.map((w) => w.code)).toEqual(['BACKGROUND_SERVICE_WORKER_IGNORED']);

  const { readFile } = await import('node:fs/promises');
  const manifest = JSON.parse(await readFile(`${dir}/manifest.json`, 'utf8'));
  expect(manifest.host_permissions).toBeUndefined();
  expect(manifest.permissions).toEqual(['storage', 'activeTab', 'scripting']);
  expect(manifest.content_scripts).toBeUndefined();
}, 120_000);

test('the minified content script and popup stay within their budgets (zod/mini, tree-shaken)', async () => {
  const sizes = await bundleSizes(await buildExtension({ outDir: 'dist/extension-size' }));
  expect(sizes.content).toBeLessThanOrEqual(BUNDLE_LIMITS.content);
  expect(sizes.popup).toBeLessThanOrEqual(BUNDLE_LIMITS.popup);
}, 60_000);
