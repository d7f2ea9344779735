import express, { type Request, type Response, type Router } from 'express';
import { ACCESS_TOKEN_TYPE, TOKEN_EXCHANGE_GRANT, tokenRequestSchema, type TokenResponse } from '../../shared/index.js';
import type { CsrfProtection } from './csrf.js';
import { OnBehalfError, postOnly, sendError } from '../http/index.js';
import type { ActingTokenIssuer } from './types.js';

/** How long verifiers may cache the key set: short enough that a rotation is seen within minutes. */
const JWKS_MAX_AGE_S = 300;

/**
 * `POST /token`: an RFC 8693 token exchange for the acting session this request belongs to (the
 * session is the subject token, the actor comes from the server-side record). `GET /jwks.json`:
 * the public keys verifiers fetch. Errors are always JSON, form posts included: RFC 8693 (§2.2.2) says so, the caller is a script.
 */
export function tokenRoutes(tokens: ActingTokenIssuer, csrf: CsrfProtection, now: () => number): Router {
  const router = express.Router();
  const jwks = JSON.stringify(tokens.jwks);

  router.get('/jwks.json', (_req, res) => {
    res.set('Cache-Control', `public, max-age=${JWKS_MAX_AGE_S}`).type('application/jwk-set+json').send(jwks);
  });

  router.post('/token', csrf.check, (req: Request, res: Response) => {
    void exchange(req, res).catch((err: unknown) => {
      sendError(req, res, err instanceof OnBehalfError ? err : new OnBehalfError('INTERNAL', 'No token was issued.'), { as: 'json' });
    });
  });

  router.all('/token', postOnly);

  async function exchange(req: Request, res: Response) {
    res.set('Cache-Control', 'no-store').set('Pragma', 'no-cache');
    const ctx = req.onBehalf!;
    if (!ctx.active) throw new OnBehalfError('NOT_ACTING', 'Tokens are only issued while working on behalf of a user.');
    const parsed = tokenRequestSchema.safeParse(req.body ?? {});
    if (!parsed.success) throw new OnBehalfError('BAD_REQUEST', parsed.error.issues[0].message);
    if (parsed.data.grant_type !== TOKEN_EXCHANGE_GRANT) throw new OnBehalfError('UNSUPPORTED_GRANT_TYPE', `grant_type must be ${TOKEN_EXCHANGE_GRANT}.`);
    const issued = await tokens.issue(ctx, { audience: parsed.data.audience, req });
    const body: TokenResponse = {
      access_token: issued.token,
      issued_token_type: ACCESS_TOKEN_TYPE,
      token_type: 'Bearer',
      expires_in: Math.max(0, Math.floor((issued.expiresAt - now()) / 1000)),
    };
    res.json(body);
  }
  return router;
}
