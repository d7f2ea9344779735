import { randomUUID } from 'node:crypto';
import type { Request } from 'express';
import { SignJWT } from 'jose';
import { ACTING_TOKEN_TYP, optionError } from '../../shared/index.js';
import { OnBehalfError } from '../http/index.js';
import type { Acting, ActClaim, ActingTokenIssuer } from '../impersonation/types.js';
import { actClaim, actingClaims, actorChainProblem } from './claims.js';
import { tokenKeys, type TokenKeyConfig } from './keys.js';

/** Options of `actingTokens()`. */
export interface ActingTokensOptions {
  /** The `iss` of every token, e.g. the host app's origin. Verifiers require the same. Required. */
  issuer: string;
  /** The services tokens may be issued for (each token's `aud`); a request for any other is refused. Required. */
  audiences: string[];
  /**
   * Signing keys, from configuration (PEM or JWK). The first signs; the others stay in the JWKS
   * so their tokens keep verifying until they expire (rotation with overlap). Required.
   */
  keys: TokenKeyConfig[];
  /** Token lifetime in seconds, capped by the session's own end. Default 300 (5 minutes). */
  ttlSeconds?: number;
  /**
   * Optional: when the actor is themselves acting for someone upstream (the host's own sign-in
   * is delegated), the `act` chain to nest under the actor. The actor always stays outermost.
   */
  priorActors?: (req: Request) => ActClaim | undefined;
  /** Clock, for tests: pass the same as `onBehalf({ now })`. Default `Date.now`. */
  now?: () => number;
  /** Where a `priorActors` fault is reported (once per kind of fault). Default `console.warn`. */
  warn?: (message: string) => void;
}

/**
 * Access tokens for acting sessions, signed with an asymmetric key: pass to `onBehalf({ tokens })`.
 * Configuration errors (no key, an unreadable key, no audience) throw here, at start-up. `issue()`
 * rejects with an `OnBehalfError` (`NOT_ACTING`, `INVALID_AUDIENCE`, `EXPIRED`) when no token may be issued.
 */
export function actingTokens(options: ActingTokensOptions): ActingTokenIssuer {
  if (!options || typeof options.issuer !== 'string' || !options.issuer) throw optionError('actingTokens: `issuer` is required (e.g. the app\'s origin).');
  const audiences = options.audiences;
  if (!Array.isArray(audiences) || audiences.length === 0 || audiences.some((a) => typeof a !== 'string' || !a)) {
    throw optionError('actingTokens: `audiences` is required: the services tokens may be issued for.');
  }
  const ttlSeconds = options.ttlSeconds ?? 300;
  if (!(Number.isInteger(ttlSeconds) && ttlSeconds > 0)) throw optionError('actingTokens: ttlSeconds must be a positive whole number of seconds.');
  const keys = tokenKeys(options.keys);
  const { issuer, priorActors, now = Date.now } = options;
  const warn = options.warn ?? ((m: string) => console.warn(`[onbehalf] ${m}`));
  const allowed = new Set(audiences);
  const reported = new Set<string>();

  /** The host's prior actors for this request; a chain that throws or is malformed issues no token (503, one log line). */
  function priorChain(req: Request | undefined): ActClaim | undefined {
    if (!req || !priorActors) return undefined;
    let chain: unknown;
    let problem: string | undefined;
    try {
      chain = priorActors(req);
      if (chain !== undefined) problem = actorChainProblem(chain);
    } catch (err) {
      problem = `it threw (${err instanceof Error ? err.message : String(err)})`;
    }
    if (problem === undefined) return chain as ActClaim | undefined;
    if (!reported.has(problem)) {
      reported.add(problem);
      warn(`actingTokens: the host's priorActors returned an actor chain that can't go in a token: ${problem}; no token is issued until it is fixed.`);
    }
    throw new OnBehalfError('ACTOR_CHAIN_INVALID', 'The host application named an actor chain that cannot be put in a token; no token was issued.');
  }

  return {
    audiences: Object.freeze([...audiences]),
    jwks: keys.jwks,
    async issue(session: Acting, { audience, req }: { audience: string; req?: Request }) {
      if (!session?.active) throw new OnBehalfError('NOT_ACTING', 'Tokens are only issued while working on behalf of a user.');
      if (!allowed.has(audience)) throw new OnBehalfError('INVALID_AUDIENCE', 'No token can be issued for that audience.');
      const issuedAt = now();
      // Whole seconds, never past the session's end.
      const expiresAt = Math.min(Math.floor((issuedAt + ttlSeconds * 1000) / 1000) * 1000, Math.floor(session.expiresAt / 1000) * 1000);
      if (expiresAt <= issuedAt) throw new OnBehalfError('EXPIRED', 'The work-on-behalf session is ending; no token was issued.');
      const id = randomUUID();
      const act = actClaim(session.actor, priorChain(req));
      const claims = actingClaims(session, { issuer, audience, id, issuedAt, expiresAt, act });
      const token = await new SignJWT({ ...claims })
        .setProtectedHeader({ alg: keys.signing.alg, kid: keys.signing.kid, typ: ACTING_TOKEN_TYP })
        .sign(keys.signing.key);
      return { token, id, expiresAt };
    },
  };
}
