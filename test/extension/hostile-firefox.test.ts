// The hostile pages of hostile.test.ts in Firefox ESR over WebDriver BiDi: whatever the page's
// script does, the warning stays on top with both sentences and the reason, and a real click on
// its Exit ends the session.
import type { Page } from 'puppeteer-core';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { BANNER } from '../../shared/index.js';
import { buildExtension } from '../../extension/build.mjs';
import { ATTACKS } from './attacks.js';
import { hostStatus, signIn, startThroughHostApi } from './chromium.js';
import { fill, launchFirefox, openExtensionPage, probe, tabIdOf, until, type FirefoxWithExtension } from './firefox.js';
import { ADMIN, ASHLEY, startTestHost, type TestHost } from './host.js';

const REASON = 'Checking what a hostile page can do';
let ff: FirefoxWithExtension;
let host: TestHost;
let ext: Page;

beforeAll(async () => {
  const dir = await buildExtension({ test: true, outDir: 'dist/extension-test-firefox' });
  // One start per attack: more than the default start rate limit allows.
  host = await startTestHost({ onBehalf: { rateLimit: { windowMs: 60_000, limit: 100 } } });
  ff = await launchFirefox(dir);
  ext = await ff.browser.newPage();
  await openExtensionPage(ext, 'options.html', '#origin');
  await fill(ext, '#origin', host.origin);
  await (await ext.waitForSelector('#add-button'))!.click();
  await until(ext, (o) => [...document.querySelectorAll('#host-rows td')].some((td) => td.textContent === o), host.origin);
}, 120_000);

afterAll(async () => {
  await ff?.close();
  await host?.close();
});

test.each(Object.keys(ATTACKS))('Firefox, attack "%s": the banner stays on top, complete, and its Exit works', async (attack) => {
  const page = await ff.browser.newPage();
  try {
    await signIn(page, host.origin, ADMIN.id);
    expect(await startThroughHostApi(page, ASHLEY.id, REASON)).toBe(200);
    await page.goto(`${host.origin}/hostile/${attack}`);
    // Past the attack's delayed round (1.5 s after load), with repeats every 300 ms.
    await new Promise((r) => setTimeout(r, 2200));
    const tabId = await tabIdOf(ext, page.url());
    const end = Date.now() + 5000;
    let banner = await probe(ext, tabId).catch(() => undefined);
    while (!(banner?.mounted && banner.onTop) && Date.now() < end) {
      await new Promise((r) => setTimeout(r, 150));
      banner = await probe(ext, tabId).catch(() => undefined);
    }
    expect(banner).toMatchObject({ mounted: true, onTop: true });
    expect(banner!.text).toContain(BANNER.title(ASHLEY.name));
    expect(banner!.text).toContain(BANNER.detail(ASHLEY.name));
    expect(banner!.text).toContain(REASON);
    const { x, y, width, height } = banner!.exit!;
    await page.mouse.click(x + width / 2, y + height / 2);
    await until(page, () => document.readyState === 'complete' && !location.pathname.startsWith('/hostile'), undefined);
    expect((await hostStatus(page)).active).toBe(false);
  } finally {
    await page.close();
  }
}, 60_000);
