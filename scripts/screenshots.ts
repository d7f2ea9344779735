/**
 * Regenerates the README's screenshots of the demo (docs/img/*.png) in headless Chromium:
 * `npx tsx scripts/screenshots.ts` (or `npm run screenshots`). Starts the real demo app on a free
 * port with a temporary data directory and a clock fixed to the seed's date, walks through
 * "work on behalf of Ashley", and captures each page on the way.
 *
 * Env: `CHROMIUM` (default /usr/bin/chromium), `OUT` (default docs/img).
 */
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import type { Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import type { Page } from 'puppeteer-core';
import { launchChromium } from '../test/helpers/browser.js';
import { createDemoApp } from '../examples/contoso-goals/app.js';

const out = resolve(process.env.OUT ?? 'docs/img');
// The seed's "today": the pictures don't change with the day they are taken.
const startedAt = Date.now();
const now = () => Date.parse('2026-11-25T09:30:00Z') + (Date.now() - startedAt);

const dataDir = await mkdtemp(join(tmpdir(), 'onbehalf-shots-'));
const demo = createDemoApp({ dataDir, sessionSecret: 'screenshots-only-secret-screenshots-only', now, fsync: false, warn: () => undefined });
const server: Server = await new Promise((ok) => {
  const s = demo.app.listen(0, '127.0.0.1', () => ok(s));
});
const url = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
const chromium = await launchChromium({ args: ['--hide-scrollbars'] });
const { browser } = chromium;

async function go(page: Page, selector: string) {
  await page.$eval(selector, (el) => el.scrollIntoView({ block: 'center' }));
  await Promise.all([page.waitForNavigation({ waitUntil: 'load' }), page.click(selector)]);
}
const VIEWPORT = { width: 1280, height: 820, deviceScaleFactor: 1 };
/** A full-page shot grows the viewport to the page, so the fixed banner sits at the bottom as a user sees it. */
async function shot(page: Page, name: string, fullPage = false) {
  await page.evaluate(() => window.scrollTo(0, 0));
  if (fullPage) await page.setViewport({ ...VIEWPORT, height: await page.evaluate(() => document.documentElement.scrollHeight) });
  await page.screenshot({ path: join(out, `${name}.png`) });
  if (fullPage) await page.setViewport(VIEWPORT);
  console.log(`docs/img/${name}.png`);
}

try {
  await mkdir(out, { recursive: true });
  const page = await browser.newPage();
  await page.setViewport(VIEWPORT);

  await page.goto(`${url}/login`);
  await shot(page, 'sign-in', true);
  await go(page, 'form.stack button[type=submit]'); // Avery is filled in.

  // One refused attempt, so the audit shows a denial too (the UI itself never offers it).
  await page.evaluate(async () => {
    const { csrfToken } = await (await fetch('/onbehalf/status')).json();
    await fetch('/onbehalf/start', {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-csrf-token': csrfToken },
      body: JSON.stringify({ userId: 'priya', reason: 'Priya asked for help with her OKRs' }),
    });
  });
  await go(page, 'nav a[href="/admin/users"]');
  await page.waitForSelector('[data-eligibility-for="ashley"][data-eligible]');
  await page.click('tr[data-user="ashley"] summary');
  await shot(page, 'admin-users', true);

  await go(page, 'tr[data-user="ashley"] a[data-requires-eligible]');
  await page.type('textarea[name=reason]', 'Ashley reports she cannot check in on her key result');
  await page.type('input[name=ticket]', 'SUP-1234');
  await shot(page, 'work-on-behalf');
  await go(page, 'button[data-requires-eligible="ashley"]');
  await shot(page, 'confirm');
  await go(page, '[data-testid=confirm] button[type=submit]');
  await shot(page, 'acting-my-okrs');

  await go(page, '.okr a[href="/okrs/kr-opps"]');
  await page.$eval('[data-testid=check-in-form] input[name=value]', (el) => ((el as HTMLInputElement).value = ''));
  await page.type('[data-testid=check-in-form] input[name=value]', '47');
  await page.type('[data-testid=check-in-form] input[name=note]', 'Seven new from the Nordics list');
  await go(page, '[data-testid=check-in-form] button[type=submit]');
  await page.$eval('#why li[data-action="edit"] details', (d) => ((d as HTMLDetailsElement).open = true));
  await shot(page, 'okr-why', true);

  await go(page, 'nav a[href="/activity"]');
  await shot(page, 'activity');

  await go(page, '#onbehalf-banner button[type=submit]');
  await page.goto(`${url}/teams/sales-emea`);
  await shot(page, 'team');
  await go(page, 'nav a[href="/admin/audit"]');
  await shot(page, 'admin-audit');

  // The subject's side: Ashley's next page carries the notice of Avery's visit; My access lists it.
  await demo.ob.settled();
  const ashley = await (await browser.createBrowserContext()).newPage();
  await ashley.setViewport(VIEWPORT);
  await ashley.goto(`${url}/login`);
  await ashley.$eval('input[name=email]', (el) => ((el as HTMLInputElement).value = 'ashley@contoso.test'));
  await ashley.$eval('input[name=password]', (el) => ((el as HTMLInputElement).value = 'demo'));
  await go(ashley, 'form[action="/login"] button[type=submit]');
  await ashley.waitForSelector('#onbehalf-notices');
  await shot(ashley, 'subject-notice', true);
  await go(ashley, '#onbehalf-notices a[href="/account/access"]');
  await shot(ashley, 'subject-access', true);
} finally {
  await chromium.close();
  server.closeAllConnections();
  server.close();
  await demo.close();
  await rm(dataDir, { recursive: true, force: true });
}
