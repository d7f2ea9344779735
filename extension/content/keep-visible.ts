import type { Banner } from './banner.js';

/** How often the banner's computed style and position are checked, besides the events below. */
const CHECK_EVERY_MS = 1000;

/**
 * Keeps the banner on screen. At once, without waiting for the periodic check: when the page
 * removes it, replaces `<html>`, touches the banner's attributes, opens or closes a dialog or a
 * popover (the top layer) or goes full screen. The periodic check catches what style sheets do
 * (display, visibility, opacity, covering). The listeners are the content script's own, added
 * before any page script runs, so a page's listener can't stop them.
 */
export function keepVisible(banner: Banner): () => void {
  let watched: Array<Node | null | undefined> = [];
  const observer = new MutationObserver(() => check());
  // Dialogs show by their `open` attribute, anywhere in the page.
  const dialogs = new MutationObserver(() => check());
  let queued = false;

  function watch() {
    const root = document.documentElement;
    const host = banner.host;
    const parent = host?.parentNode;
    if (root === watched[0] && host === watched[1] && parent === watched[2]) return;
    observer.disconnect();
    dialogs.disconnect();
    observer.observe(document, { childList: true });
    // <html>'s own style can zoom the top layer.
    if (root) observer.observe(root, { childList: true, attributes: true, attributeFilter: ['style', 'class'] });
    if (root) dialogs.observe(root, { subtree: true, attributes: true, attributeFilter: ['open'] });
    if (parent && parent !== root) observer.observe(parent, { childList: true });
    if (host) observer.observe(host, { attributes: true });
    watched = [root, host, parent];
  }

  function check() {
    banner.ensure();
    watch();
  }

  /** Once per task, however many events arrive. */
  function soon() {
    if (queued) return;
    queued = true;
    queueMicrotask(() => {
      queued = false;
      check();
    });
  }

  const onTopLayer = (e: Event) => {
    if (e.target !== banner.host) soon();
  };
  // Capturing on window: `toggle` does not bubble, and ours run before any the page adds.
  for (const type of ['toggle', 'close', 'cancel', 'fullscreenchange']) addEventListener(type, onTopLayer, true);

  check();
  const timer = setInterval(() => {
    if (document.visibilityState === 'visible') check();
  }, CHECK_EVERY_MS);
  return () => {
    clearInterval(timer);
    observer.disconnect();
    dialogs.disconnect();
    for (const type of ['toggle', 'close', 'cancel', 'fullscreenchange']) removeEventListener(type, onTopLayer, true);
  };
}
