import { csrfSync } from 'csrf-sync';
import type { NextFunction, Request, Response } from 'express';
import { sendError } from './errors.js';
import type { ResolvedOptions } from './options.js';

/**
 * Two independent CSRF defences on every state-changing call: the browser's own word on where
 * the request comes from (Origin / Sec-Fetch-Site), and a synchroniser token kept in the session
 * (csrf-sync), sent as `X-CSRF-Token` or the form field `_csrf`.
 */
export function csrfProtection(o: ResolvedOptions) {
  const sync = csrfSync({
    getTokenFromRequest: (req) => {
      const header = req.get('x-csrf-token');
      if (header) return header;
      const body = req.body as Record<string, unknown> | undefined;
      return typeof body?._csrf === 'string' ? body._csrf : undefined;
    },
  });

  function sameOrigin(req: Request): boolean {
    const site = req.get('sec-fetch-site');
    if (site && site !== 'same-origin' && site !== 'none') return false;
    const origin = req.get('origin');
    if (origin === undefined) return true; // Not a browser's cross-site request; the token still has to match.
    // Browsers send "Origin: null" on form posts under Referrer-Policy: no-referrer (helmet's
    // default); Sec-Fetch-Site, which a page can't forge, then says whether it is same-origin.
    if (origin === 'null') return site === 'same-origin';
    if (o.trustedOrigins.includes(origin)) return true;
    return origin === `${req.protocol}://${req.get('host')}`;
  }

  return {
    /** The session's token, created on first use. */
    token: (req: Request) => sync.generateToken(req),
    /** A fresh token (after the session id rotated). */
    renew: (req: Request) => sync.generateToken(req, true),
    check(req: Request, res: Response, next: NextFunction) {
      if (!sameOrigin(req)) return sendError(res, 'CSRF', 'Cross-origin requests are refused.');
      if (!sync.isRequestValid(req)) return sendError(res, 'CSRF', 'Missing or invalid CSRF token.');
      next();
    },
  };
}
export type CsrfProtection = ReturnType<typeof csrfProtection>;
