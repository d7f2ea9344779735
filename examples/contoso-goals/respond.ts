import type { NextFunction, Request, Response } from 'express';
import type { ErrorCode } from 'onbehalf/client';
import { httpError, OnBehalfError, sendError, wantsPage } from 'onbehalf';
import { OkrError } from 'onbehalf/okr';
import { html } from './html.js';
import { page, type Viewer } from './layout.js';

/** A refusal with a typed code; `rule` names the OKR permission rule that decided, when one did. */
export class DemoError extends OnBehalfError {
  constructor(code: ErrorCode, message: string, rule?: string) {
    super(code, message, rule ? { rule } : undefined);
  }
}

/** Success of a change: a 303 back to a page for a browser that wants one (a form post), JSON for API clients. */
export function done(req: Request, res: Response, redirect: string, body: Record<string, unknown>) {
  if (wantsPage(req)) return res.redirect(303, redirect);
  res.json(body);
}

const TITLES: Partial<Record<number, string>> = { 400: 'That did not work', 401: 'Please sign in', 403: 'Not allowed', 404: 'Not found', 405: 'Not allowed', 413: 'Too large', 415: 'Unsupported', 429: 'Too many attempts', 503: 'Unavailable' };

/** The demo's own error page, in its layout (onbehalf's writer decides page or JSON, and writes the JSON). */
const errorPage = (viewer: Viewer | undefined) => (error: OnBehalfError) => {
  const rule = error.details?.rule as string | undefined;
  const body = html`<section class="card narrow" role="alert">
    <h1>${TITLES[error.status] ?? 'Something went wrong'}</h1>
    <p>${error.message}</p>
    <p class="muted small">Code <code>${error.code}</code>${rule ? html` · rule <code>${rule}</code>` : ''}</p>
    <p><a class="btn btn-secondary" href="${error.status === 401 ? '/login' : '/'}">${error.status === 401 ? 'Sign in' : 'Back to My OKRs'}</a></p>
  </section>`;
  return page({ title: TITLES[error.status] ?? 'Error', viewer, body });
};

/** Answer an error: `{ error: { code, message, rule? } }` as JSON, or a readable page. */
export function sendFailure(req: Request, res: Response, error: OnBehalfError, viewer?: Viewer) {
  if (error.code === 'METHOD_NOT_ALLOWED') res.set('Allow', 'POST');
  sendError(req, res, error, { page: errorPage(viewer) });
}

/** The demo's error handler (last in the chain): typed 4xx answers; anything else a 500 with no details (and a warning). */
export function errorHandler(options: { warn: (m: string) => void; viewer: (req: Request) => Viewer | undefined }) {
  return (err: unknown, req: Request, res: Response, _next: NextFunction) => {
    const known = err instanceof OkrError ? new OnBehalfError('NOT_FOUND', 'No such OKR, team or user.') : httpError(err);
    if (!known) options.warn(`unexpected error on ${req.method} ${req.path}: ${(err as Error)?.stack ?? String(err)}`);
    let viewer: Viewer | undefined;
    try {
      viewer = options.viewer(req);
    } catch {
      viewer = undefined;
    }
    sendFailure(req, res, known ?? new OnBehalfError('INTERNAL', 'Something went wrong; nothing was changed.'), viewer);
  };
}
