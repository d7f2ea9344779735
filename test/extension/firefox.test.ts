// Firefox ESR smoke test over WebDriver BiDi: the add-on installs, the banner appears, Exit works.
import type { Page } from 'puppeteer-core';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { BANNER } from '../../shared/index.js';
import { buildExtension } from '../../extension/build.mjs';
import { enableHost, fill, launchFirefox, openExtensionPage, probe, tabIdOf, until, type FirefoxWithExtension } from './firefox.js';
import { ADMIN, ASHLEY, BANNER_HOST, startTestHost, type TestHost } from './host.js';

let ff: FirefoxWithExtension;
let host: TestHost;

beforeAll(async () => {
  const dir = await buildExtension({ test: true, outDir: 'dist/extension-test-firefox' });
  host = await startTestHost();
  ff = await launchFirefox(dir);
}, 120_000);

afterAll(async () => {
  await ff?.close();
  await host?.close();
});

async function waitForProbe(ext: Page, tabId: number, mounted: boolean) {
  const end = Date.now() + 10_000;
  for (;;) {
    const p = await probe(ext, tabId).catch(() => undefined);
    if (p?.mounted === mounted) return p;
    if (Date.now() > end) throw new Error(`banner mounted=${p?.mounted}, wanted ${mounted}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

test('Firefox: enable the host, start from the popup, the banner appears, Exit ends the session', async () => {
  const ext = await enableHost(ff.browser, host.origin);

  const page = await ff.browser.newPage();
  await page.goto(`${host.origin}/test/signin?as=${ADMIN.id}`);
  await page.waitForSelector('#who');
  const tabId = await tabIdOf(ext, page.url());

  const popup = await ff.browser.newPage();
  await openExtensionPage(popup, `popup.html?tabId=${tabId}`, '#picker:not([hidden])');
  await fill(popup, '#search', 'ashley');
  await until(popup, () => document.querySelector('#results [role=option] .name')?.textContent === 'Ashley Kim', undefined);
  await popup.focus('#search');
  await popup.keyboard.press('Enter');
  await popup.waitForSelector('#confirm:not([hidden])');
  await fill(popup, '#reason', 'Firefox: user cannot see the check-in form');
  await (await popup.waitForSelector('#start'))!.click();
  await popup.waitForSelector('#notice:not([hidden])');

  await until(page, () => document.querySelector('#who')?.textContent === 'Signed in as Ashley Kim', undefined);
  const banner = await waitForProbe(ext, tabId, true);
  expect(banner.text).toContain(BANNER.title(ASHLEY.name));
  expect(banner.text).toContain('Firefox: user cannot see the check-in form');
  const x = banner.exit!.x + banner.exit!.width / 2;
  const y = banner.exit!.y + banner.exit!.height / 2;
  expect(banner.onTop).toBe(true);

  await page.mouse.click(x, y);
  await until(page, () => document.querySelector('#who')?.textContent === 'Signed in as Avery Admin', undefined);
  expect(await page.evaluate(() => fetch('/onbehalf/status').then((r) => r.json()).then((s) => s.active))).toBe(false);
  await waitForProbe(ext, tabId, false);
  expect(await page.$(BANNER_HOST)).toBeNull();
}, 90_000);
