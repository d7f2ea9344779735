import express, { type Router } from 'express';
import { CSS } from './layout.js';

/** One open Action menu at a time; a click elsewhere or Escape closes it. */
const MENUS_JS = `(() => {
  const menus = () => document.querySelectorAll('details.menu[open]');
  document.addEventListener('toggle', (e) => {
    if (!e.target.matches || !e.target.matches('details.menu') || !e.target.open) return;
    for (const m of menus()) if (m !== e.target) m.open = false;
  }, true);
  document.addEventListener('click', (e) => { for (const m of menus()) if (!m.contains(e.target)) m.open = false; });
  document.addEventListener('keydown', (e) => { if (e.key === 'Escape') for (const m of menus()) m.open = false; });
})();
`;

/**
 * Fills every `[data-eligibility-for]` with onbehalf's own answer from `GET /onbehalf/users`
 * (the rules the API enforces, W3–W5), and disables `[data-requires-eligible]` controls for
 * users who can't be worked on behalf of, showing why. Text only: never innerHTML.
 */
const ELIGIBILITY_JS = `(async () => {
  const slots = document.querySelectorAll('[data-eligibility-for]');
  if (!slots.length) return;
  let users;
  try {
    const r = await fetch('/onbehalf/users?limit=50', { headers: { accept: 'application/json' }, credentials: 'same-origin' });
    const body = await r.json();
    if (!r.ok) throw new Error((body && body.error && body.error.message) || 'unavailable');
    users = new Map(body.users.map((u) => [u.id, u]));
  } catch (e) {
    slots.forEach((s) => { s.textContent = 'Eligibility unavailable: ' + e.message; });
    return;
  }
  for (const slot of slots) {
    const u = users.get(slot.dataset.eligibilityFor);
    slot.textContent = '';
    if (!u) continue;
    slot.dataset.eligible = String(u.eligible);
    const badge = document.createElement('span');
    badge.className = 'badge ' + (u.eligible ? 'ok' : 'bad');
    badge.textContent = u.eligible ? 'Eligible' : 'Not eligible';
    slot.append(badge);
    if (!u.eligible) {
      slot.dataset.code = u.code;
      const why = document.createElement('span');
      why.className = 'why-text';
      why.textContent = ' ' + u.message;
      slot.append(why);
      if ('notice' in slot.dataset) slot.className = 'notice bad';
    }
  }
  for (const el of document.querySelectorAll('[data-requires-eligible]')) {
    const u = users.get(el.dataset.requiresEligible);
    if (!u || u.eligible) continue;
    if (el.tagName === 'A') {
      const item = document.createElement('span');
      item.className = 'disabled';
      item.setAttribute('aria-disabled', 'true');
      item.textContent = el.textContent;
      const why = document.createElement('span');
      why.className = 'why';
      why.textContent = u.message;
      item.append(why);
      el.replaceWith(item);
    } else {
      el.disabled = true;
      el.title = u.message;
    }
  }
})();
`;

/** The stylesheet and the admin pages' script (the CSP allows no inline script). */
export function assets(): Router {
  const router = express.Router();
  router.get('/assets/demo.css', (_req, res) => res.type('text/css').set('Cache-Control', 'no-cache').send(CSS));
  router.get('/assets/admin.js', (_req, res) => res.type('text/javascript').set('Cache-Control', 'no-cache').send(MENUS_JS + ELIGIBILITY_JS));
  return router;
}
