// axe-core's WCAG 2 A/AA rules on what onbehalf itself renders into a host, in real Chromium
// without the extension: the server banner (live, and after the session ended) and the built-in
// "Work on behalf" page at {basePath}/ (search results, the start form). No serious or critical violation.
import type { Browser, Page } from 'puppeteer-core';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { BANNER } from '../../../shared/index.js';
import { seriousViolations } from '../../helpers/axe.js';
import { launchChromium, type LaunchedBrowser } from '../../helpers/browser.js';
import { actingTab, signIn } from '../../extension/chromium.js';
import { ADMIN, ASHLEY, startTestHost, type TestHost } from '../../extension/host.js';

let chromium: LaunchedBrowser;
let browser: Browser;
let host: TestHost;

beforeAll(async () => {
  host = await startTestHost({ serverBanner: true });
  chromium = await launchChromium();
  browser = chromium.browser;
}, 60_000);

afterAll(async () => {
  await chromium?.close();
  await host?.close();
});

test('the server banner, live and once the session ended elsewhere', async () => {
  const page = await actingTab(browser, host.origin, ADMIN.id, ASHLEY.id);
  await page.waitForSelector('#onbehalf-banner');
  expect(await seriousViolations(page)).toEqual([]);
  await host.ob.revoke({ subjectId: ASHLEY.id });
  await page.waitForFunction((t) => document.getElementById('onbehalf-banner')?.innerText.includes(t), { timeout: 5000 }, BANNER.ended(ASHLEY.name));
  expect(await seriousViolations(page)).toEqual([]);
  await page.close();
});

test('the built-in page: search with pickable and unpickable users, then the start form', async () => {
  const page: Page = await browser.newPage();
  await signIn(page, host.origin, ADMIN.id);
  await page.goto(`${host.origin}/onbehalf/?q=e`);
  await page.waitForSelector('.why');
  expect(await seriousViolations(page)).toEqual([]);
  await page.goto(`${host.origin}/onbehalf/?user=${ASHLEY.id}`);
  await page.waitForSelector('#ob-reason');
  expect(await seriousViolations(page)).toEqual([]);
  await page.close();
});
