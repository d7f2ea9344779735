// What the hostile-page suites (hostile.test.ts in Chromium, hostile-firefox.test.ts in Firefox)
// do on each attack page, and what they expect of the banner there.
import type { Page } from 'puppeteer-core';
import { expect } from 'vitest';
import { BANNER } from '../../shared/index.js';
import type { BannerProbe } from '../../extension/lib/index.js';
import { hostStatus, signIn, startThroughHostApi } from './chromium.js';
import { ADMIN, ASHLEY, type TestHostOptions } from './host.js';

export const REASON = 'Checking what a hostile page can do';

/** One start per attack: more than the default start rate limit allows. */
export const HOSTILE_HOST: TestHostOptions = { onBehalf: { rateLimit: { windowMs: 60_000, limit: 100 } } };

/** The admin acts for Ashley (through the host's API) and opens the attack's page, past its delayed round. */
export async function actOnHostilePage(page: Page, origin: string, attack: string) {
  await signIn(page, origin, ADMIN.id);
  expect(await startThroughHostApi(page, ASHLEY.id, REASON)).toBe(200);
  await page.goto(`${origin}/hostile/${attack}`);
  // Past the attack's delayed round (1.5 s after load), with repeats every 300 ms.
  await new Promise((r) => setTimeout(r, 2200));
}

/** The page has left the hostile page and loaded the next one (the Exit's landing). */
export const leftHostilePage = () => document.readyState === 'complete' && !location.pathname.startsWith('/hostile');

/**
 * The banner holds both sentences and the reason; a real click at its Exit button's centre, as the
 * admin would, leaves the page (`left` waits for that) and ends the session.
 */
export async function expectCompleteWithWorkingExit(page: Page, banner: BannerProbe, left: () => Promise<unknown>) {
  expect(banner.text).toContain(BANNER.title(ASHLEY.name));
  expect(banner.text).toContain(BANNER.detail(ASHLEY.name));
  expect(banner.text).toContain(REASON);
  const { x, y, width, height } = banner.exit!;
  await page.mouse.click(x + width / 2, y + height / 2);
  await left();
  expect((await hostStatus(page)).active).toBe(false);
}
