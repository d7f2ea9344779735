import type { Response } from 'express';
import { beforeResponse } from './intercept.js';

/** Markup for both ends of `<body>`. */
export interface BodyMarkup {
  /** Just after `<body …>` (first in reading and Tab order); at the very start without one. */
  start?: string;
  /** Just before `</body>`; at the very end without one. */
  end?: string;
}

/** Insert markup at the start and the end of an HTML document's body. */
export function insertIntoBody(html: string, { start = '', end = '' }: BodyMarkup): string {
  const open = /<body(\s[^>]*)?>/i.exec(html);
  const at = open ? open.index + open[0].length : 0;
  const close = html.lastIndexOf('</body>');
  const withEnd = close >= at ? html.slice(0, close) + end + html.slice(close) : html + end;
  return withEnd.slice(0, at) + start + withEnd.slice(at);
}

const DOCUMENT_DESTINATIONS = new Set(['document', 'iframe', 'frame', 'embed', 'object']);

/**
 * A fragment a page's script fetched (htmx, Turbo Frames, Unpoly: `Sec-Fetch-Dest: empty`) is
 * swapped into a page that already has the markup: a second copy would land inside a table row
 * or a list, with a second `#onbehalf-banner`. Whole documents (`<html>` or `<body>`, which Turbo
 * Drive swaps in), navigations, and clients without Fetch Metadata still get it.
 */
function isScriptFragment(res: Response, html: string): boolean {
  const dest = res.req?.get('sec-fetch-dest');
  if (!dest || DOCUMENT_DESTINATIONS.has(dest.toLowerCase())) return false;
  return !/<(html|body)[\s>]/i.test(html);
}

/**
 * Put `render()`'s markup into the body of an HTML answer sent in one piece (the banner, the
 * subject's notices); a string goes at the end. JSON, compressed (Content-Encoding) and streamed
 * answers, and fragments fetched by script, pass untouched. The host's ETag and Last-Modified
 * describe the body before, so they go.
 */
export function injectIntoHtml(res: Response, render: () => string | BodyMarkup): void {
  beforeResponse(res, async ({ body }) => {
    if (!body || res.getHeader('content-encoding')) return;
    if (!String(res.getHeader('content-type') ?? '').startsWith('text/html')) return;
    const html = body.toString('utf8');
    if (isScriptFragment(res, html)) return;
    const markup = render();
    res.removeHeader('ETag');
    res.removeHeader('Last-Modified');
    return Buffer.from(insertIntoBody(html, typeof markup === 'string' ? { end: markup } : markup), 'utf8');
  });
}
