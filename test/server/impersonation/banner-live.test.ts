// The server-rendered banner in real headless Chromium, without the extension: it ticks, its Exit
// is the first Tab stop, and every tab of the host says within 2 s that the session ended.
import type { Page } from 'puppeteer-core';
import { expect, test } from 'vitest';
import { BANNER } from '../../../shared/index.js';
import { actingTab, hostStatus, startThroughHostApi } from '../../extension/chromium.js';
import { ADMIN, ASHLEY } from '../../extension/host.js';
import { bannerHostInChromium, waitForEnded } from './banner.js';

const suite = bannerHostInChromium();

const bannerText = (page: Page) => page.$eval('#onbehalf-banner', (e) => (e as HTMLElement).innerText.replace(/\s+/g, ' '));

test('the countdown ticks, and Exit is the first Tab stop', async () => {
  const page = await actingTab(suite.browser, suite.host.origin, ADMIN.id, ASHLEY.id);
  await page.waitForSelector('#onbehalf-banner');
  const first = await page.$eval('[data-expires-at]', (e) => e.textContent);
  await page.waitForFunction((t) => document.querySelector('[data-expires-at]')!.textContent !== t, { timeout: 3000 }, first);
  await page.keyboard.press('Tab');
  expect(await page.evaluate(() => document.activeElement?.id)).toBe('onbehalf-exit');
  const left = page.waitForNavigation();
  await page.keyboard.press('Enter');
  await left;
  expect((await hostStatus(page)).active).toBe(false);
  expect(await page.$('#onbehalf-banner')).toBeNull();
  await page.close();
});

test('Exit in one tab: the other tab says it ended within 2 s, and its button reloads as the admin', async () => {
  const a = await actingTab(suite.browser, suite.host.origin, ADMIN.id, ASHLEY.id);
  const b = await suite.browser.newPage();
  await b.goto(`${suite.host.origin}/other`);
  expect(await bannerText(b)).toContain(BANNER.detail(ASHLEY.name));
  await a.bringToFront();
  const left = a.waitForNavigation();
  await a.click('#onbehalf-exit');
  await left;
  const started = Date.now();
  await waitForEnded(b, ASHLEY.name, 2000);
  expect(Date.now() - started).toBeLessThan(2000);
  expect(await bannerText(b)).not.toContain(BANNER.detail(ASHLEY.name));
  await b.bringToFront();
  const reloaded = b.waitForNavigation();
  await b.click('#onbehalf-exit');
  await reloaded;
  expect(await b.$eval('#who', (e) => e.textContent)).toBe(`Signed in as ${ADMIN.name}`);
  expect(await b.$('#onbehalf-banner')).toBeNull();
  await Promise.all([a.close(), b.close()]);
});

test('revoked elsewhere: every tab says so within 2 s; a new session shows its own reason, not an earlier one', async () => {
  const a = await actingTab(suite.browser, suite.host.origin, ADMIN.id, ASHLEY.id);
  const b = await suite.browser.newPage();
  await b.goto(`${suite.host.origin}/other`);
  const started = Date.now();
  expect(await suite.host.ob.revoke({ subjectId: ASHLEY.id })).toBe(1);
  await Promise.all([waitForEnded(a, ASHLEY.name, 2000), waitForEnded(b, ASHLEY.name, 2000)]);
  expect(Date.now() - started).toBeLessThan(2000);

  expect(await startThroughHostApi(a, ASHLEY.id, 'A second, different reason')).toBe(200);
  await a.reload();
  expect(await bannerText(a)).toContain('A second, different reason');
  await Promise.all([a.close(), b.close()]);
});
