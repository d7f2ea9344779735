import type { Banner } from './banner.js';

/** How often the banner's computed style and position are checked, besides DOM mutations. */
const CHECK_EVERY_MS = 1000;

/**
 * Keeps the banner on screen: a MutationObserver notices at once when the page removes it,
 * replaces <html> or touches the banner element's attributes; a periodic check catches what
 * style sheets do (display, visibility, opacity, covering) and a removed server banner.
 */
export function keepVisible(banner: Banner): () => void {
  let watchedRoot: Element | null = null;
  let watchedHost: HTMLElement | undefined;
  const observer = new MutationObserver(() => check());

  function watch() {
    const root = document.documentElement;
    const host = banner.host;
    if (root === watchedRoot && host === watchedHost) return;
    observer.disconnect();
    observer.observe(document, { childList: true });
    if (root) observer.observe(root, { childList: true });
    if (host) observer.observe(host, { attributes: true });
    watchedRoot = root;
    watchedHost = host;
  }

  function check() {
    banner.ensure();
    watch();
  }

  check();
  const timer = setInterval(() => {
    if (document.visibilityState === 'visible') check();
  }, CHECK_EVERY_MS);
  return () => {
    clearInterval(timer);
    observer.disconnect();
  };
}
