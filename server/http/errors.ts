import type { ErrorRequestHandler, Request, Response } from 'express';
import { ERROR_STATUS, type ErrorCode } from '../../shared/errors.js';
import { escapeHtml } from './html.js';
import { refererPath, wantsPage } from './negotiate.js';

/** An error with a typed code (its status from the table in shared/errors.ts); {@link sendError} answers it. */
export class OnBehalfError extends Error {
  readonly code: ErrorCode;
  /** Extra fields of the error body, e.g. the OKR rule that decided, or how to ask for what is missing. */
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

/** body-parser's failures (express.json / urlencoded), each once, as typed errors. */
const BODY_ERRORS: Record<string, [ErrorCode, string]> = {
  'entity.verify.failed': ['BAD_REQUEST', 'The request body is not valid UTF-8.'],
  'entity.parse.failed': ['BAD_REQUEST', 'The request body is not valid JSON.'],
  'entity.too.large': ['PAYLOAD_TOO_LARGE', 'The request body is too large.'],
  'parameters.too.many': ['PAYLOAD_TOO_LARGE', 'Too many form fields.'],
  'encoding.unsupported': ['UNSUPPORTED_MEDIA_TYPE', 'Unsupported encoding.'],
  'charset.unsupported': ['UNSUPPORTED_MEDIA_TYPE', 'Unsupported encoding.'],
};

/**
 * What a failure answers: a typed error as it is, a body-parser error or any other 4xx error
 * (`err.status`) as its code; `undefined` for an unexpected failure (a bug: answer 500 `INTERNAL`).
 */
export function httpError(err: unknown): OnBehalfError | undefined {
  if (err instanceof OnBehalfError) return err;
  const e = err as { type?: unknown; status?: unknown } | null | undefined;
  const known = typeof e?.type === 'string' ? BODY_ERRORS[e.type] : undefined;
  if (known) return new OnBehalfError(...known);
  if (typeof e?.status === 'number' && e.status >= 400 && e.status < 500) return new OnBehalfError('BAD_REQUEST', 'Bad request.');
  return undefined;
}

/** How {@link sendError} answers. */
export interface SendErrorOptions {
  /** `'json'` where the protocol fixes JSON whatever the client accepts (the RFC 8693 token endpoint). */
  as?: 'json';
  /** The host's own error page, for a browser that wants a page; default a minimal page with a Back link. */
  page?: (error: OnBehalfError, req: Request) => string;
}

const defaultPage = (error: OnBehalfError, req: Request) =>
  `<!doctype html><html lang="en"><meta charset="utf-8"><title>onbehalf: ${escapeHtml(error.code)}</title>` +
  `<body style="font-family:system-ui;margin:3rem"><p role="alert">${escapeHtml(error.message)} <code>${escapeHtml(error.code)}</code></p>` +
  `<p><a href="${escapeHtml(refererPath(req) ?? '/')}">Back</a></p></body></html>`;

/**
 * The one writer of error answers: the status from the code table, then a page for a browser
 * that wants one ({@link wantsPage}: a plain form post or `Accept: text/html`), else
 * `{ "error": { "code", "message", ...details } }`. Never a stack trace; nothing once the answer started.
 */
export function sendError(req: Request, res: Response, error: OnBehalfError, options: SendErrorOptions = {}): void {
  if (res.headersSent) return;
  res.status(error.status);
  if (options.as !== 'json' && wantsPage(req)) {
    res.type('html').send((options.page ?? defaultPage)(error, req));
    return;
  }
  res.type('application/json').send(JSON.stringify({ error: { code: error.code, message: error.message, ...error.details } }));
}

/** For a path that changes state, on any method but POST: 405 with `Allow: POST`. */
export function postOnly(req: Request, res: Response): void {
  res.set('Allow', 'POST');
  sendError(req, res, new OnBehalfError('METHOD_NOT_ALLOWED', 'Use POST.'));
}

/**
 * Express error handler answering every failure through {@link sendError}: typed and
 * body-parser errors by their code, anything else as 500 `INTERNAL` without details, reported
 * through `warn` (one line, no stack).
 */
export function errorHandler(warn: (message: string) => void, options: SendErrorOptions = {}): ErrorRequestHandler {
  return (err, req, res, _next) => {
    const known = httpError(err);
    if (!known) warn(`unexpected error on ${req.method} ${req.path}: ${(err as Error)?.message ?? String(err)}`);
    sendError(req, res, known ?? new OnBehalfError('INTERNAL', 'Something went wrong; nothing was changed.'), options);
  };
}
