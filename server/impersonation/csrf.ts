import { csrfSync } from 'csrf-sync';
import type { NextFunction, Request, Response } from 'express';
import { escapeHtml, isForm, OnBehalfError, sendError } from '../http/index.js';
import type { ResolvedOptions } from './options.js';

/**
 * Whether a browser request comes from this same origin, by the browser's own word
 * (Sec-Fetch-Site, Origin), which a page can't forge. A request without either is not a
 * browser's cross-site request; the CSRF token still has to match.
 */
export function isSameOrigin(req: Request, trustedOrigins: readonly string[] = []): boolean {
  const site = req.get('sec-fetch-site');
  if (site && site !== 'same-origin' && site !== 'none') return false;
  const origin = req.get('origin');
  if (origin === undefined) return true;
  // Browsers send "Origin: null" on form posts under Referrer-Policy: no-referrer (helmet's
  // default); Sec-Fetch-Site then says whether it is same-origin.
  if (origin === 'null') return site === 'same-origin';
  return trustedOrigins.includes(origin) || origin === `${req.protocol}://${req.get('host')}`;
}

/**
 * The CSRF token a request carries: onbehalf's own header `X-OnBehalf-CSRF` or form field
 * `_onbehalf_csrf` first (so a host CSRF middleware that reads `X-CSRF-Token` / `_csrf` can check
 * its own token in the same request), else header `X-CSRF-Token`, or form field `_csrf`.
 */
export function csrfTokenFromRequest(req: Request): string | undefined {
  const body = req.body as Record<string, unknown> | undefined;
  const own = req.get('x-onbehalf-csrf') ?? body?._onbehalf_csrf;
  if (typeof own === 'string' && own) return own;
  const header = req.get('x-csrf-token');
  if (header) return header;
  return typeof body?._csrf === 'string' ? body._csrf : undefined;
}

/**
 * The host's own CSRF token for this request, when a CSRF middleware of the host (csurf,
 * csrf-csrf, csrf-sync, lusca: they all set `req.csrfToken()`) ran before onbehalf.
 */
export function hostCsrfToken(req: Request): string | undefined {
  const make = (req as { csrfToken?: unknown }).csrfToken;
  if (typeof make !== 'function') return undefined;
  try {
    const token: unknown = make.call(req);
    return typeof token === 'string' ? token : undefined;
  } catch {
    return undefined;
  }
}

/**
 * 256 random bits. csrf-sync's default (128 bytes, 256 hex characters) is far more than a token
 * needs, and express-session hashes the whole session, token included, on every request.
 */
const CSRF_TOKEN_BYTES = 32;

/**
 * Pass to the host's own `csrfSync(csrfSyncOptions)`: its forms then share one token per session
 * with onbehalf's API and the banner's Exit (the same session key, header and form field).
 */
export const csrfSyncOptions = { getTokenFromRequest: csrfTokenFromRequest, size: CSRF_TOKEN_BYTES } as const;

/**
 * Two independent CSRF defences on every state-changing call: the browser's own word on where
 * the request comes from, and a synchroniser token kept in the session (csrf-sync).
 */
export function csrfProtection(o: ResolvedOptions) {
  const sync = csrfSync(csrfSyncOptions);
  const token = (req: Request) => sync.generateToken(req);
  return {
    /** The session's token, created on first use. */
    token,
    /** The session's token if it has one already (reading it changes nothing). */
    existing: (req: Request): string | undefined => req.session?.csrfToken ?? undefined,
    /**
     * Hidden fields for a form that posts to onbehalf: its own token, and in `_csrf` the host's
     * token when the host's CSRF middleware runs first (it checks `_csrf`), else onbehalf's again.
     */
    fields(req: Request): string {
      const own = escapeHtml(token(req));
      return `<input type="hidden" name="_onbehalf_csrf" value="${own}"><input type="hidden" name="_csrf" value="${escapeHtml(hostCsrfToken(req) ?? token(req))}">`;
    },
    /** A fresh token (after the session id rotated). */
    renew: (req: Request) => sync.generateToken(req, true),
    check(req: Request, res: Response, next: NextFunction) {
      if (!isSameOrigin(req, o.trustedOrigins)) return sendError(req, res, new OnBehalfError('CSRF', 'Cross-origin requests are refused.'));
      // A client with no cookie at all is nobody: every post here refuses it anyway, so say why (its status
      // read gave it no token, so as not to store a session per anonymous read). A stale cookie still gets CSRF.
      if (req.get('cookie') === undefined && !req.onBehalf?.active && req.onBehalf?.userId === undefined) return sendError(req, res, new OnBehalfError('NOT_SIGNED_IN', 'Sign in first.'));
      if (!sync.isRequestValid(req)) {
        // A form is typically a page left open while the session changed in another tab.
        const message = isForm(req) ? 'This page was out of date, so nothing was changed. Go back, reload it and try again.' : 'Missing or invalid CSRF token.';
        return sendError(req, res, new OnBehalfError('CSRF', message));
      }
      next();
    },
  };
}
export type CsrfProtection = ReturnType<typeof csrfProtection>;
