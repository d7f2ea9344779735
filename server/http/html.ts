import type { AboutName } from '../../shared/text.js';

/** Escape text for HTML element content and quoted attribute values. */
export function escapeHtml(value: unknown): string {
  return String(value).replace(/[&<>"'`]/g, (c) => `&#${c.charCodeAt(0)};`);
}

/**
 * User-supplied text (a name, a reason, a ticket, a path) as HTML: escaped, in a `<bdi>`, so
 * right-to-left text or bidi controls in it cannot reorder the fixed text around it.
 */
export const isolated = (text: unknown) => `<bdi>${escapeHtml(text)}</bdi>`;

/** `sentence` about `name` as HTML, the name isolated. */
export const aboutNameHtml = (sentence: AboutName, name: string) => escapeHtml(sentence.before) + isolated(name) + escapeHtml(sentence.after);
