// Bundles the extension into dist/extension/ (one build for Chrome and Firefox).
//   node extension/build.mjs                      production build
//   node extension/build.mjs --test               test build (see buildExtension's `test` option)
import { build } from 'esbuild';
import { copyFile, mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import sharp from 'sharp';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');

const ENTRIES = {
  background: 'extension/background.ts',
  content: 'extension/content/index.ts',
  popup: 'extension/popup/index.ts',
  options: 'extension/options/index.ts',
};
/** Toolbar (16, 32), extensions page (48) and store listing (128), drawn from one SVG. */
const ICON = 'extension/icons/icon.svg';
const ICON_SIZES = [16, 32, 48, 128];

const STATIC = ['extension/popup/popup.html', 'extension/popup/popup.css', 'extension/options/options.html', 'extension/options/options.css'];

/**
 * Build the extension.
 * @param {object} [options]
 * @param {string} [options.outDir] Output folder. Default `dist/extension` (or `dist/extension-test` with `test`).
 * @param {boolean} [options.test] Test build: the manifest also lists `host_permissions` for
 *   `http://127.0.0.1/*` (granted at install, so the options page's permission request resolves
 *   without a prompt a headless browser can't answer), and the content script answers a `probe`
 *   message from extension pages with the banner's text and the Exit button's position (its
 *   shadow root is closed). Default false. Never ship a test build.
 * @returns {Promise<string>} the output folder.
 */
export async function buildExtension({ outDir, test = false } = {}) {
  const out = resolve(root, outDir ?? (test ? 'dist/extension-test' : 'dist/extension'));
  await rm(out, { recursive: true, force: true });
  await mkdir(out, { recursive: true });
  await build({
    entryPoints: Object.fromEntries(Object.entries(ENTRIES).map(([name, file]) => [name, join(root, file)])),
    outdir: out,
    bundle: true,
    format: 'iife',
    target: ['chrome121', 'firefox140'],
    minify: !test,
    sourcemap: false,
    legalComments: 'none',
    define: { __TEST_BUILD__: JSON.stringify(test) },
    logLevel: 'warning',
  });
  for (const file of STATIC) await copyFile(join(root, file), join(out, file.split('/').pop()));
  await renderIcons(join(out, 'icons'));
  const manifest = JSON.parse(await readFile(join(root, 'manifest.json'), 'utf8'));
  if (test) manifest.host_permissions = ['http://127.0.0.1/*'];
  await writeFile(join(out, 'manifest.json'), JSON.stringify(manifest, null, 2));
  return out;
}

/** icons/16.png … icons/128.png, as the manifest names them. The SVG is 128 units wide, rendered at 72 dpi. */
async function renderIcons(dir) {
  await mkdir(dir, { recursive: true });
  const svg = await readFile(join(root, ICON));
  for (const size of ICON_SIZES) await sharp(svg, { density: (72 * size) / 128 }).png().toFile(join(dir, `${size}.png`));
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const out = await buildExtension({ test: process.argv.includes('--test') });
  console.log(`extension built into ${out}`);
}
