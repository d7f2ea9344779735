// The server-rendered banner on a host page with a strict, nonce-based Content-Security-Policy:
// without the page's nonce every `style` attribute and the banner's script are blocked, so it was
// drawn unstyled at the top (not yellow, not fixed) and never said the session had ended.
import { afterEach, describe, expect, it } from 'vitest';
import { launchChromium } from '../../helpers/browser.js';
import { cspViolations, nonceOf, strictCsp } from '../../helpers/csp.js';
import { fileFixture } from '../../helpers/fixture.js';
import { startHost, type TestHost } from '../../helpers/host.js';
import { signInPage, waitForEnded } from './banner.js';

let host: TestHost;
afterEach(async () => host?.close());

describe('server banner under a nonce CSP', () => {
  it("carries the page's own nonce on its script and styles; without a CSP the markup has neither", async () => {
    host = await startHost({ banner: true, gate: strictCsp });
    const avery = await host.signIn('avery');
    await avery.start('ashley');
    const r = await avery.get('/');
    const nonce = nonceOf(r.headers.get('content-security-policy'));
    expect(r.text).toContain(`<script src="/onbehalf/banner.js" defer nonce="${nonce}"></script>`);
    expect(r.text).toMatch(new RegExp(`<style nonce="${nonce.replace(/[+/]/g, '\\$&')}">#onbehalf-banner\\{position:fixed;`));
    await host.close();

    host = await startHost({ banner: true });
    const plain = await host.signIn('avery');
    await plain.start('ashley');
    const page = (await plain.get('/')).text;
    expect(page).not.toContain('nonce=');
    expect(page).not.toContain('<style');
  });
});

describe('server banner under a nonce CSP, in Chromium', () => {
  const suite = fileFixture(async (keep) => ({ browser: keep(await launchChromium()).browser }));

  it('is yellow and fixed at the bottom, and its script runs: it says the session ended after a revocation', async () => {
    host = await startHost({ banner: true, gate: strictCsp });
    const page = await suite.browser.newPage();
    const violations = cspViolations(page);
    await page.goto(`${host.url}/`);
    await signInPage(page, 'avery', { userId: 'ashley', reason: 'Checking her check-in page' });
    const drawn = await page.$eval('#onbehalf-banner', (e) => {
      const style = getComputedStyle(e);
      return { position: style.position, background: style.backgroundColor, bottom: Math.round(e.getBoundingClientRect().bottom), height: innerHeight };
    });
    expect(drawn).toEqual({ position: 'fixed', background: 'rgb(255, 212, 59)', bottom: drawn.height, height: drawn.height });

    expect(await host.ob.revoke({ subjectId: 'ashley' })).toBe(1);
    await waitForEnded(page, 'Ashley', 3000);
    expect(violations).toEqual([]);
    await page.close();
  }, 30_000);
});
