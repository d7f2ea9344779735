import { BANNER, formatTimeLeft } from '../../shared/banner.js';
import type { BannerProbe } from '../lib/index.js';
import { pagePadding } from './page-padding.js';
import { serverBannerShown } from './server-banner.js';

/** What the banner shows. Every value is set as text, never parsed as HTML. */
export interface BannerView {
  subjectName: string;
  reason: string;
  ticket?: string;
  readOnly: boolean;
  /** Hard end of the session, in server time (epoch ms). */
  expiresAt: number;
  /** Server clock minus local clock, ms. */
  clockOffset: number;
}

export const BANNER_TAG = 'onbehalf-banner';

// Inline !important declarations beat every page style sheet, and the host element's attributes
// are reset whenever the page touches them (see keep-visible.ts).
const HOST_STYLE = [
  'all: initial',
  'display: block',
  'position: fixed',
  'left: 0',
  'right: 0',
  'bottom: 0',
  'top: auto',
  'margin: 0',
  'z-index: 2147483647',
  'visibility: visible',
  'opacity: 1',
  'transform: none',
  'filter: none',
  'clip-path: none',
  'pointer-events: auto',
]
  .map((d) => `${d} !important`)
  .join('; ');

const { colors } = BANNER;
const SHADOW_CSS = `
.bar { box-sizing: border-box; display: flex; flex-wrap: wrap; align-items: center; gap: 6px 20px;
  padding: 10px 16px; background: ${colors.background}; color: ${colors.text};
  border-top: 3px solid ${colors.text}; font: 14px/1.4 system-ui, -apple-system, "Segoe UI", sans-serif; }
.msg { flex: 1 1 340px; min-width: 0; }
.title { display: block; font-weight: 700; font-size: 15px; }
.meta { flex: 1 1 200px; min-width: 0; overflow-wrap: anywhere; }
.label { font-weight: 700; }
.ro { display: block; font-weight: 700; }
.error { display: block; font-weight: 700; }
button { font: inherit; font-weight: 700; background: ${colors.button}; color: ${colors.buttonText};
  border: 0; border-radius: 4px; padding: 7px 20px; cursor: pointer; }
button:focus-visible { outline: 3px solid ${colors.text}; outline-offset: 2px; }
button:disabled { cursor: progress; }
[hidden] { display: none !important; }
`;

function el<K extends keyof HTMLElementTagNameMap>(tag: K, className?: string, text?: string): HTMLElementTagNameMap[K] {
  const e = document.createElement(tag);
  if (className) e.className = className;
  if (text !== undefined) e.textContent = text;
  return e;
}

/** The parts of one drawn banner (a new one is drawn whenever the page removes or hides it). */
function draw(onExit: () => void) {
  const host = document.createElement(BANNER_TAG);
  host.setAttribute('style', HOST_STYLE);
  const root = host.attachShadow({ mode: 'closed' });
  const style = el('style');
  style.textContent = SHADOW_CSS;
  const bar = el('div', 'bar');
  bar.setAttribute('lang', document.documentElement.lang || 'en');

  // The alert holds only what must be announced once; the countdown ticks outside it.
  const msg = el('div', 'msg');
  msg.setAttribute('role', 'alert');
  const title = el('strong', 'title');
  const detail = el('span', 'detail');
  const readOnly = el('span', 'ro', BANNER.readOnly);
  msg.append(title, detail, readOnly);

  const meta = el('div', 'meta');
  const reasonLine = el('span', 'reason-line');
  const reason = el('span', 'reason');
  reasonLine.append(el('span', 'label', `${BANNER.reasonLabel}: `), reason);
  const ticket = el('span', 'ticket');
  const timeLine = el('span', 'time-line');
  const timeLeft = el('span', 'time');
  timeLine.append(el('span', 'label', `${BANNER.timeLeftLabel}: `), timeLeft);
  meta.append(reasonLine, el('br'), timeLine, ticket);

  const error = el('span', 'error');
  error.setAttribute('role', 'status');
  error.hidden = true;
  msg.append(error);

  const exit = el('button', undefined, BANNER.exitLabel);
  exit.type = 'button';
  exit.addEventListener('click', onExit);

  bar.append(msg, meta, exit);
  root.append(style, bar);
  return { host, root, bar, title, detail, readOnly, reason, ticket, timeLeft, exit, error };
}
type Drawn = ReturnType<typeof draw>;

function isIntact(d: Drawn): boolean {
  const { host } = d;
  if (!host.isConnected || host.parentNode !== document.documentElement) return false;
  if (host.getAttribute('style') !== HOST_STYLE || host.attributes.length !== 1) return false;
  if (!host.checkVisibility({ opacityProperty: true, visibilityProperty: true })) return false;
  const r = d.bar.getBoundingClientRect();
  return r.height > 0 && r.bottom <= innerHeight + 1 && r.top < innerHeight;
}

/** Whether something of the page's is drawn over the Exit button. */
function isCovered(d: Drawn): boolean {
  const r = d.exit.getBoundingClientRect();
  const hit = document.elementFromPoint(r.left + r.width / 2, r.top + r.height / 2);
  return hit !== null && hit !== d.host;
}

/**
 * The warning banner (BRIEF W8): yellow, fixed at the bottom, in a closed shadow root, with
 * both W8 messages, the reason, a countdown and Exit. `ensure()` puts it back if the page
 * removed, moved, restyled or covered it, and steps aside while the host's own server-rendered
 * banner is on screen.
 */
export function createBanner(onExit: () => void) {
  let view: BannerView | undefined;
  let drawn: Drawn | undefined;
  let busy = false;
  let errorText = '';
  let tick: ReturnType<typeof setInterval> | undefined;
  const padding = pagePadding();

  function fill(d: Drawn, v: BannerView) {
    d.title.textContent = BANNER.title(v.subjectName);
    d.detail.textContent = BANNER.detail(v.subjectName);
    d.readOnly.hidden = !v.readOnly;
    d.reason.textContent = v.reason;
    d.ticket.textContent = v.ticket ? ` (${v.ticket})` : '';
    d.timeLeft.textContent = formatTimeLeft(v.expiresAt - (Date.now() + v.clockOffset));
    d.exit.disabled = busy;
    d.exit.textContent = busy ? `${BANNER.exitLabel}…` : BANNER.exitLabel;
    d.error.textContent = errorText;
    d.error.hidden = !errorText;
  }

  function unmount() {
    drawn?.host.remove();
    drawn = undefined;
    padding.clear();
  }

  function ensure() {
    if (!view) return unmount();
    if (!document.documentElement) return;
    if (serverBannerShown(view.subjectName)) return unmount();
    if (drawn && !isIntact(drawn)) unmount();
    if (!drawn) {
      drawn = draw(onExit);
      fill(drawn, view);
      document.documentElement.appendChild(drawn.host);
    } else if (isCovered(drawn) && drawn.host.nextSibling) {
      // Something later in the document paints over us at the same z-index: move to the end.
      document.documentElement.appendChild(drawn.host);
    }
    padding.set(Math.ceil(drawn.bar.getBoundingClientRect().height), drawn.host);
  }

  return {
    /** Show (or update) the banner for a session; `undefined` removes it. */
    render(next: BannerView | undefined) {
      view = next;
      errorText = '';
      busy = false;
      if (view && !tick) tick = setInterval(() => view && drawn && fill(drawn, view), 1000);
      if (!view && tick) {
        clearInterval(tick);
        tick = undefined;
      }
      if (drawn && view) fill(drawn, view);
      ensure();
    },
    ensure,
    /** Exit in progress (button disabled) or failed (message shown). */
    setExitState(state: { busy: boolean; error?: string }) {
      busy = state.busy;
      errorText = state.error ?? '';
      if (drawn && view) fill(drawn, view);
    },
    /** The host element, to watch its attributes. */
    get host(): HTMLElement | undefined {
      return drawn?.host;
    },
    probe(): BannerProbe {
      if (!drawn) return { mounted: false, text: '', exit: null };
      const r = drawn.exit.getBoundingClientRect();
      return {
        mounted: true,
        text: drawn.bar.innerText.replace(/\s+/g, ' ').trim(),
        exit: { x: r.x, y: r.y, width: r.width, height: r.height },
      };
    },
  };
}
export type Banner = ReturnType<typeof createBanner>;
