import { BANNER } from '../../shared/banner.js';

/**
 * Whether the host's own server-rendered banner for this subject is on screen, so the extension
 * need not draw a second one. A page can forge the marker attribute, so the element must also
 * say the W8 title for the right subject, be visible in the viewport, and not be covered.
 */
export function serverBannerShown(subjectName: string): boolean {
  const title = BANNER.title(subjectName);
  for (const el of document.querySelectorAll(`[${BANNER.serverMarker}]`)) {
    if (!(el instanceof HTMLElement) || !(el.textContent ?? '').includes(title)) continue;
    if (!el.checkVisibility({ opacityProperty: true, visibilityProperty: true })) continue;
    const r = el.getBoundingClientRect();
    if (r.height < 16 || r.width < 100 || r.top < 0 || r.bottom > innerHeight + 1) continue;
    const hit = document.elementFromPoint(r.left + r.width / 2, r.top + r.height / 2);
    if (hit && el.contains(hit)) return true;
  }
  return false;
}
