import type { Response } from 'express';
import { beforeResponse } from './intercept.js';

/**
 * Put `render()`'s markup at the end of the body of an HTML answer sent in one piece (the
 * banner, the subject's notices). JSON, compressed (Content-Encoding) and streamed answers pass untouched.
 */
export function injectIntoHtml(res: Response, render: () => string): void {
  beforeResponse(res, async ({ body }) => {
    if (!body || res.getHeader('content-encoding')) return;
    if (!String(res.getHeader('content-type') ?? '').startsWith('text/html')) return;
    const html = body.toString('utf8');
    const markup = render();
    const at = html.lastIndexOf('</body>');
    return Buffer.from(at === -1 ? html + markup : html.slice(0, at) + markup + html.slice(at), 'utf8');
  });
}
