// axe-core's WCAG 2 A/AA rules on what onbehalf itself renders into a host, in real Chromium
// without the extension: the server banner (live, and after the session ended) and the built-in
// "Work on behalf" page at {basePath}/ (search results, the start form). No serious or critical violation.
import type { Page } from 'puppeteer-core';
import { expect, test } from 'vitest';
import { seriousViolations } from '../../helpers/axe.js';
import { actingTab, signIn } from '../../extension/chromium.js';
import { ADMIN, ASHLEY } from '../../extension/host.js';
import { bannerHostInChromium, waitForEnded } from './banner.js';

const suite = bannerHostInChromium();

test('the server banner, live and once the session ended elsewhere', async () => {
  const page = await actingTab(suite.browser, suite.host.origin, ADMIN.id, ASHLEY.id);
  await page.waitForSelector('#onbehalf-banner');
  expect(await seriousViolations(page)).toEqual([]);
  await suite.host.ob.revoke({ subjectId: ASHLEY.id });
  await waitForEnded(page, ASHLEY.name, 5000);
  expect(await seriousViolations(page)).toEqual([]);
  await page.close();
});

test('the built-in page: search with pickable and unpickable users, then the start form', async () => {
  const page: Page = await suite.browser.newPage();
  await signIn(page, suite.host.origin, ADMIN.id);
  await page.goto(`${suite.host.origin}/onbehalf/?q=e`);
  await page.waitForSelector('.why');
  expect(await seriousViolations(page)).toEqual([]);
  await page.goto(`${suite.host.origin}/onbehalf/?user=${ASHLEY.id}`);
  await page.waitForSelector('#ob-reason');
  expect(await seriousViolations(page)).toEqual([]);
  await page.close();
});
