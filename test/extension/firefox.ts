// Firefox ESR over WebDriver BiDi with the built extension installed as a temporary add-on.
import type { Browser, Page } from 'puppeteer-core';
import { launchFirefox as launchWith } from '../helpers/browser.js';
import type { BannerProbe } from '../../extension/lib/index.js';

export const GECKO_ID = 'onbehalf@onbehalf.dev';
/** Fixed so the test knows the moz-extension:// address (set through the uuids pref). */
export const FIXED_UUID = 'a3c5f0de-7f51-4c2e-9a39-2f6d1e0b7c11';
export const EXT_ORIGIN = `moz-extension://${FIXED_UUID}`;

export interface FirefoxWithExtension {
  browser: Browser;
  close(): Promise<void>;
}

export async function launchFirefox(extensionDir: string): Promise<FirefoxWithExtension> {
  const { browser, close } = await launchWith({ 'extensions.webextensions.uuids': JSON.stringify({ [GECKO_ID]: FIXED_UUID }) });
  try {
    await browser.installExtension(extensionDir);
    return { browser, close };
  } catch (e) {
    await close();
    throw e;
  }
}

/** Open an extension page. Such a `goto` never resolves in Firefox over BiDi: don't wait for it. */
export async function openExtensionPage(page: Page, path: string, readySelector: string) {
  await page.goto(`${EXT_ORIGIN}/${path}`, { timeout: 1500 }).catch(() => undefined);
  await page.waitForSelector(readySelector, { timeout: 15_000 });
}

/**
 * Type into a field. Puppeteer's locators time out on extension pages in Firefox ESR 140 over
 * BiDi (their visibility and stability checks never settle there), so focus and type instead.
 */
export async function fill(page: Page, selector: string, text: string) {
  await page.waitForSelector(selector);
  await page.focus(selector);
  await page.keyboard.type(text);
}

/**
 * Wait until `fn` is true in the page. `page.waitForFunction` fails at once in Firefox ESR 140
 * over BiDi ("Waiting failed"), so poll with plain evaluations.
 */
export async function until<A>(page: Page, fn: (arg: A) => boolean, arg: A, timeoutMs = 10_000) {
  const end = Date.now() + timeoutMs;
  while (!(await page.evaluate(fn as (a: unknown) => boolean, arg).catch(() => false))) {
    if (Date.now() > end) throw new Error(`timed out after ${timeoutMs} ms waiting for ${fn.toString()}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** Enable a host the way an admin does, on the options page: the page, kept open for the tests' extension API calls. */
export async function enableHost(browser: Browser, origin: string): Promise<Page> {
  const ext = await browser.newPage();
  await openExtensionPage(ext, 'options.html', '#origin');
  await fill(ext, '#origin', origin);
  await (await ext.waitForSelector('#add-button'))!.click();
  await until(ext, (o) => [...document.querySelectorAll('#host-rows td')].some((td) => td.textContent === o), origin);
  return ext;
}

export async function tabIdOf(extPage: Page, url: string): Promise<number> {
  return extPage.evaluate(async (u) => {
    const tabs = await (globalThis as any).browser.tabs.query({});
    return tabs.find((t: any) => t.url === u).id as number;
  }, url);
}

export async function probe(extPage: Page, tabId: number): Promise<BannerProbe> {
  return extPage.evaluate((id) => (globalThis as any).browser.tabs.sendMessage(id, { type: 'probe' }, { frameId: 0 }), tabId) as Promise<BannerProbe>;
}

/** Probe until the banner is mounted and on top, or `timeoutMs` have passed: the last probe either way (undefined if none answered). */
export async function probeUntilOnTop(extPage: Page, tabId: number, timeoutMs: number): Promise<BannerProbe | undefined> {
  const end = Date.now() + timeoutMs;
  let banner = await probe(extPage, tabId).catch(() => undefined);
  while (!(banner?.mounted && banner.onTop) && Date.now() < end) {
    await new Promise((r) => setTimeout(r, 150));
    banner = await probe(extPage, tabId).catch(() => undefined);
  }
  return banner;
}
