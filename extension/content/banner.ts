import { BANNER, formatTimeLeft } from '../../shared/banner.js';
import type { AboutName } from '../../shared/text.js';
import type { BannerProbe } from '../lib/index.js';
import { pagePadding } from './page-padding.js';

/** What the banner shows. Every value is set as text, never parsed as HTML, and isolated in a `<bdi>`. */
export interface BannerView {
  subjectName: string;
  reason: string;
  ticket?: string;
  readOnly: boolean;
  /** Hard end of the session, in server time (epoch ms). */
  expiresAt: number;
  /** Server clock minus local clock, ms. */
  clockOffset: number;
  /** The session has ended since this page loaded. */
  ended?: boolean;
}

/** Marks `<html>` while the extension draws the banner, so the host's server-rendered one steps aside. */
export const EXTENSION_MARKER = 'data-onbehalf-extension';

// The host is a plain <div>: a page can register custom elements of any name, but never
// redefine a built-in one, so no page constructor runs when it is created. It is a manual
// popover, shown in the top layer: <html>-level clip-path, transform, filter and opacity and
// every z-index of the page stay below it. Its look is set twice with !important: inline (beats
// every page style sheet) and as `:host` in the closed shadow root (an inner context wins over
// the page for important declarations, and it also covers the host's ::before / ::after).
const HOST_DECLARATIONS = [
  'all: initial',
  'display: block',
  'position: fixed',
  'inset: auto 0 0 0',
  'margin: 0',
  'padding: 0',
  'border: 0',
  'width: auto',
  'height: auto',
  'max-width: none',
  'max-height: none',
  'overflow: visible',
  'z-index: 2147483647',
  'visibility: visible',
  'opacity: 1',
  'transform: none',
  'filter: none',
  'clip-path: none',
  'pointer-events: auto',
  'content-visibility: visible',
].map((d) => `${d} !important`);

/** Inline style of the host; `zoom` undoes a zoom the page puts on `<html>`. */
const hostStyle = (zoom: number) => [...HOST_DECLARATIONS, `zoom: ${zoom} !important`].join('; ');

const { colors } = BANNER;
const SHADOW_CSS = `
:host { ${HOST_DECLARATIONS.join('; ')} }
:host::before, :host::after, :host::backdrop { content: none !important; display: none !important; }
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

/** `sentence` about `name`, the name in a `<bdi>`: right-to-left text in it cannot reorder the words around it. */
const aboutName = (sentence: AboutName, name: string) => [sentence.before, el('bdi', undefined, name), sentence.after];

/** The parts of one drawn banner (a new one is drawn whenever the page removes or hides it). */
function draw(onButton: () => void, zoom: number) {
  const host = document.createElement('div');
  host.setAttribute('style', hostStyle(zoom));
  host.setAttribute('popover', 'manual');
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
  const reason = el('bdi', 'reason');
  reasonLine.append(el('span', 'label', `${BANNER.reasonLabel}: `), reason);
  const ticket = el('span', 'ticket');
  const timeLine = el('span', 'time-line');
  const timeLeft = el('span', 'time');
  timeLine.append(el('span', 'label', `${BANNER.timeLeftLabel}: `), timeLeft);
  meta.append(reasonLine, ticket, el('br'), timeLine);

  const error = el('span', 'error');
  error.setAttribute('role', 'status');
  error.hidden = true;
  msg.append(error);

  const button = el('button', undefined, BANNER.exitLabel);
  button.type = 'button';
  button.addEventListener('click', onButton);

  bar.append(msg, meta, button);
  root.append(style, bar);
  return { host, zoom, bar, title, detail, readOnly, meta, reason, ticket, timeLeft, button, error };
}
type Drawn = ReturnType<typeof draw>;

/** `<html>`'s zoom, which scales the top layer too (1 when the page sets none). */
function pageZoom(): number {
  const z = parseFloat(getComputedStyle(document.documentElement).zoom);
  return Number.isFinite(z) && z > 0 ? z : 1;
}

/**
 * Where the banner must live: the topmost open modal dialog makes everything outside it inert
 * (no clicks, no focus), so while one is open the banner goes inside it; otherwise `<html>`.
 */
function container(): Element {
  const modals = [...document.querySelectorAll('dialog')].filter((d) => d.matches(':modal'));
  return modals[modals.length - 1] ?? document.documentElement;
}

const MIN_HEIGHT = 24;

function isIntact(d: Drawn): boolean {
  const { host } = d;
  if (!host.isConnected || host.parentNode !== container()) return false;
  if (host.attributes.length !== 2 || host.getAttribute('style') !== hostStyle(d.zoom) || host.getAttribute('popover') !== 'manual') return false;
  if (!host.matches(':popover-open') || Math.abs(d.zoom * pageZoom() - 1) > 0.01) return false;
  // The host's own style, not its ancestors': <html>'s opacity does not reach the top layer.
  const cs = getComputedStyle(host);
  if (cs.display !== 'block' || cs.visibility !== 'visible' || cs.opacity !== '1') return false;
  const r = d.bar.getBoundingClientRect();
  return r.height >= MIN_HEIGHT && r.width >= innerWidth * 0.9 && r.bottom <= innerHeight + 1 && r.top >= 0;
}

/** Whether something of the page's is drawn over the banner (its button or its title). */
function isCovered(d: Drawn): boolean {
  return [d.button, d.title].some((part) => {
    const r = part.getBoundingClientRect();
    const hit = document.elementFromPoint(r.left + r.width / 2, r.top + r.height / 2);
    return hit !== d.host;
  });
}

/** Puts the banner last in the top layer, above whatever the page put there since. */
function raise(d: Drawn) {
  try {
    d.host.hidePopover();
    d.host.showPopover();
  } catch {
    // Not connected any more: the next check draws a new one.
  }
}

/**
 * The warning banner (W8 in docs/requirements.md): yellow, fixed at the bottom, in a closed shadow root in the top
 * layer, with both W8 messages, the reason, a countdown and Exit; after the session ends, it says
 * so until the page is reloaded. `ensure()` puts it back if the page removed, moved, restyled or
 * covered it, or opened a modal dialog.
 */
export function createBanner(onExit: () => void) {
  let view: BannerView | undefined;
  let drawn: Drawn | undefined;
  let busy = false;
  let errorText = '';
  let tick: ReturnType<typeof setInterval> | undefined;
  const padding = pagePadding();

  function fill(d: Drawn, v: BannerView) {
    d.title.replaceChildren(...aboutName(v.ended ? BANNER.ended : BANNER.title, v.subjectName));
    d.detail.replaceChildren(...(v.ended ? [BANNER.endedDetail] : aboutName(BANNER.detail, v.subjectName)));
    d.readOnly.hidden = v.ended === true || !v.readOnly;
    d.meta.hidden = v.ended === true;
    d.reason.textContent = v.reason;
    // The ticket before the countdown: both are read with the reason, the countdown changes.
    d.ticket.replaceChildren(...(v.ticket ? [` · ${BANNER.ticketLabel}: `, el('bdi', undefined, v.ticket)] : []));
    d.timeLeft.textContent = formatTimeLeft(v.expiresAt - (Date.now() + v.clockOffset));
    const label = v.ended ? BANNER.reloadLabel : BANNER.exitLabel;
    d.button.disabled = busy;
    d.button.textContent = busy ? `${label}…` : label;
    d.error.textContent = errorText;
    d.error.hidden = !errorText;
  }

  function unmount() {
    drawn?.host.remove();
    drawn = undefined;
    padding.clear();
    document.documentElement?.removeAttribute(EXTENSION_MARKER);
  }

  function ensure() {
    if (!view) return unmount();
    if (!document.documentElement) return;
    if (drawn && !isIntact(drawn)) unmount();
    if (!drawn) {
      drawn = draw(() => (view?.ended ? location.reload() : onExit()), 1 / pageZoom());
      fill(drawn, view);
      // First in its container, so it is first in the keyboard's Tab order too.
      container().prepend(drawn.host);
      raise(drawn);
    } else if (isCovered(drawn)) {
      raise(drawn);
    }
    document.documentElement.setAttribute(EXTENSION_MARKER, '');
    padding.set(Math.ceil(drawn.bar.getBoundingClientRect().height), drawn.host);
  }

  return {
    /** Show (or update) the banner for a session; `undefined` removes it. */
    render(next: BannerView | undefined) {
      view = next;
      errorText = '';
      busy = false;
      if (view && !view.ended && !tick) tick = setInterval(() => view && drawn && fill(drawn, view), 1000);
      if ((!view || view.ended) && tick) {
        clearInterval(tick);
        tick = undefined;
      }
      if (drawn && view) fill(drawn, view);
      ensure();
    },
    /** The session shown has ended: say so (until the page is reloaded) instead of warning. */
    ended() {
      if (view && !view.ended) this.render({ ...view, ended: true });
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
      if (!drawn) return { mounted: false, text: '', exit: null, onTop: false };
      const r = drawn.button.getBoundingClientRect();
      return {
        mounted: true,
        text: drawn.bar.innerText.replace(/\s+/g, ' ').trim(),
        exit: { x: r.x, y: r.y, width: r.width, height: r.height },
        onTop: !isCovered(drawn),
      };
    },
  };
}
export type Banner = ReturnType<typeof createBanner>;
