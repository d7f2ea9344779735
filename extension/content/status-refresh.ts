/** Status is read again this often while not acting and the tab is visible (a start elsewhere). */
export const POLL_MS = 15_000;
/**
 * While acting, this often, visible or not: an end anywhere (Exit in another tab, revocation, a change of
 * eligibility) must show in every tab within 2 s. Reading status is not activity, so it never
 * keeps an idle session alive.
 */
export const ACTING_POLL_MS = 1_000;
/** Read status this long after the session should have ended, so the server agrees it has. */
const AFTER_END_MS = 500;

/**
 * Runs `refresh` when the admin comes back to the tab (focus, visibility, back-forward cache),
 * periodically while the tab is visible, and just after the session's end. Call `endsAt` after
 * every status with the local time the session ends (or undefined when not acting).
 */
export function statusRefresh(refresh: () => void) {
  let endTimer: ReturnType<typeof setTimeout> | undefined;
  let acting = false;
  let last = 0;
  const onVisible = () => {
    if (document.visibilityState === 'visible') refresh();
  };
  addEventListener('focus', refresh);
  addEventListener('pageshow', (e) => e.persisted && refresh());
  document.addEventListener('visibilitychange', onVisible);
  setInterval(() => {
    // While acting, hidden tabs too: their timers are slowed anyway, and coming back checks at once.
    if ((!acting && document.visibilityState !== 'visible') || Date.now() - last < (acting ? ACTING_POLL_MS : POLL_MS) - 50) return;
    last = Date.now();
    refresh();
  }, ACTING_POLL_MS);

  return {
    endsAt(localTime: number | undefined) {
      acting = localTime !== undefined;
      clearTimeout(endTimer);
      endTimer = localTime === undefined ? undefined : setTimeout(refresh, Math.max(0, localTime - Date.now()) + AFTER_END_MS);
    },
  };
}
