const ENTITIES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;', '`': '&#96;' };

/** Text safe in element content and in quoted attribute values. */
const escapeText = (value: unknown) => String(value).replace(/[&<>"'`]/g, (c) => ENTITIES[c]);

/** Markup that is already safe: only {@link html} and {@link raw} make one. */
export class Html {
  constructor(readonly value: string) {}
  toString(): string {
    return this.value;
  }
}

/** Trusted markup, e.g. a constant SVG. Never pass user data. */
export const raw = (markup: string) => new Html(markup);

function render(value: unknown): string {
  if (value instanceof Html) return value.value;
  if (Array.isArray(value)) return value.map(render).join('');
  if (value === undefined || value === null || value === false) return '';
  return escapeText(value);
}

/**
 * The demo's only way to build HTML: every interpolated value is escaped unless it is already
 * {@link Html} (a nested template); arrays are joined; undefined, null and false render nothing.
 */
export function html(strings: TemplateStringsArray, ...values: unknown[]): Html {
  let out = strings[0];
  for (let i = 0; i < values.length; i++) out += render(values[i]) + strings[i + 1];
  return new Html(out);
}
