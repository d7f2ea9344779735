/**
 * Calls `onChange` after same-document navigations (history.pushState / replaceState, back and
 * forward, hash changes). The content script lives in an isolated world and can't wrap the page's
 * own history functions, so it listens to the Navigation API where the browser has it, to
 * popstate and hashchange, and compares the address on a timer as the fallback.
 */
export function onSpaNavigation(onChange: () => void, pollMs = 500): () => void {
  let last = location.href;
  const check = () => {
    if (location.href === last) return;
    last = location.href;
    onChange();
  };
  const nav = (globalThis as { navigation?: EventTarget }).navigation;
  nav?.addEventListener('navigatesuccess', check);
  addEventListener('popstate', check);
  addEventListener('hashchange', check);
  const timer = setInterval(check, pollMs);
  return () => {
    nav?.removeEventListener('navigatesuccess', check);
    removeEventListener('popstate', check);
    removeEventListener('hashchange', check);
    clearInterval(timer);
  };
}
