import type { Request } from 'express';
import { isSafeLocalPath } from '../../shared/text.js';

/** A body a plain HTML form sends (any of its three encodings). */
export const isForm = (req: Request) => Boolean(req.is(['application/x-www-form-urlencoded', 'multipart/form-data', 'text/plain']));

/**
 * Whether the client wants a page rather than JSON, for errors and successes alike. An `Accept`
 * that names JSON decides by its ranking (a script posting a form with `Accept: application/json`
 * gets JSON); otherwise a plain form post, or a client accepting `text/html`, gets a page.
 */
export function wantsPage(req: Request): boolean {
  const accept = req.get('accept') ?? '';
  if (/json/i.test(accept)) return req.accepts(['application/json', 'text/html']) === 'text/html';
  return isForm(req) || /text\/html/i.test(accept);
}

/** Same-origin path of the page the request came from, if the browser said. */
export function refererPath(req: Request): string | undefined {
  const ref = req.get('referer');
  if (!ref) return undefined;
  try {
    const url = new URL(ref);
    const path = url.pathname + url.search;
    return url.host === req.get('host') && isSafeLocalPath(path) ? path : undefined;
  } catch {
    return undefined;
  }
}

/** A JSON body's bytes must be UTF-8: body-parser would read invalid bytes as U+FFFD and store them (400 instead). */
const utf8 = new TextDecoder('utf-8', { fatal: true });
export function strictUtf8(_req: unknown, _res: unknown, buf: Uint8Array): void {
  utf8.decode(buf);
}
