// Screenshots of the picker and the banner for the README: `npx tsx extension/screenshots.ts`.
// Writes docs/img/extension-picker.png and docs/img/extension-banner.png.
import { mkdir } from 'node:fs/promises';
import { buildExtension } from './build.mjs';
import { enableHost, launchChromium, signIn, tabIdOf, waitForBanner } from '../test/extension/chromium.js';
import { ADMIN, DEFAULT_USERS, startTestHost } from '../test/extension/host.js';

const users = [
  ...DEFAULT_USERS.filter((u) => !u.name.includes('<')),
  { id: 'u-ashton', name: 'Ashton Reyes', email: 'ashton@example.test', active: true, privilege: 0 },
  { id: 'u-asha', name: 'Asha Patel', email: 'asha@example.test', active: false, privilege: 0 },
];
const host = await startTestHost({ users });
const eb = await launchChromium(await buildExtension({ test: true, outDir: 'dist/extension-screenshots' }));
try {
  await mkdir('docs/img', { recursive: true });
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
  await popup.screenshot({ path: 'docs/img/extension-picker.png' });

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
  await page.screenshot({ path: 'docs/img/extension-banner.png' });
  console.log('wrote docs/img/extension-picker.png and docs/img/extension-banner.png');
} finally {
  await eb.close();
  await host.close();
}
