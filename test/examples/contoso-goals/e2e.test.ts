import type { Page } from 'puppeteer-core';
import { describe, expect, it } from 'vitest';
import { BANNER, ELIGIBILITY_MESSAGES } from '../../../shared/index.js';
import { clickAndWait, demoInChromium } from './browser.js';

const suite = demoInChromium();

const text = (page: Page, selector: string) => page.$eval(selector, (el) => (el as HTMLElement).innerText);
/** Click like a user: scrolled to the middle of the screen (the sticky header and the banner cover the edges). */
async function click(page: Page, selector: string) {
  await page.$eval(selector, (el) => el.scrollIntoView({ block: 'center' }));
  await page.click(selector);
}

describe('the demo in real Chromium', () => {
  it('Avery works on behalf of Ashley: banner, check-in attributed to both, Exit, and the audit shows it all', async () => {
    const page = await suite.signedIn('avery@contoso.test');
    expect(await text(page, '[data-testid=signed-in-as]')).toBe('Avery Admin');

    // Admin › Users → Actions → Work on behalf (W2), with onbehalf's own eligibility answer.
    await clickAndWait(page, 'nav a[href="/admin/users"]');
    await page.waitForSelector('[data-eligibility-for="ashley"][data-eligible="true"]');
    await click(page, 'tr[data-user="ashley"] summary');
    await clickAndWait(page, 'tr[data-user="ashley"] a[data-requires-eligible="ashley"]');
    expect(await text(page, 'h1')).toBe('Work on behalf of Ashley');
    await page.type('textarea[name=reason]', 'Ashley reports she cannot check in on her key result');
    await page.type('input[name=ticket]', 'SUP-1234');
    await clickAndWait(page, 'button[data-requires-eligible="ashley"]');

    // The confirm step, then start: lands on Ashley's My OKRs (W11) with the banner (W8).
    expect(await text(page, '[data-testid=confirm]')).toContain('Ashley reports she cannot check in on her key result');
    await clickAndWait(page, '[data-testid=confirm] button[type=submit]');
    expect(new URL(page.url()).pathname).toBe('/');
    expect(await text(page, 'h1')).toBe('My OKRs');
    expect(await text(page, '[data-testid=signed-in-as]')).toBe('Ashley');
    const banner = await text(page, '#onbehalf-banner');
    expect(banner).toContain(BANNER.title('Ashley'));
    expect(banner).toContain(BANNER.detail('Ashley'));
    expect(banner).toContain('SUP-1234');
    expect(await page.$('nav a[href="/admin/users"]')).toBeNull();

    // Check in on her key result, as Ashley.
    await clickAndWait(page, '.okr a[href="/okrs/kr-opps"]');
    await page.$eval('[data-testid=check-in-form] input[name=value]', (el) => ((el as HTMLInputElement).value = ''));
    await page.type('[data-testid=check-in-form] input[name=value]', '47');
    await page.type('[data-testid=check-in-form] input[name=note]', 'Seven new from the Nordics list');
    await clickAndWait(page, '[data-testid=check-in-form] button[type=submit]');
    expect(new URL(page.url()).pathname).toBe('/okrs/kr-opps');
    expect(await text(page, 'main')).toContain('40 → 47');

    // The feed: Ashley as the doer, Avery as the true actor (W7).
    await clickAndWait(page, 'nav a[href="/activity"]');
    const first = await text(page, '[data-testid=feed] li:first-child');
    expect(first).toContain('Ashley checked in on Qualified opportunities per quarter');
    expect(first).toContain('by Avery Admin on behalf of Ashley');

    // Exit (W9 return): back to Avery, on the page she started from.
    await clickAndWait(page, '#onbehalf-banner button[type=submit]');
    expect(new URL(page.url()).pathname).toBe('/admin/users');
    expect(await text(page, '[data-testid=signed-in-as]')).toBe('Avery Admin');
    expect(await page.$('#onbehalf-banner')).toBeNull();

    // Admin › Audit, filtered to Ashley as the subject: start, the check-in, the end (W10).
    await clickAndWait(page, 'nav a[href="/admin/audit"]');
    await page.select('select[name=subject]', 'ashley');
    await clickAndWait(page, '[data-testid=audit-filter] button[type=submit]');
    expect(new URL(page.url()).searchParams.get('subject')).toBe('ashley');
    const rows = await page.$$eval('[data-testid=audit] tbody tr', (trs) => trs.map((tr) => ({ type: tr.getAttribute('data-type'), text: (tr as HTMLElement).innerText })));
    expect(rows.map((r) => r.type)).toEqual(['ended', 'outcome', 'action', 'started']);
    expect(rows[0].text).toContain('exit');
    expect(rows[1].text).toContain('POST /okrs/kr-opps/check-ins');
    expect(rows[2].text).toContain('POST /okrs/kr-opps/check-ins');
    expect(rows[3].text).toContain('Avery Admin');
    expect(rows[3].text).toContain('Ashley reports she cannot check in on her key result');
    for (const r of rows) expect(r.text).toContain('Ashley');

    // Export of the same filter, fetched by the page (same session).
    const csv = await page.evaluate(async () => {
      const a = document.querySelector('a[href^="/onbehalf/audit/export?format=csv"]') as HTMLAnchorElement;
      return (await fetch(a.href)).text();
    });
    expect(csv.trim().split('\n')).toHaveLength(5); // header, started, action, outcome, ended
    await page.browserContext().close();
  }, 120_000);

  it('ineligible users are refused in the UI with their reason', async () => {
    const page = await suite.signedIn('avery@contoso.test');
    await page.goto(`${suite.url}/admin/users`);
    const cases = { ivan: 'TARGET_INACTIVE', priya: 'TARGET_PRIVATE_OBJECTIVES', avery: 'TARGET_SELF', sam: 'TARGET_PRIVILEGED' } as const;
    for (const [id, code] of Object.entries(cases)) {
      await page.waitForSelector(`[data-eligibility-for="${id}"][data-eligible="false"]`);
      expect(await text(page, `[data-eligibility-for="${id}"]`)).toContain(ELIGIBILITY_MESSAGES[code]);
      // The menu item is gone, replaced by the reason.
      expect(await page.$(`tr[data-user="${id}"] a[data-requires-eligible]`)).toBeNull();
      await click(page, `tr[data-user="${id}"] summary`);
      expect(await text(page, `tr[data-user="${id}"] .menu-list`)).toContain(ELIGIBILITY_MESSAGES[code]);
      await page.keyboard.press('Escape');
      expect(await page.$('details.menu[open]')).toBeNull();
    }
    // Going to the form directly: the reason is shown and Continue is disabled.
    await page.goto(`${suite.url}/admin/users/priya/work-on-behalf`);
    await page.waitForSelector('[data-eligibility-for="priya"][data-eligible="false"]');
    expect(await text(page, '[data-eligibility-for="priya"]')).toContain(ELIGIBILITY_MESSAGES.TARGET_PRIVATE_OBJECTIVES);
    expect(await page.$eval('button[data-requires-eligible="priya"]', (b) => (b as HTMLButtonElement).disabled)).toBe(true);
    await page.browserContext().close();
  }, 120_000);
});

/** Admin › Users › Work on behalf of `id`: the reason, then the confirm step (not yet started). */
async function confirmStep(page: Page, id: string, reason: string) {
  await page.goto(`${suite.url}/admin/users/${id}/work-on-behalf`);
  await page.waitForSelector(`[data-eligibility-for="${id}"][data-eligible="true"]`);
  await page.type('textarea[name=reason]', reason);
  await clickAndWait(page, `button[data-requires-eligible="${id}"]`);
  await page.waitForSelector('[data-testid=confirm]');
}
const startFromConfirm = (page: Page) => clickAndWait(page, '[data-testid=confirm] form[action="/onbehalf/start"] button[type=submit]');

describe('the subject’s side in real Chromium', () => {
  it('Ashley sees Avery’s visit on her next page, with what changed; My access keeps it after she dismisses it', async () => {
    const avery = await suite.signedIn('avery@contoso.test');
    await confirmStep(avery, 'ashley', 'Ashley asked why her check-in total looks wrong');
    await startFromConfirm(avery);
    expect(await text(avery, '[data-testid=signed-in-as]')).toBe('Ashley');
    // The acting admin gets no way into Ashley's access history.
    expect(await avery.$('[data-testid=my-access]')).toBeNull();
    expect((await avery.goto(`${suite.url}/account/access`))!.status()).toBe(403);
    await avery.goto(`${suite.url}/okrs/kr-opps`);
    await avery.$eval('[data-testid=check-in-form] input[name=value]', (el) => ((el as HTMLInputElement).value = ''));
    await avery.type('[data-testid=check-in-form] input[name=value]', '52');
    await clickAndWait(avery, '[data-testid=check-in-form] button[type=submit]');
    await clickAndWait(avery, '#onbehalf-banner button[type=submit]');
    await suite.demo.ob.settled();

    const ashley = await suite.signedIn('ashley@contoso.test');
    await ashley.waitForSelector('#onbehalf-notices');
    const notice = await text(ashley, '#onbehalf-notices');
    expect(notice).toContain('Someone worked on your behalf');
    expect(notice).toContain('Avery Admin worked on your behalf on');
    expect(notice).toContain('Ashley asked why her check-in total looks wrong');
    expect(notice).toContain('POST /okrs/kr-opps/check-ins');
    // The feed names her as the doer and Avery as the true actor (attribution()).
    await ashley.goto(`${suite.url}/activity`);
    expect(await text(ashley, '[data-testid=feed] li:first-child')).toContain('by Avery Admin on behalf of Ashley');

    await clickAndWait(ashley, '#onbehalf-notices a[href="/account/access"]');
    const row = await text(ashley, '[data-testid=sessions] tbody tr:first-child');
    expect(row).toContain('Avery Admin');
    expect(row).toContain('Ashley asked why her check-in total looks wrong');
    expect(row).toContain('POST /okrs/kr-opps/check-ins');
    // Dismiss every notice: the page comes back without them, the history keeps the sessions.
    while (await ashley.$('#onbehalf-notices button[type=submit]')) await clickAndWait(ashley, '#onbehalf-notices button[type=submit]');
    expect(new URL(ashley.url()).pathname).toBe('/account/access');
    expect(await text(ashley, '[data-testid=sessions] tbody tr:first-child')).toContain('seen');
    await ashley.goto(`${suite.url}/`);
    expect(await ashley.$('#onbehalf-notices')).toBeNull();
    await avery.browserContext().close();
    await ashley.browserContext().close();
  }, 120_000);

  it('Ben grants access before support can start; Olivia’s needs Audrey’s approval first', async () => {
    const avery = await suite.signedIn('avery@contoso.test');
    await confirmStep(avery, 'ben', 'Ben cannot see the EMEA objective any more');
    expect(await text(avery, '[data-testid=consent-note]')).toContain('Ben Member asked to be consulted');
    await startFromConfirm(avery);
    expect(await text(avery, 'body')).toContain('CONSENT_REQUIRED');

    const ben = await suite.signedIn('ben@contoso.test');
    await clickAndWait(ben, '[data-testid=my-access]');
    await ben.select('[data-testid=grant-form] select[name=hours]', '1');
    await clickAndWait(ben, '[data-testid=grant-form] button[type=submit]');
    expect(await text(ben, '[data-testid=grants] tbody')).toContain('Any support admin');
    await confirmStep(avery, 'ben', 'Ben cannot see the EMEA objective any more');
    await startFromConfirm(avery);
    expect(await text(avery, '[data-testid=signed-in-as]')).toBe('Ben Member');
    await clickAndWait(avery, '#onbehalf-banner button[type=submit]');

    await confirmStep(avery, 'olivia', 'Olivia reports the org roll-up is off');
    expect(await text(avery, '[data-testid=four-eyes-note]')).toContain('second admin');
    await startFromConfirm(avery);
    expect(await text(avery, 'body')).toContain('APPROVAL_REQUIRED');

    const audrey = await suite.signedIn('audrey@contoso.test');
    await clickAndWait(audrey, 'nav a[href="/admin/approvals"]');
    const item = await text(audrey, '[data-testid=approvals] li');
    expect(item).toContain('Avery Admin asks to work on behalf of Olivia Owner');
    await clickAndWait(audrey, '[data-testid=approvals] li form[action$="/approve"] button');
    expect(await text(audrey, '[data-testid=approvals]')).toContain('No request waits for approval.');

    await confirmStep(avery, 'olivia', 'Olivia reports the org roll-up is off');
    await startFromConfirm(avery);
    expect(await text(avery, '[data-testid=signed-in-as]')).toBe('Olivia Owner');
    await clickAndWait(avery, '#onbehalf-banner button[type=submit]');
    await suite.demo.ob.settled();
    const olivia = await suite.signedIn('olivia@contoso.test');
    await clickAndWait(olivia, '[data-testid=my-access]');
    expect(await text(olivia, '[data-testid=sessions] tbody tr:first-child')).toContain('approved by Audrey Auditor');
    for (const p of [avery, ben, audrey, olivia]) await p.browserContext().close();
  }, 150_000);
});
