import type { Request, Response } from 'express';
import { ERROR_STATUS, isSafeLocalPath, type ErrorCode } from '../../shared/index.js';
import { escapeHtml } from './html.js';

/** An error with a typed code; the HTTP layer turns it into `{ error: { code, message } }`. */
export class OnBehalfError extends Error {
  readonly code: ErrorCode;
  /** Extra fields of the error body, e.g. how to ask for what is missing. */
  readonly details?: Record<string, unknown>;
  constructor(code: ErrorCode, message: string, details?: Record<string, unknown>) {
    super(message);
    this.name = 'OnBehalfError';
    this.code = code;
    if (details) this.details = details;
  }
  get status(): number {
    return ERROR_STATUS[this.code];
  }
}

/** Answer with the JSON error body every onbehalf error uses. */
export function sendError(res: Response, code: ErrorCode, message: string, extra?: Record<string, unknown>): void {
  if (res.headersSent) return;
  res.status(ERROR_STATUS[code]).type('application/json').send(JSON.stringify({ error: { code, message, ...extra } }));
}

/** A body a plain HTML form sends (any of its three encodings). */
export const isForm = (req: Request) => Boolean(req.is(['application/x-www-form-urlencoded', 'multipart/form-data', 'text/plain']));

/**
 * Whether the client wants a page rather than JSON. An `Accept` that names JSON decides by its
 * ranking; otherwise a plain form post, or a client accepting `text/html`, gets a page.
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

/** A typed error: a readable page for a browser that wants one (see {@link wantsPage}), the JSON body otherwise. */
export function respondError(req: Request, res: Response, code: ErrorCode, message: string, extra?: Record<string, unknown>): void {
  if (!wantsPage(req) || res.headersSent) return sendError(res, code, message, extra);
  res
    .status(ERROR_STATUS[code])
    .type('html')
    .send(
      `<!doctype html><html lang="en"><meta charset="utf-8"><title>onbehalf: ${escapeHtml(code)}</title>` +
        `<body style="font-family:system-ui;margin:3rem"><p role="alert">${escapeHtml(message)} <code>${escapeHtml(code)}</code></p>` +
        `<p><a href="${escapeHtml(refererPath(req) ?? '/')}">Back</a></p></body></html>`,
    );
}
