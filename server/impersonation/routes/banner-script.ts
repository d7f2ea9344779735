import { BANNER } from '../../../shared/index.js';

/** How often the server-rendered banner reads status: an end shows within 2 s. */
export const BANNER_POLL_MS = 1_000;

/**
 * The server-rendered banner's script, served same-origin from `{basePath}/banner.js` (so a
 * host's `script-src 'self'` allows it). It ticks the countdown, reads status every second and whenever the admin comes back to it, and once the session is over
 * (Exit in another tab, revocation, expiry, idle, ineligible) says so in place of the warning,
 * with a Reload button instead of a dead Exit. Exit takes a fresh CSRF token first. It steps
 * aside while the extension draws its own banner. Without it (scripts blocked) the banner still
 * shows and its Exit still works as a plain form post.
 */
export const BANNER_SCRIPT = `(() => {
  'use strict';
  const banner = document.querySelector('[${BANNER.serverMarker}]');
  if (!banner) return;
  const spacer = document.querySelector('[data-onbehalf-spacer]');
  const base = banner.getAttribute('data-base');
  const sessionId = banner.getAttribute('data-session');
  const offset = Number(banner.getAttribute('data-now')) - Date.now();
  const time = banner.querySelector('[data-expires-at]');
  const expiresAt = Number(time.getAttribute('data-expires-at'));
  const form = banner.querySelector('form');
  const token = form.querySelector('input[name="_onbehalf_csrf"]');
  const two = (n) => String(n).padStart(2, '0');
  let ended = false;

  function tick() {
    const total = Math.max(0, Math.floor((expiresAt - (Date.now() + offset)) / 1000));
    const h = Math.floor(total / 3600), m = Math.floor((total % 3600) / 60), s = total % 60;
    time.textContent = h > 0 ? h + ':' + two(m) + ':' + two(s) : m + ':' + two(s);
  }

  function stepAside() {
    const extension = document.documentElement.hasAttribute('data-onbehalf-extension');
    banner.style.display = extension ? 'none' : 'flex';
    if (spacer) spacer.style.display = extension ? 'none' : 'block';
  }

  function end() {
    if (ended) return;
    ended = true;
    const text = banner.querySelector('[data-text]');
    const title = document.createElement('strong');
    const name = document.createElement('bdi');
    name.textContent = banner.getAttribute('data-subject');
    title.append(${JSON.stringify(BANNER.ended.before)}, name, ${JSON.stringify(BANNER.ended.after)});
    text.replaceChildren(title, document.createElement('br'), ${JSON.stringify(BANNER.endedDetail)});
    const reload = document.createElement('button');
    reload.type = 'button';
    reload.id = 'onbehalf-exit';
    reload.textContent = ${JSON.stringify(BANNER.reloadLabel)};
    reload.style.cssText = form.querySelector('button').style.cssText;
    reload.addEventListener('click', () => location.reload());
    form.replaceWith(reload);
  }

  async function check() {
    if (ended) return;
    try {
      const res = await fetch(base + '/status', { cache: 'no-store', credentials: 'same-origin', headers: { Accept: 'application/json' } });
      if (!res.ok) return;
      const s = await res.json();
      if (!s.active || s.session.sessionId !== sessionId) return end();
      token.value = s.csrfToken;
    } catch (e) {
      // Unreachable for now: keep warning.
    }
  }

  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    await check();
    if (!ended) form.submit();
  });
  const visible = () => document.visibilityState === 'visible';
  document.addEventListener('visibilitychange', () => visible() && check());
  addEventListener('focus', check);
  addEventListener('pageshow', (e) => e.persisted && check());
  // Hidden tabs too (browsers slow their timers to about once a second, or once a minute after
  // a while, and coming back to the tab checks at once).
  setInterval(() => {
    if (!ended) tick();
    stepAside();
    check();
  }, ${BANNER_POLL_MS});
  tick();
  stepAside();
})();
`;
