// axe-core's WCAG 2 A/AA rules on the demo's pages in real Chromium: signed in as the support
// admin, as the approver, as a user with a notice, and while acting (with the server banner).
// No serious or critical violation on any of them.
import type { Page } from 'puppeteer-core';
import { describe, expect, test } from 'vitest';
import { seriousViolations } from '../../helpers/axe.js';
import { callHostApi } from '../../extension/chromium.js';
import { demoInChromium } from './browser.js';

const suite = demoInChromium();

async function expectClean(page: Page, path: string) {
  const res = await page.goto(`${suite.url}${path}`);
  expect(res?.status(), path).toBeLessThan(400);
  expect(await seriousViolations(page), path).toEqual([]);
}

const ADMIN_PAGES = ['/', '/okrs/kr-opps', '/okrs/o-emea', '/teams', '/teams/sales-emea', '/activity', '/admin/users', '/admin/users/ashley/work-on-behalf', '/admin/audit', '/account/access', '/onbehalf/'];

describe('the demo passes axe (WCAG 2 A/AA, no serious or critical violation)', () => {
  test('signed out: the sign-in page', async () => {
    const page = await (await suite.browser.createBrowserContext()).newPage();
    await expectClean(page, '/login');
    await page.browserContext().close();
  });

  test.each(ADMIN_PAGES)('signed in as the support admin: %s', async (path) => {
    const page = await suite.signedIn('avery@contoso.test');
    await expectClean(page, path);
    await page.browserContext().close();
  });

  test('the confirm step before a start', async () => {
    const page = await suite.signedIn('avery@contoso.test');
    await page.goto(`${suite.url}/admin/users/ashley/work-on-behalf`);
    await page.waitForSelector('[data-eligibility-for="ashley"][data-eligible="true"]');
    await page.type('textarea[name=reason]', 'Ashley reports she cannot check in');
    await Promise.all([page.waitForNavigation(), page.click('button[data-requires-eligible="ashley"]')]);
    await page.waitForSelector('[data-testid=confirm]');
    expect(await seriousViolations(page)).toEqual([]);
    await page.browserContext().close();
  });

  test('the approver: Admin › Approvals with a request waiting', async () => {
    const avery = await suite.signedIn('avery@contoso.test');
    const asked = await callHostApi(avery, 'POST', '/start', { userId: 'olivia', reason: 'Olivia reports the roll-up is off' });
    expect(asked.body.error.code).toBe('APPROVAL_REQUIRED');
    const audrey = await suite.signedIn('audrey@contoso.test');
    await expectClean(audrey, '/admin/approvals');
    await avery.browserContext().close();
    await audrey.browserContext().close();
  });

  test('while acting, with the banner: the pages the subject sees; then her notice and My access', async () => {
    const page = await suite.signedIn('avery@contoso.test');
    const started = await callHostApi(page, 'POST', '/start', { userId: 'ashley', reason: 'Ashley reports she cannot check in', ticket: 'SUP-1234' });
    expect(started.status).toBe(200);
    for (const path of ['/', '/okrs/kr-opps', '/teams/sales-emea', '/activity']) {
      await page.goto(`${suite.url}${path}`);
      await page.waitForSelector('#onbehalf-banner');
      expect(await seriousViolations(page), path).toEqual([]);
    }
    await Promise.all([page.waitForNavigation(), page.click('#onbehalf-banner button[type=submit]')]);
    await suite.demo.ob.settled();
    await page.browserContext().close();

    const ashley = await suite.signedIn('ashley@contoso.test');
    await ashley.waitForSelector('#onbehalf-notices');
    expect(await seriousViolations(ashley)).toEqual([]);
    await expectClean(ashley, '/account/access');
    await ashley.browserContext().close();
  });
});
