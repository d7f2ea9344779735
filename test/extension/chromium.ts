// Real headless Chromium with the built extension loaded, and the steps tests take in it.
import { randomUUID } from 'node:crypto';
import type { Browser, Page } from 'puppeteer-core';
import { launchChromium as launchWith } from '../helpers/browser.js';
import type { BannerProbe } from '../../extension/lib/index.js';

export interface ExtensionBrowser {
  browser: Browser;
  extensionId: string;
  /** An extension page (options.html) the tests use to call extension APIs. */
  extPage: Page;
  close(): Promise<void>;
}

export async function launchChromium(extensionDir: string): Promise<ExtensionBrowser> {
  const { browser, close } = await launchWith({ extensions: [extensionDir] });
  try {
    const worker = await browser.waitForTarget((t) => t.type() === 'service_worker' && t.url().startsWith('chrome-extension://'), { timeout: 20_000 });
    const extensionId = new URL(worker.url()).host;
    const extPage = await browser.newPage();
    await extPage.goto(`chrome-extension://${extensionId}/options.html`);
    return { browser, extensionId, extPage, close };
  } catch (e) {
    await close();
    throw e;
  }
}

/** Enable a host the way an admin does: the options page's form. */
export async function enableHost(eb: ExtensionBrowser, origin: string, basePath = '/onbehalf') {
  const page = eb.extPage;
  // Chrome answers permission requests only from the tab in front.
  await page.bringToFront();
  await page.goto(`chrome-extension://${eb.extensionId}/options.html`);
  await page.locator('#origin').fill(origin);
  await page.locator('#base-path').fill(basePath);
  await page.locator('#add-button').click();
  await page.waitForFunction((o) => [...document.querySelectorAll('#host-rows td')].some((td) => td.textContent === o), {}, origin);
  // The background registers the content script on the storage change.
  await page.waitForFunction(
    async (o) => {
      const c = (globalThis as any).chrome;
      const scripts = await c.scripting.getRegisteredContentScripts();
      return scripts.some((s: any) => s.matches.includes(`http://${new URL(o).hostname}/*`));
    },
    { polling: 100 },
    origin,
  );
}

const tabIds = new WeakMap<Page, number>();

/**
 * The extension's id for the page's tab. Several tabs can show the same address (a tab left open
 * by a failed test, two tabs of a host at `/`), so the tab is found by a title set for a moment
 * on its page, once; a tab keeps its id across navigations.
 */
export async function tabIdOf(eb: ExtensionBrowser, page: Page): Promise<number> {
  const known = tabIds.get(page);
  if (known !== undefined) return known;
  const mark = `onbehalf-test-tab-${randomUUID()}`;
  const title = await page.evaluate((t) => {
    const old = document.title;
    document.title = t;
    return old;
  }, mark);
  try {
    const id = await eb.extPage.evaluate(async (t) => {
      const c = (globalThis as any).chrome;
      for (let i = 0; i < 100; i++) {
        const [tab] = await c.tabs.query({ title: t });
        if (tab) return tab.id as number;
        await new Promise((r) => setTimeout(r, 50));
      }
      throw new Error('no tab showed the title set on the page within 5 s');
    }, mark);
    tabIds.set(page, id);
    return id;
  } finally {
    await page.evaluate((t) => (document.title = t), title);
  }
}

/** The banner as the content script sees it (test builds answer `probe`). */
export async function probe(eb: ExtensionBrowser, page: Page): Promise<BannerProbe> {
  const tabId = await tabIdOf(eb, page);
  return eb.extPage.evaluate(
    (id) => (globalThis as any).chrome.tabs.sendMessage(id, { type: 'probe' }, { frameId: 0 }),
    tabId,
  ) as Promise<BannerProbe>;
}

export async function waitForBanner(eb: ExtensionBrowser, page: Page, want: boolean, timeout = 10_000): Promise<BannerProbe> {
  const end = Date.now() + timeout;
  let last: BannerProbe | undefined;
  while (Date.now() < end) {
    last = await probe(eb, page).catch(() => undefined);
    if (last && last.mounted === want && (!want || last.onTop)) return last;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`banner ${want ? 'not shown' : 'still shown'} after ${timeout} ms: ${JSON.stringify(last)}`);
}

/** The popup, opened in a tab and pointed at the host's tab. */
export async function openPopup(eb: ExtensionBrowser, hostPage: Page): Promise<Page> {
  const tabId = await tabIdOf(eb, hostPage);
  const popup = await eb.browser.newPage();
  await popup.goto(`chrome-extension://${eb.extensionId}/popup.html?tabId=${tabId}`);
  return popup;
}

/** The host's own status, read by the page (same-origin, its cookies). */
export function hostStatus(page: Page): Promise<{ active: boolean; session?: { subject: { name: string } } }> {
  return page.evaluate(() => fetch('/onbehalf/status').then((r) => r.json()));
}

export async function signIn(page: Page, origin: string, userId: string | number) {
  await page.goto(`${origin}/test/signin?as=${encodeURIComponent(userId)}`);
}

/** A call of the host's onbehalf API from the page: same-origin, its cookies, its session's CSRF token. */
export function callHostApi(page: Page, method: 'GET' | 'POST', path: string, body?: unknown): Promise<{ status: number; body: any }> {
  return page.evaluate(
    async (method, path, body) => {
      const { csrfToken } = await (await fetch('/onbehalf/status')).json();
      const res = await fetch(`/onbehalf${path}`, {
        method,
        headers: { 'Content-Type': 'application/json', 'X-CSRF-Token': csrfToken },
        ...(body !== undefined && { body: JSON.stringify(body) }),
      });
      return { status: res.status, body: await res.json().catch(() => undefined) };
    },
    method,
    path,
    body,
  );
}

/** Start through the host's own API from the page, as its server-side UI would (no extension involved). */
export async function startThroughHostApi(page: Page, userId: string | number, reason = 'Started from the host app itself'): Promise<number> {
  return (await callHostApi(page, 'POST', '/start', { userId, reason })).status;
}

/** A new tab on `origin` where the admin already acts for `userId` (started through the host's own API), reloaded. */
export async function actingTab(browser: Browser, origin: string, adminId: string | number, userId: string | number): Promise<Page> {
  const page = await browser.newPage();
  await signIn(page, origin, adminId);
  const status = await startThroughHostApi(page, userId);
  if (status !== 200) throw new Error(`starting through the host's API answered ${status}`);
  await page.reload();
  return page;
}
