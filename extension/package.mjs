// Store archives from one production build: `npm run package:extension`.
//   node extension/package.mjs [--out DIR]      default DIR: dist/extension-packages
// Builds dist/extension/, lints it with web-ext (any error stops here), then zips it twice with
// web-ext build: onbehalf-chrome-VERSION.zip (Chrome Web Store, Edge Add-ons) and
// onbehalf-firefox-VERSION.xpi (addons.mozilla.org, or signed for self-distribution).
import { readFile, rm, stat } from 'node:fs/promises';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { cmd } from 'web-ext';
import { buildExtension } from './build.mjs';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');

/**
 * Build, lint and package the extension.
 * @param {object} [options]
 * @param {string} [options.outDir] Where the archives go (emptied first). Default `dist/extension-packages`.
 * @returns {Promise<{ buildDir: string, warnings: string[], archives: Array<{ store: 'chrome' | 'firefox', file: string, bytes: number }> }>}
 */
export async function packageExtension({ outDir } = {}) {
  const out = resolve(root, outDir ?? 'dist/extension-packages');
  const { version } = JSON.parse(await readFile(join(root, 'package.json'), 'utf8'));
  const manifest = JSON.parse(await readFile(join(root, 'manifest.json'), 'utf8'));
  // The stores key updates on the manifest's version; the npm version names the release.
  if (manifest.version !== version) throw new Error(`manifest.json says version ${manifest.version}, package.json ${version}: make them agree`);

  const buildDir = await buildExtension();
  const report = await cmd.lint({ sourceDir: buildDir, output: 'none' }, { shouldExitProgram: false });
  if (report.errors.length > 0) {
    throw new Error(`web-ext lint: ${report.errors.map((e) => `${e.code} ${e.file ?? ''} ${e.message}`).join('; ')}`);
  }

  await rm(out, { recursive: true, force: true });
  const archives = [];
  for (const [store, ext] of [['chrome', 'zip'], ['firefox', 'xpi']]) {
    const { extensionPath } = await cmd.build(
      { sourceDir: buildDir, artifactsDir: out, filename: `onbehalf-${store}-{version}.${ext}`, overwriteDest: true },
      { showReadyMessage: false },
    );
    archives.push({ store, file: extensionPath, bytes: (await stat(extensionPath)).size });
  }
  return { buildDir, warnings: report.warnings.map((w) => w.code), archives };
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const at = process.argv.indexOf('--out');
  const { warnings, archives } = await packageExtension({ outDir: at > 0 ? process.argv[at + 1] : undefined });
  console.log(`web-ext lint: 0 errors, ${warnings.length} warning(s)${warnings.length ? ` (${warnings.join(', ')})` : ''}`);
  for (const a of archives) console.log(`${a.store}\t${relative(process.cwd(), a.file) || a.file}\t${a.bytes} bytes`);
}
