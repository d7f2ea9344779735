import type { NextFunction, Request, Response } from 'express';
import { ERROR_STATUS, type ErrorCode } from 'onbehalf/client';
import { OnBehalfError } from 'onbehalf';
import { OkrError } from 'onbehalf/okr';
import { html } from './html.js';
import { page, type Viewer } from './layout.js';

/** A refusal with a typed code; `rule` names the OKR permission rule that decided, when one did. */
export class DemoError extends OnBehalfError {
  constructor(code: ErrorCode, message: string, readonly rule?: string) {
    super(code, message);
  }
}

/** JSON for API clients (a JSON body, or asking for JSON over HTML); pages for browsers and forms. */
export function wantsJson(req: Request): boolean {
  return req.is('application/json') === 'application/json' || req.accepts(['html', 'json']) === 'json';
}

/** Success of a change: JSON for API clients, a 303 back to a page for form posts. */
export function done(req: Request, res: Response, redirect: string, body: Record<string, unknown>) {
  if (wantsJson(req)) return res.json(body);
  res.redirect(303, redirect);
}

const TITLES: Partial<Record<number, string>> = { 400: 'That did not work', 401: 'Please sign in', 403: 'Not allowed', 404: 'Not found', 405: 'Not allowed', 413: 'Too large', 415: 'Unsupported', 429: 'Too many attempts', 503: 'Unavailable' };

/** Turn known failures into typed 4xx answers; anything else is a 500 with no details (and a warning). */
export function classify(err: unknown): { code: ErrorCode; message: string; rule?: string } | undefined {
  if (err instanceof DemoError) return { code: err.code, message: err.message, ...(err.rule && { rule: err.rule }) };
  if (err instanceof OnBehalfError) return { code: err.code, message: err.message };
  if (err instanceof OkrError) return { code: 'NOT_FOUND', message: 'No such OKR, team or user.' };
  const e = err as { type?: string; status?: number };
  if (e?.type === 'entity.parse.failed') return { code: 'BAD_REQUEST', message: 'The request body is not valid JSON.' };
  if (e?.type === 'entity.too.large') return { code: 'PAYLOAD_TOO_LARGE', message: 'The request body is too large.' };
  if (e?.type === 'parameters.too.many') return { code: 'PAYLOAD_TOO_LARGE', message: 'Too many form fields.' };
  if (e?.type === 'encoding.unsupported' || e?.type === 'charset.unsupported') return { code: 'UNSUPPORTED_MEDIA_TYPE', message: 'Unsupported encoding.' };
  if (typeof e?.status === 'number' && e.status >= 400 && e.status < 500) return { code: 'BAD_REQUEST', message: 'Bad request.' };
  return undefined;
}

/** Answer an error: `{ error: { code, message, rule? } }` as JSON, or a readable page. */
export function sendFailure(req: Request, res: Response, failure: { code: ErrorCode; message: string; rule?: string }, viewer?: Viewer) {
  if (res.headersSent) return;
  const status = ERROR_STATUS[failure.code];
  if (failure.code === 'METHOD_NOT_ALLOWED') res.set('Allow', 'POST');
  if (wantsJson(req)) return res.status(status).json({ error: failure });
  const body = html`<section class="card narrow" role="alert">
    <h1>${TITLES[status] ?? 'Something went wrong'}</h1>
    <p>${failure.message}</p>
    <p class="muted small">Code <code>${failure.code}</code>${failure.rule ? html` · rule <code>${failure.rule}</code>` : ''}</p>
    <p><a class="btn btn-secondary" href="${status === 401 ? '/login' : '/'}">${status === 401 ? 'Sign in' : 'Back to My OKRs'}</a></p>
  </section>`;
  res.status(status).type('html').send(page({ title: TITLES[status] ?? 'Error', viewer, body }));
}

/** The demo's error handler (last in the chain). */
export function errorHandler(options: { warn: (m: string) => void; viewer: (req: Request) => Viewer | undefined }) {
  return (err: unknown, req: Request, res: Response, _next: NextFunction) => {
    const known = classify(err);
    if (!known) options.warn(`unexpected error on ${req.method} ${req.path}: ${(err as Error)?.stack ?? String(err)}`);
    let viewer: Viewer | undefined;
    try {
      viewer = options.viewer(req);
    } catch {
      viewer = undefined;
    }
    sendFailure(req, res, known ?? { code: 'INTERNAL', message: 'Something went wrong; nothing was changed.' }, viewer);
  };
}
