// Hostile page scripts the extension's banner must survive. Each runs as the page's own inline
// script, while the page is parsed (before the content script draws anything) and again later.
// Each leaves the page itself usable: a page that hides itself too is in docs/extension.md.

/** Runs `body` now, 1.5 s after load and every 300 ms after that. */
const repeat = (body: string) => `(() => { const f = () => { ${body} }; f(); addEventListener('load', () => setTimeout(() => { f(); setInterval(f, 300); }, 1500)); })();`;

/** Elements the page did not write: the extension's host is one of them. */
const FOREIGN = `[...document.documentElement.children, ...document.querySelectorAll('dialog > *, body > *')].filter((e) => !e.hasAttribute('data-page'))`;

export const ATTACKS: Record<string, string> = {
  // D1: the page owns every custom element name the extension might use, and the DOM methods it might call.
  'custom-elements': `for (const n of ['onbehalf-banner', 'onbehalf-host', 'onbehalf-warning', 'ob-banner']) customElements.define(n, class extends HTMLElement { constructor() { super(); this.attachShadow({ mode: 'closed' }); throw new Error('hijacked'); } });`,
  'patched-dom': `Element.prototype.attachShadow = () => { throw new Error('no'); }; HTMLElement.prototype.showPopover = () => {}; Node.prototype.appendChild = function (n) { return n; }; Element.prototype.prepend = () => {}; document.createElement = () => document.createComment('x');`,
  remove: repeat(`for (const e of ${FOREIGN}) if (e !== document.head && e !== document.body) e.remove();`),
  'hide-popover': repeat(`for (const e of document.querySelectorAll('[popover]')) { try { e.hidePopover(); } catch {} e.removeAttribute('popover'); }`),
  restyle: `document.write('<style data-page>html > :not(head):not(body), [popover], :popover-open { display: none !important; opacity: 0 !important; visibility: hidden !important; transform: scale(0) !important; zoom: 0.01 !important } html > :not(head):not(body)::before { content: ""; position: fixed; inset: 0; background: #fff; z-index: 2147483647 }</style>');`,
  'html-clip-path': repeat(`document.documentElement.style.clipPath = 'inset(0 0 160px 0)';`),
  'html-transform': repeat(`document.documentElement.style.transform = 'translateY(0)'; document.documentElement.style.height = '300vh';`),
  'html-filter': repeat(`document.documentElement.style.filter = 'blur(0)'; document.documentElement.style.height = '300vh';`),
  'html-zoom': repeat(`document.documentElement.style.zoom = '0.5';`),
  overlay: repeat(`if (!document.getElementById('cover')) document.body.insertAdjacentHTML('beforeend', '<div id="cover" data-page style="position:fixed;inset:0;z-index:2147483647;background:#fff"><button data-page>Fake Exit</button></div>');`),
  'modal-dialog': repeat(`let d = document.getElementById('modal'); if (!d) { document.body.insertAdjacentHTML('beforeend', '<dialog id="modal" data-page style="width:100vw;height:100vh;max-width:none;max-height:none;margin:0;padding:0;border:0"><p data-page>A modal of the page</p><button data-page>Fake Exit</button></dialog>'); d = document.getElementById('modal'); } if (!d.open) d.showModal();`),
  popover: repeat(`let p = document.getElementById('pop'); if (!p) { document.body.insertAdjacentHTML('beforeend', '<div id="pop" popover="manual" data-page style="position:fixed;inset:auto 0 0 0;margin:0;height:140px;width:auto;background:#ffd43b;border:0"><button data-page>Exit</button></div>'); p = document.getElementById('pop'); } p.hidePopover(); p.showPopover();`),
  'forged-banner': `addEventListener('DOMContentLoaded', () => document.body.insertAdjacentHTML('afterbegin', '<div data-onbehalf-banner="1" data-page style="position:fixed;top:0;left:0;right:0;height:60px;background:#ffd43b">You are currently working on behalf of Ashley Kim</div>'));`,
};
