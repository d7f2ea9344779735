// End to end in real headless Chromium: the built extension against a real host with onBehalf.
import type { Page } from 'puppeteer-core';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { BANNER, DEFAULT_REASON_RULES, ELIGIBILITY_MESSAGES } from '../../shared/index.js';
import { buildExtension } from '../../extension/build.mjs';
import {
  actingTab,
  enableHost,
  hostStatus,
  launchChromium,
  openPopup,
  probe,
  signIn,
  tabIdOf,
  waitForBanner,
  type ExtensionBrowser,
} from './chromium.js';
import { ADMIN, ASHLEY, BANNER_HOST, startTestHost, TRICKY, type TestHost } from './host.js';

const REASON = 'Ticket says the check-in button is missing';
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

let eb: ExtensionBrowser;
let enabled: TestHost;
let notEnabled: TestHost;
let shortLived: TestHost;
let withServerBanner: TestHost;

beforeAll(async () => {
  const dir = await buildExtension({ test: true });
  [enabled, notEnabled, shortLived, withServerBanner] = await Promise.all([
    startTestHost(),
    startTestHost(),
    startTestHost({ onBehalf: { maxDurationMs: 8_000 } }),
    startTestHost({ serverBanner: true }),
  ]);
  eb = await launchChromium(dir);
}, 120_000);

afterAll(async () => {
  await eb?.close();
  await Promise.all([enabled, notEnabled, shortLived, withServerBanner].map((h) => h?.close()));
});

/** The banner says the session has ended (it stays, in words, until the page is reloaded). */
async function waitForEnded(page: Page, timeout: number) {
  const end = Date.now() + timeout;
  for (;;) {
    const p = await probe(eb, page).catch(() => undefined);
    if (p?.mounted && p.text.includes('You are no longer working on behalf of')) return p;
    if (Date.now() > end) throw new Error(`the banner did not say the session ended within ${timeout} ms: ${JSON.stringify(p)}`);
    await sleep(100);
  }
}

/** The toolbar badge's text and tooltip on the page's tab. */
async function badgeOf(page: Page): Promise<{ text: string; title: string }> {
  return eb.extPage.evaluate(async (tabId) => {
    const c = (globalThis as any).chrome;
    return { text: await c.action.getBadgeText({ tabId }), title: await c.action.getTitle({ tabId }) };
  }, await tabIdOf(eb, page));
}

/** The badge once it says `text` (the background sets it after the tab reports). */
async function waitForBadge(page: Page, text: string, timeout = 2000) {
  const end = Date.now() + timeout;
  for (;;) {
    const badge = await badgeOf(page);
    if (badge.text === text || Date.now() > end) return badge;
    await sleep(100);
  }
}

async function newHostPage(origin: string, path = '/'): Promise<Page> {
  const page = await eb.browser.newPage();
  await page.goto(origin + path);
  return page;
}

/** Pick a user in the popup and start, as an admin would. */
async function startFromPopup(host: Page, search: string, userName: string, reason = REASON) {
  const popup = await openPopup(eb, host);
  await popup.locator('#search').fill(search);
  await popup.waitForFunction((n) => [...document.querySelectorAll('#results [role=option] .name')].some((e) => e.textContent === n), {}, userName);
  const index = await popup.evaluate(
    (n) => [...document.querySelectorAll('#results [role=option]')].findIndex((li) => li.querySelector('.name')?.textContent === n),
    userName,
  );
  await popup.focus('#search');
  for (let i = 0; i < index; i++) await popup.keyboard.press('ArrowDown');
  await popup.keyboard.press('Enter');
  await popup.waitForSelector('#confirm:not([hidden])');
  await popup.locator('#reason').fill(reason);
  return popup;
}

describe('extension in Chromium', () => {
  test('the options page enables a host (permission asked, content script registered)', async () => {
    await enableHost(eb, enabled.origin);
    await enableHost(eb, shortLived.origin);
    await enableHost(eb, withServerBanner.origin);
    const stored = await eb.extPage.evaluate(() => (globalThis as any).chrome.storage.local.get('hosts'));
    expect(stored.hosts).toEqual([
      { origin: enabled.origin, basePath: '/onbehalf' },
      { origin: shortLived.origin, basePath: '/onbehalf' },
      { origin: withServerBanner.origin, basePath: '/onbehalf' },
    ]);
  });

  test('no banner when not acting', async () => {
    const page = await eb.browser.newPage();
    await signIn(page, enabled.origin, ADMIN.id);
    await page.waitForSelector('#who');
    await sleep(1500);
    expect((await probe(eb, page)).mounted).toBe(false);
    expect(await page.$(BANNER_HOST)).toBeNull();
    await page.close();
  });

  test('picker: search, ineligible users with their reason, too-short reason refused', async () => {
    const host = await newHostPage(enabled.origin);
    const popup = await openPopup(eb, host);
    await popup.waitForSelector('#picker:not([hidden])');

    await popup.locator('#search').fill('ashl');
    await popup.waitForFunction(() => document.querySelector('#results [role=option] .name')?.textContent === 'Ashley Kim');
    expect(await popup.$$eval('#results [role=option]', (els) => els.length)).toBe(1);

    await popup.locator('#search').fill('ines');
    await popup.waitForFunction(() => document.querySelector('#results [role=option] .name')?.textContent === 'Ines Gone');
    const ineligible = await popup.$eval('#results [role=option]', (li) => ({ disabled: li.getAttribute('aria-disabled'), why: li.querySelector('.why')?.textContent }));
    expect(ineligible).toEqual({ disabled: 'true', why: ELIGIBILITY_MESSAGES.TARGET_INACTIVE });
    // Enter on an ineligible user does not open the confirm step; it says why.
    await popup.focus('#search');
    await popup.keyboard.press('ArrowDown');
    await popup.keyboard.press('Enter');
    expect(await popup.$eval('#picker-error', (e) => e.textContent)).toContain(ELIGIBILITY_MESSAGES.TARGET_INACTIVE);
    expect(await popup.$eval('#confirm', (e) => (e as HTMLElement).hidden)).toBe(true);

    await popup.locator('#search').fill('avery');
    await popup.waitForFunction((m) => document.querySelector('#results .why')?.textContent === m, {}, ELIGIBILITY_MESSAGES.TARGET_SELF);

    // A name with markup is shown as text, never parsed.
    await popup.locator('#search').fill('bobby');
    await popup.waitForFunction((n) => document.querySelector('#results .name')?.textContent === n, {}, TRICKY.name);
    expect(await popup.$('#results img')).toBeNull();

    // Esc clears the search.
    await popup.focus('#search');
    await popup.keyboard.press('Escape');
    expect(await popup.$eval('#search', (e) => (e as HTMLInputElement).value)).toBe('');
    await popup.close();

    const confirm = await startFromPopup(host, 'ashley', 'Ashley Kim', '  too short ');
    await confirm.locator('#start').click();
    await confirm.waitForSelector('#reason-error:not([hidden])');
    expect(await confirm.$eval('#reason-error', (e) => e.textContent)).toBe(
      `The reason must explain why, in at least ${DEFAULT_REASON_RULES.minLength} characters.`,
    );
    expect((await hostStatus(host)).active).toBe(false);
    await confirm.close();
    await host.close();
  });

  let acting: Page;

  test('start: the tab goes to the landing page and the banner names the subject and the reason', async () => {
    acting = await newHostPage(enabled.origin, '/other');
    const popup = await startFromPopup(acting, 'ashley', 'Ashley Kim');
    await popup.locator('#ticket').fill('SUP-42');
    const landed = acting.waitForNavigation();
    await popup.locator('#start').click();
    await landed;
    expect(new URL(acting.url()).pathname).toBe('/');
    expect(await acting.$eval('#who', (e) => e.textContent)).toBe('Signed in as Ashley Kim');

    const banner = await waitForBanner(eb, acting, true);
    expect(banner.text).toContain(BANNER.title('Ashley Kim'));
    expect(banner.text).toContain(BANNER.detail('Ashley Kim'));
    expect(banner.text).toContain(REASON);
    // The ticket comes with the reason, before the countdown (D9).
    expect(banner.text).toMatch(new RegExp(`Reason: ${REASON} · Ticket: SUP-42 Time left: (29|30):\\d\\d`));
    // The banner covers nothing: the page gets bottom padding its height, and its fixed footer is lifted above it.
    const room = await acting.evaluate((sel) => ({
      padding: parseFloat(getComputedStyle(document.body).paddingBottom),
      bannerTop: document.querySelector(sel)!.getBoundingClientRect().top,
      bannerHeight: document.querySelector(sel)!.getBoundingClientRect().height,
      footerBottom: document.getElementById('page-footer')!.getBoundingClientRect().bottom,
    }), BANNER_HOST);
    expect(room.bannerHeight).toBeGreaterThan(30);
    expect(room.padding).toBeGreaterThanOrEqual(Math.floor(room.bannerHeight));
    expect(room.footerBottom).toBeLessThanOrEqual(room.bannerTop + 0.5);

    // The warning never waits for the background: the badge follows the banner.
    expect(await waitForBadge(acting, 'AK')).toEqual({ text: 'AK', title: BANNER.title('Ashley Kim') });
    await popup.close();
  });

  test('the popup, while acting, shows who, the reason, time left and Exit', async () => {
    const popup = await openPopup(eb, acting);
    await popup.waitForSelector('#acting:not([hidden])');
    expect(await popup.$eval('#acting-title', (e) => e.textContent)).toBe(BANNER.title('Ashley Kim'));
    expect(await popup.$eval('#acting-reason', (e) => e.textContent)).toBe(REASON);
    // Reason and ticket first, then the times.
    expect(await popup.$$eval('#acting dt', (els) => els.map((e) => e.textContent))).toEqual(['Reason', 'Ticket', 'Since', 'Time left']);
    expect(await popup.$eval('#acting-ticket', (e) => e.textContent)).toBe('SUP-42');
    expect(await popup.$eval('#acting-left', (e) => e.textContent)).toMatch(/^(29|30):\d\d$/);
    expect(await popup.$eval('#exit', (e) => e.textContent)).toBe('Exit');
    await popup.close();
  });

  test('a page script cannot remove, hide or cover the banner', async () => {
    const tries: Array<(sel: string) => void> = [
      (sel) => document.querySelector(sel)!.remove(),
      (sel) => ((document.querySelector(sel) as HTMLElement).style.display = 'none'),
      (sel) => document.querySelector(sel)!.setAttribute('hidden', ''),
      (sel) => (document.querySelector(sel) as HTMLElement).hidePopover(),
      (sel) => {
        const s = document.createElement('style');
        s.textContent = `${sel} { display: none !important; visibility: hidden !important; opacity: 0 !important }`;
        document.head.append(s);
      },
      () => {
        const cover = document.createElement('div');
        cover.style.cssText = 'position:fixed;left:0;right:0;bottom:0;height:200px;background:#fff;z-index:2147483647';
        document.body.append(cover);
      },
      (sel) => document.body.append(document.querySelector(sel)!),
    ];
    await sleep(1000); // let focus/visibility refreshes from closing the popup settle
    for (const attempt of tries) {
      await acting.evaluate(attempt, BANNER_HOST);
      // Back within the guard's 1 s check, not by a later status refresh.
      const banner = await waitForBanner(eb, acting, true, 1800);
      expect(banner.text).toContain(BANNER.title('Ashley Kim'));
    }
    // The shadow root is closed: the page can't reach the text or the button.
    expect(await acting.evaluate((sel) => document.querySelector(sel)?.shadowRoot, BANNER_HOST)).toBeNull();
  });

  test('SPA navigation keeps the banner', async () => {
    await acting.click('#spa-link');
    await acting.waitForFunction(() => document.querySelector('#content')?.textContent === 'Second view');
    expect(new URL(acting.url()).pathname).toBe('/spa/next');
    const banner = await waitForBanner(eb, acting, true);
    expect(banner.text).toContain(BANNER.title('Ashley Kim'));
  });

  test('messages from the page are ignored', async () => {
    const reachable = await acting.evaluate(() => {
      for (const type of ['stop', 'start', 'refresh']) {
        window.postMessage({ type }, '*');
        window.dispatchEvent(new CustomEvent('onbehalf', { detail: { type } }));
      }
      const c = (globalThis as any).chrome;
      return typeof c?.runtime?.sendMessage;
    });
    expect(reachable).toBe('undefined');
    await sleep(1000);
    expect((await hostStatus(acting)).active).toBe(true);
    expect((await probe(eb, acting)).mounted).toBe(true);

    // The background takes state reports only from a top-frame content script of an enabled
    // host: one from an extension page (no host origin) changes no badge.
    // The extension page's own tab, as it sees itself.
    const extTab = await eb.extPage.evaluate(async () => ((await (globalThis as any).chrome.tabs.getCurrent()) as { id: number }).id);
    const badge = await eb.extPage.evaluate(async (tabId) => {
      const c = (globalThis as any).chrome;
      await c.runtime.sendMessage({ type: 'state', active: true, key: 'forged@1', subjectName: 'Mallory Forged' }).catch(() => undefined);
      await new Promise((r) => setTimeout(r, 300));
      return c.action.getBadgeText({ tabId });
    }, extTab);
    expect(badge).toBe('');
  });

  test('Exit ends the session; every other tab of the host says it ended within 2 s', async () => {
    // Not at /other, where Exit takes the first tab: tabs are told apart by their address.
    const second = await newHostPage(enabled.origin, '/');
    await waitForBanner(eb, second, true);
    const banner = await waitForBanner(eb, acting, true);
    expect(banner.exit).not.toBeNull();
    // Exit is reachable by keyboard: the banner is the page's first Tab stop.
    await acting.evaluate(() => (document.activeElement as HTMLElement | null)?.blur());
    await acting.keyboard.press('Tab');
    expect(await acting.evaluate((sel) => document.activeElement?.matches(sel), BANNER_HOST)).toBe(true);
    const left = acting.waitForNavigation();
    await acting.keyboard.press('Enter');
    await left;
    // Back where the admin started, as the admin.
    expect(new URL(acting.url()).pathname).toBe('/other');
    expect(await acting.$eval('#who', (e) => e.textContent)).toBe(`Signed in as ${ADMIN.name}`);
    expect((await hostStatus(acting)).active).toBe(false);
    await waitForBanner(eb, acting, false);
    // The other tab says at once (well before its poll) that the session ended, without a reload.
    const started = Date.now();
    const ended = await waitForEnded(second, 2000);
    expect(Date.now() - started).toBeLessThan(2000);
    expect(ended.text).toContain(BANNER.ended('Ashley Kim'));
    expect(ended.text).not.toContain(BANNER.detail('Ashley Kim'));
    // Cleared before the banner said so, not after.
    expect((await badgeOf(second)).text).toBe('');
    await second.close();

    // Back to the picker, which lists the recent user; storage holds only ids and names.
    const popup = await openPopup(eb, acting);
    await popup.waitForSelector('#picker:not([hidden])');
    expect(await popup.$eval('#results-label', (e) => e.textContent)).toBe('Recent users');
    await popup.waitForSelector('#results [role=option]');
    expect(await popup.$$eval('#results [role=option] .name', (els) => els.map((e) => e.textContent))).toEqual(['Ashley Kim']);
    const stored = await eb.extPage.evaluate(() => (globalThis as any).chrome.storage.local.get(null));
    expect(stored.recent).toEqual({ [enabled.origin]: [{ id: ASHLEY.id, name: ASHLEY.name, email: ASHLEY.email }] });
    expect(JSON.stringify(stored)).not.toMatch(/csrf|token|reason|ticket|SUP-42/i);
    await popup.close();
  });

  test('expiry: the banner says the session ended', async () => {
    const page = await eb.browser.newPage();
    await signIn(page, shortLived.origin, ADMIN.id);
    const popup = await startFromPopup(page, 'ashley', 'Ashley Kim');
    const landed = page.waitForNavigation();
    await popup.locator('#start').click();
    await landed;
    await waitForBanner(eb, page, true);
    await popup.close();
    await waitForEnded(page, 15_000);
    expect((await hostStatus(page)).active).toBe(false);
    await page.close();
  }, 40_000);

  test('revoked elsewhere: every tab of the host says so within 2 s, in front or not', async () => {
    const page = await actingTab(eb.browser, enabled.origin, ADMIN.id, ASHLEY.id);
    const other = await eb.browser.newPage();
    await other.goto(`${enabled.origin}/other`);
    await waitForBanner(eb, other, true);
    await waitForBanner(eb, page, true);
    const started = Date.now();
    expect(await enabled.ob.revoke({ subjectId: ASHLEY.id })).toBe(1);
    await Promise.all([waitForEnded(page, 2000), waitForEnded(other, 2000)]);
    expect(Date.now() - started).toBeLessThan(2000);
    // Its button now reloads the page, as the admin.
    const p = await probe(eb, page);
    expect(p.text).toContain(BANNER.reloadLabel);
    const reloaded = page.waitForNavigation();
    await page.mouse.click(p.exit!.x + p.exit!.width / 2, p.exit!.y + p.exit!.height / 2);
    await reloaded;
    expect(await page.$eval('#who', (e) => e.textContent)).toBe(`Signed in as ${ADMIN.name}`);
    await waitForBanner(eb, page, false);
    expect((await badgeOf(page)).text).toBe('');
    // The ended banner stays only on the page that was open when the session ended.
    await sleep(1500);
    expect((await probe(eb, page)).mounted).toBe(false);
    expect((await probe(eb, other)).text).toContain(BANNER.ended('Ashley Kim'));
    await Promise.all([page.close(), other.close()]);
  });

  test('no banner on a host that is not enabled', async () => {
    const page = await actingTab(eb.browser, notEnabled.origin, ADMIN.id, ASHLEY.id);
    expect((await hostStatus(page)).active).toBe(true);
    await sleep(1500);
    expect(await page.$(BANNER_HOST)).toBeNull();
    const popup = await openPopup(eb, page);
    await popup.waitForSelector('#notice:not([hidden])');
    expect(await popup.$eval('#notice-text', (e) => e.textContent)).toBe(`onbehalf is not enabled on ${notEnabled.origin}.`);
    await popup.close();
    await page.close();
  });

  test('where the host renders its own banner, the extension still draws its own and the server banner steps aside; a forged one changes nothing', async () => {
    const page = await actingTab(eb.browser, withServerBanner.origin, ADMIN.id, ASHLEY.id);
    await page.waitForSelector('[data-onbehalf-banner]');
    const banner = await waitForBanner(eb, page, true);
    expect(banner.text).toContain(BANNER.detail('Ashley Kim'));
    await page.waitForFunction(() => getComputedStyle(document.querySelector('[data-onbehalf-banner]')!).display === 'none');

    // A forged "server banner" naming the subject must not silence the extension's (D5).
    await page.evaluate(() => {
      const fake = document.createElement('div');
      fake.setAttribute('data-onbehalf-banner', '');
      fake.style.cssText = 'position:fixed;top:0;left:0;right:0;height:60px;background:#ffd43b';
      fake.textContent = 'You are currently working on behalf of Ashley Kim';
      document.body.append(fake);
    });
    await sleep(1500);
    const still = await waitForBanner(eb, page, true, 1000);
    expect(still.text).toContain(BANNER.detail('Ashley Kim'));
    expect(still.text).toContain(BANNER.exitLabel);
    await page.close();
  });
});
