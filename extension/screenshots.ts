// Screenshots of the picker, the banner and the banner over a page's modal dialog, for the docs:
// `npx tsx extension/screenshots.ts` (part of `npm run screenshots`). Env: `OUT` (default docs/img).
// Writes extension-picker.png, extension-banner.png and extension-dialog.png.
import { mkdir } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { buildExtension } from './build.mjs';
import { enableHost, launchChromium, signIn, tabIdOf, waitForBanner } from '../test/extension/chromium.js';
import { ADMIN, DEFAULT_USERS, startTestHost } from '../test/extension/host.js';

const users = [
  ...DEFAULT_USERS.filter((u) => !u.name.includes('<')),
  { id: 'u-ashton', name: 'Ashton Reyes', email: 'ashton@example.test', active: true, privilege: 0 },
  { id: 'u-asha', name: 'Asha Patel', email: 'asha@example.test', active: false, privilege: 0 },
];
const out = resolve(process.env.OUT ?? 'docs/img');
const host = await startTestHost({ users });
const eb = await launchChromium(await buildExtension({ test: true, outDir: 'dist/extension-screenshots' }));
try {
  await mkdir(out, { recursive: true });
  await enableHost(eb, host.origin);
  const page = await eb.browser.newPage();
  await page.setViewport({ width: 900, height: 420 });
  await signIn(page, host.origin, ADMIN.id);
  const tabId = await tabIdOf(eb, page);

  const popup = await eb.browser.newPage();
  await popup.setViewport({ width: 360, height: 330 });
  await popup.goto(`chrome-extension://${eb.extensionId}/popup.html?tabId=${tabId}`);
  await popup.locator('#search').fill('ash');
  await popup.waitForFunction(() => document.querySelectorAll('#results [role=option]').length >= 3);
  await popup.screenshot({ path: join(out, 'extension-picker.png') });

  await popup.keyboard.press('Enter');
  await popup.waitForSelector('#confirm:not([hidden])');
  await popup.locator('#reason').fill('SUP-1042: check-in button missing for this user');
  await popup.locator('#ticket').fill('SUP-1042');
  const landed = page.waitForNavigation();
  await popup.locator('#start').click();
  await landed;
  await popup.close();
  await page.bringToFront();
  await waitForBanner(eb, page, true);
  await page.screenshot({ path: join(out, 'extension-banner.png') });

  // The page opens a modal <dialog> over everything: the banner moves into it and stays on top.
  await page.evaluate(() => {
    document.body.insertAdjacentHTML(
      'beforeend',
      '<dialog id="modal" style="width:70vw;padding:24px;font-family:sans-serif"><h2>A modal dialog of the page</h2><p>Everything outside it is inert.</p><button>OK</button></dialog>',
    );
    (document.getElementById('modal') as HTMLDialogElement).showModal();
  });
  await new Promise((r) => setTimeout(r, 300));
  await waitForBanner(eb, page, true);
  await page.screenshot({ path: join(out, 'extension-dialog.png') });
  console.log(`wrote extension-picker.png, extension-banner.png and extension-dialog.png into ${out}`);
} finally {
  await eb.close();
  await host.close();
}
