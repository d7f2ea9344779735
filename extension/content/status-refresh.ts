/** Status is read again this often while the tab is visible (revocation from elsewhere). */
export const POLL_MS = 15_000;
/** Read status this long after the session should have ended, so the server agrees it has. */
const AFTER_END_MS = 500;

/**
 * Runs `refresh` when the admin comes back to the tab (focus, visibility, back-forward cache),
 * periodically while the tab is visible, and just after the session's end. Call `endsAt` after
 * every status with the local time the session ends (or undefined when not acting).
 */
export function statusRefresh(refresh: () => void) {
  let endTimer: ReturnType<typeof setTimeout> | undefined;
  const onVisible = () => {
    if (document.visibilityState === 'visible') refresh();
  };
  addEventListener('focus', refresh);
  addEventListener('pageshow', (e) => e.persisted && refresh());
  document.addEventListener('visibilitychange', onVisible);
  setInterval(() => document.visibilityState === 'visible' && refresh(), POLL_MS);

  return {
    endsAt(localTime: number | undefined) {
      clearTimeout(endTimer);
      endTimer = localTime === undefined ? undefined : setTimeout(refresh, Math.max(0, localTime - Date.now()) + AFTER_END_MS);
    },
  };
}
