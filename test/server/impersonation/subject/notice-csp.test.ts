// The subject's notice on a host page with a strict, nonce-based Content-Security-Policy: without
// the page's nonce its `style` attributes are blocked (and reported), so it was drawn unstyled in
// the page's flow at the top instead of fixed at the bottom.
import { afterEach, describe, expect, it } from 'vitest';
import { launchChromium } from '../../../helpers/browser.js';
import { cspViolations, nonceOf, strictCsp } from '../../../helpers/csp.js';
import { fileFixture } from '../../../helpers/fixture.js';
import { startHost, type TestHost } from '../../../helpers/host.js';
import { signInPage } from '../banner.js';

let host: TestHost;
afterEach(async () => host?.close());

/** Avery worked on Ashley's behalf and exited: Ashley has a notice. */
async function visited() {
  const avery = await host.signIn('avery');
  expect((await avery.start('ashley', 'Ticket 481: check-in button missing')).status).toBe(200);
  expect((await avery.stop()).status).toBe(200);
  await host.ob.settled();
}

describe('subject notice under a nonce CSP', () => {
  const suite = fileFixture(async (keep) => ({ browser: keep(await launchChromium()).browser }));

  it("carries the page's style nonce in place of style attributes; styled, fixed at the bottom, dismissable, no CSP violation", async () => {
    host = await startHost({ banner: true, gate: strictCsp, subject: { historyPage: '/account/access' } });
    await visited();
    const ashley = await host.signIn('ashley');
    const r = await ashley.request('GET', '/', { headers: { accept: 'text/html' } });
    const notice = r.text.slice(r.text.indexOf('<style'));
    expect(notice).toMatch(new RegExp(`^<style nonce="${nonceOf(r.headers.get('content-security-policy')).replace(/[+/]/g, '\\$&')}">#onbehalf-notices\\{position:fixed;`));
    expect(notice).not.toContain(' style="');

    const page = await suite.browser.newPage();
    const violations = cspViolations(page);
    await page.goto(`${host.url}/`);
    await signInPage(page, 'ashley');
    const drawn = await page.$eval('#onbehalf-notices', (e) => {
      const style = getComputedStyle(e);
      const button = getComputedStyle(e.querySelector('button')!);
      return { position: style.position, background: style.backgroundColor, button: button.backgroundColor, bottom: Math.round(e.getBoundingClientRect().bottom), height: innerHeight };
    });
    expect(drawn).toEqual({ position: 'fixed', background: 'rgb(238, 240, 253)', button: 'rgb(44, 58, 168)', bottom: drawn.height, height: drawn.height });

    await Promise.all([page.waitForNavigation(), page.click('#onbehalf-notices button')]);
    expect(new URL(page.url()).pathname).toBe('/');
    expect(await page.$('#onbehalf-notices')).toBeNull();
    expect((await ashley.get('/onbehalf/me/access')).json.sessions[0].dismissedAt).toBeGreaterThan(0);
    expect(violations).toEqual([]);
    await page.close();
  }, 30_000);
});
