import { onBehalfClient, OnBehalfClientError, type OnBehalfClient } from '../../shared/client.js';

/** An error answer of the host, or a network failure (`code` NETWORK). */
export { OnBehalfClientError as HostApiError };

/**
 * Requests must leave as the page's own: same origin, the page's cookies, the page's Origin
 * header (the server refuses cross-origin POSTs). Chromium's content-script fetch does that.
 * Firefox's `content.fetch` is its documented "fetch as the page" and is used where it exists;
 * Firefox 153's plain content-script fetch was checked to send the same headers (Origin and
 * Sec-Fetch-Site same-origin, the page's cookies), but older Firefox MV2-era behaviour used the
 * extension's principal, so `content.fetch` stays the safer choice.
 */
const pageFetch: typeof fetch = (() => {
  const content = (globalThis as { content?: { fetch?: typeof fetch } }).content;
  return typeof content?.fetch === 'function' ? content.fetch.bind(content) : fetch.bind(globalThis);
})();

/** The onbehalf HTTP API of the host this tab shows, called same-origin with the page's cookies. */
export const hostApi = (basePath: string): OnBehalfClient => onBehalfClient({ basePath, origin: location.origin, fetch: pageFetch });
export type HostApi = OnBehalfClient;

/** Go to a same-origin path the host answered with; anything else goes to the site's root. */
export function navigateTo(redirect: string): void {
  let url: URL;
  try {
    url = new URL(redirect, location.origin);
  } catch {
    url = new URL('/', location.origin);
  }
  location.assign(url.origin === location.origin ? url.href : new URL('/', location.origin).href);
}
