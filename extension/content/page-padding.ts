/**
 * Makes room for the banner so it covers nothing of the page: bottom padding the height of the
 * banner (so the end of the page scrolls into view above it; the page's own padding is kept
 * and added to), and the page's own fixed footers lifted above it.
 */
export function pagePadding() {
  let applied: { body: HTMLElement; inline: string; base: string; height: number } | undefined;
  /** Fixed elements lifted above the banner, with their own inline `bottom` to restore. */
  const lifted = new Map<HTMLElement, { value: string; priority: string }>();

  function pad(height: number) {
    const body = document.body;
    if (!body) return;
    if (applied && applied.body === body && applied.height === height && body.style.getPropertyPriority('padding-bottom') === 'important') return;
    if (!applied || applied.body !== body) {
      // The page's padding from its own style sheets, read before ours is set.
      applied = { body, inline: body.style.getPropertyValue('padding-bottom'), base: getComputedStyle(body).paddingBottom || '0px', height };
    }
    applied.height = height;
    body.style.setProperty('padding-bottom', `calc(${applied.base} + ${height}px)`, 'important');
  }

  /** Finds the page's fixed elements under the banner (a few sample points) and lifts them. */
  function lift(height: number, banner: Element) {
    for (const [el] of lifted) if (el.isConnected) el.style.setProperty('bottom', `${height}px`, 'important');
    const points = [0.05, 0.5, 0.95].flatMap((fx) => [2, height / 2, height - 2].map((dy) => [innerWidth * fx, innerHeight - dy]));
    for (const [x, y] of points) {
      for (const hit of document.elementsFromPoint(x, y)) {
        if (hit === banner || hit === document.documentElement || hit === document.body) continue;
        for (let el: Element | null = hit; el && el !== document.body; el = el.parentElement) {
          if (!(el instanceof HTMLElement) || lifted.has(el)) continue;
          const cs = getComputedStyle(el);
          if (cs.position !== 'fixed' || parseFloat(cs.bottom) >= height) continue;
          lifted.set(el, { value: el.style.getPropertyValue('bottom'), priority: el.style.getPropertyPriority('bottom') });
          el.style.setProperty('bottom', `${height}px`, 'important');
        }
      }
    }
  }

  return {
    /** The banner is shown, `height` px tall. */
    set(height: number, banner: Element) {
      pad(height);
      lift(height, banner);
    },
    clear() {
      if (applied) {
        const { body, inline } = applied;
        if (inline) body.style.setProperty('padding-bottom', inline);
        else body.style.removeProperty('padding-bottom');
        applied = undefined;
      }
      for (const [el, { value, priority }] of lifted) {
        if (value) el.style.setProperty('bottom', value, priority);
        else el.style.removeProperty('bottom');
      }
      lifted.clear();
    },
  };
}
