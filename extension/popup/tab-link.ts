import browser from 'webextension-polyfill';
import { hostFor, isTabError, type TabRequest, type TabStatus } from '../lib/index.js';

/** The host's tab the popup works on: `?tabId=N` (popup opened in a tab), else the active tab. */
export async function targetTab(): Promise<browser.Tabs.Tab | undefined> {
  const param = new URLSearchParams(location.search).get('tabId');
  if (param !== null && /^\d+$/.test(param)) return browser.tabs.get(Number(param)).catch(() => undefined);
  const [tab] = await browser.tabs.query({ active: true, currentWindow: true });
  return tab;
}

export class TabRequestError extends Error {
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

/**
 * Talks to the content script in the host's tab, which makes every host call same-origin.
 * The popup never calls the host itself.
 */
export function tabLink(tab: browser.Tabs.Tab) {
  const tabId = tab.id!;
  async function send<T>(req: TabRequest): Promise<T> {
    const res: unknown = await browser.tabs.sendMessage(tabId, req, { frameId: 0 });
    if (isTabError(res)) throw new TabRequestError(res.error.code, res.error.message);
    if (res === undefined) throw new TabRequestError('NO_ANSWER', 'The page did not answer. Reload it and try again.');
    return res as T;
  }
  return { tab, send };
}
export type TabLink = ReturnType<typeof tabLink>;

/** The tab's origin when it is an http(s) page (the URL is visible through activeTab or host access). */
export function tabOrigin(tab: browser.Tabs.Tab): string | undefined {
  try {
    const url = new URL(tab.url ?? '');
    return url.protocol === 'http:' || url.protocol === 'https:' ? url.origin : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Status of the host in the tab. A tab opened before its host was enabled has no content script
 * yet: inject it once (host access was granted when the host was enabled).
 */
export async function connect(tab: browser.Tabs.Tab): Promise<{ link: TabLink; status: TabStatus } | undefined> {
  const link = tabLink(tab);
  try {
    return { link, status: await link.send<TabStatus>({ type: 'status' }) };
  } catch (e) {
    if (e instanceof TabRequestError) throw e;
  }
  const origin = tabOrigin(tab);
  if (!origin || !(await hostFor(origin))) return undefined;
  await browser.scripting.executeScript({ target: { tabId: tab.id! }, files: ['content.js'] });
  return { link, status: await link.send<TabStatus>({ type: 'status' }) };
}
