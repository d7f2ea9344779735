// The test host with the server-rendered banner (no extension), in real headless Chromium for a
// test file, and what its browser tests do and wait for.
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

/**
 * `page`, on a host of test/helpers/host.ts, signs in as `userId` through the host's own /login
 * and, with `start`, starts working on behalf of someone through the API; then it reloads.
 */
export async function signInPage(page: Page, userId: string, start?: { userId: string; reason: string; ticket?: string }) {
  const status = await page.evaluate(async (userId, start) => {
    const json = { 'content-type': 'application/json', accept: 'application/json' };
    const signedIn = await fetch('/login', { method: 'POST', headers: json, body: JSON.stringify({ userId }) });
    if (!signedIn.ok || !start) return signedIn.status;
    const { csrfToken } = await (await fetch('/onbehalf/status')).json();
    return (await fetch('/onbehalf/start', { method: 'POST', headers: { ...json, 'x-onbehalf-csrf': csrfToken }, body: JSON.stringify(start) })).status;
  }, userId, start);
  if (status !== 200) throw new Error(`signing in as ${userId}${start ? ` and starting for ${start.userId}` : ''} answered ${status}`);
  await page.reload();
}
