// Right-to-left text and bidi controls in a directory name, a reason or a ticket, in real
// Chromium: each is drawn in a <bdi>, so the fixed text after it still reads left to right ("Erin‮RTL's
// account." drew "…s'LTR" reversed, through the end of the sentence). The server banner, the
// subject's notice and the built-in admin page.
import type { Page } from 'puppeteer-core';
import { afterEach, describe, expect, it } from 'vitest';
import { BANNER } from '../../../shared/index.js';
import { isolation } from '../../helpers/bidi.js';
import { launchChromium } from '../../helpers/browser.js';
import { fileFixture } from '../../helpers/fixture.js';
import { startHost, type TestHost } from '../../helpers/host.js';
import { signInPage } from './banner.js';

const RLO = 'Erin\u202eRTL';
const ARABIC = 'ليلى حسن';
const REASON = 'مراجعة الطلب';
const TICKET = 'تذكرة-7';
const isolated = { isolated: true, inOrder: true };

let host: TestHost;
afterEach(async () => host?.close());

const suite = fileFixture(async (keep) => ({ browser: keep(await launchChromium()).browser }));

/** How `value` and the `after` text are drawn under `selector`. */
const drawn = (page: Page, selector: string, value: string, after: string) =>
  page.$eval(selector, (root, fn, value, after) => new Function(`return (${fn})`)()(root, value, after), isolation.toString(), value, after);

describe('user-supplied text is isolated, in Chromium', () => {
  it('in the acting banner: the subject, the reason and the ticket', async () => {
    host = await startHost({ banner: true });
    host.users.set('erin', { id: 'erin', name: RLO, email: 'erin@contoso.test', active: true });
    const page = await suite.browser.newPage();
    await page.goto(`${host.url}/`);
    await signInPage(page, 'avery', { userId: 'erin', reason: REASON, ticket: TICKET });
    expect(await drawn(page, '#onbehalf-banner [data-text]', RLO, BANNER.detail.after)).toEqual(isolated);
    expect(await drawn(page, '#onbehalf-banner [data-text]', REASON, ` · ${BANNER.ticketLabel}: `)).toEqual(isolated);
    expect(await drawn(page, '#onbehalf-banner [data-text]', TICKET, ` · ${BANNER.timeLeftLabel}`)).toEqual(isolated);

    // The banner script's "ended" title too.
    await host.ob.revoke({ subjectId: 'erin' });
    await page.waitForFunction(() => document.querySelector('#onbehalf-banner strong')?.textContent?.startsWith('You are no longer'), { polling: 50, timeout: 5000 });
    expect(await page.$eval('#onbehalf-banner strong bdi', (e) => e.textContent)).toBe(RLO);
    await page.close();
  }, 30_000);

  it("in the subject's notice: the actor's name", async () => {
    host = await startHost({ banner: true });
    host.users.set('avery', { ...host.users.get('avery')!, name: RLO });
    const avery = await host.signIn('avery');
    expect((await avery.start('ashley', 'Checking the check-in page')).status).toBe(200);
    expect((await avery.stop()).status).toBe(200);
    await host.ob.settled();
    const page = await suite.browser.newPage();
    await page.goto(`${host.url}/`);
    await signInPage(page, 'ashley');
    expect(await drawn(page, '#onbehalf-notices [data-summary]', RLO, ' worked on your behalf')).toEqual(isolated);
    await page.close();
  }, 30_000);

  it('in the admin page: the names found, and the start form', async () => {
    host = await startHost();
    host.users.set('erin', { id: 'erin', name: RLO, email: 'erin@contoso.test', active: true });
    host.users.set('leila', { id: 'leila', name: ARABIC, email: 'leila@contoso.test', active: true });
    const page = await suite.browser.newPage();
    await page.goto(`${host.url}/`);
    await signInPage(page, 'avery');
    await page.goto(`${host.url}/onbehalf/`);
    expect(await drawn(page, 'main', RLO, ' (')).toEqual(isolated);
    // What was searched for (a query refuses bidi controls, not right-to-left text).
    await page.goto(`${host.url}/onbehalf/?q=${encodeURIComponent('ليلى')}`);
    expect(await drawn(page, 'main', 'ليلى', '”')).toEqual(isolated);
    await page.goto(`${host.url}/onbehalf/?user=erin`);
    expect(await drawn(page, 'main', RLO, ': at least')).toEqual(isolated);
    expect(await drawn(page, 'main', RLO, BANNER.detail.after)).toEqual(isolated);
    await page.goto(`${host.url}/onbehalf/?user=leila`);
    expect(await drawn(page, 'main', ARABIC, BANNER.detail.after)).toEqual(isolated);
    await page.close();
  }, 30_000);
});
