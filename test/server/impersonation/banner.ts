// The test host with the server-rendered banner (no extension), in real headless Chromium for a
// test file, and what its browser tests wait for.
import type { Browser, Page } from 'puppeteer-core';
import { BANNER } from '../../../shared/index.js';
import { launchChromium } from '../../helpers/browser.js';
import { fileFixture } from '../../helpers/fixture.js';
import { startTestHost, type TestHost } from '../../extension/host.js';

/** The host with `serverBanner` and Chromium, started before the file's tests and closed after them. */
export function bannerHostInChromium(): { host: TestHost; browser: Browser } {
  return fileFixture(async (keep) => ({
    host: keep(await startTestHost({ serverBanner: true })),
    browser: keep(await launchChromium()).browser,
  }));
}

/** Until the server banner on `page` says that acting for `subjectName` ended. */
export async function waitForEnded(page: Page, subjectName: string, timeout: number) {
  await page.waitForFunction((t) => document.getElementById('onbehalf-banner')?.innerText.includes(t), { timeout, polling: 50 }, BANNER.ended(subjectName));
}
