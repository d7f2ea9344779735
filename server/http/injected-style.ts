import { escapeHtml } from './html.js';

/** Each part of some markup: the selector that finds it, and its declarations. */
export type StyleRules<Part extends string> = Record<Part, readonly [selector: string, declarations: string]>;

/**
 * How markup onbehalf puts into a host page is styled: inline `style` attributes, which no rule
 * of the page's can beat. A CSP that allows styles only by nonce blocks (and reports) every
 * `style` attribute, so under a style `nonce` (see cspNonce) the same rules come from one `<style>`
 * carrying it, by selector, and the attributes are left out.
 */
export function injectedStyle<Part extends string>(rules: StyleRules<Part>, nonce: string | undefined) {
  const all = Object.values<readonly [string, string]>(rules);
  return {
    /** The `<style>` to put before the markup; '' without a nonce. */
    sheet: nonce ? `<style nonce="${escapeHtml(nonce)}">${all.map(([selector, css]) => `${selector}{${css}}`).join('')}</style>` : '',
    /** ` style="…"` for one part; '' under a nonce. */
    attr: (part: Part) => (nonce ? '' : ` style="${escapeHtml(rules[part][1])}"`),
  };
}
