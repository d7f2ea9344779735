import { randomUUID } from 'node:crypto';
import type { NextFunction, Request, RequestHandler, Response } from 'express';
import { createLocalJWKSet, createRemoteJWKSet, errors, jwtVerify, type JSONWebKeySet, type JWTVerifyGetKey } from 'jose';
import { ACTING_TOKEN_TYP, optionError, type AuditEvent } from '../../shared/index.js';
import { beforeResponse, OnBehalfError, sendError } from '../http/index.js';
import { andThen, isThenable, type Maybe } from '../impersonation/maybe.js';
import { pendingAudit } from '../impersonation/pending-audit.js';
import type { Acting, AuditSink, ImpersonationRecord } from '../impersonation/types.js';
import { actingFromClaims } from './claims.js';
import { TOKEN_ALGORITHMS } from './keys.js';

/** Where a verifier checks that a token's session is still live: the host's own store, shared (e.g. `redisStore()`). */
export interface LiveSessions {
  get(id: string): Maybe<Pick<ImpersonationRecord, 'actorId' | 'subjectId' | 'expiresAt'> | undefined>;
}

/** Options of `verifyActingTokens()`. */
export interface VerifyActingTokensOptions {
  /** The issuing app's `iss` (as passed to `actingTokens({ issuer })`). Required. */
  issuer: string;
  /** This service's audience: tokens for any other are refused. Required. */
  audience: string;
  /**
   * The issuer's public keys: its JWKS URL (`https://app.example/onbehalf/jwks.json`, fetched and
   * cached; an unknown `kid` refetches it at most every 30 s) or a JWK Set. Required.
   */
  jwks: string | URL | JSONWebKeySet;
  /**
   * Where revocation is seen: the host's impersonation store, shared (`redisStore({ client })`, with
   * `cacheTtlMs` for no round trip per request). Every request checks its session is still live,
   * so an exit, revoke or expiry on the host stops its tokens here at once. `false` opts out: a
   * token then works until its own `exp` (5 minutes by default), whatever happens to its session. Required.
   */
  sessions: LiveSessions | false;
  /**
   * Where writes made with a token are audited, as the app audits acting writes: an `action`
   * event (actor, subject, the token's id) before the handler runs, refused with 503 when the
   * sink can't take it, and an `outcome` with the status before the answer leaves. Required.
   */
  audit: AuditSink;
  /** Allowed clock difference with the issuer, in seconds (`exp`, and `iat` in the future). Default 5. */
  clockToleranceSeconds?: number;
  /** Tokens issued longer ago than this are refused, whatever their `exp`. Default 3600. */
  maxTokenAgeSeconds?: number;
  /**
   * How many verified tokens to remember until their `exp`, sparing a signature check on every
   * request (the session is still checked every time). Default 10 000; 0 verifies every time.
   */
  remember?: number;
  /** Let requests without an `Authorization` header through untouched (another auth may serve them). Default false: 401. */
  optional?: boolean;
  /** Clock, for tests. Default `Date.now`. */
  now?: () => number;
  /** Where an outcome the audit could not take (kept, written later) is reported. Default `console.warn`. */
  warn?: (message: string) => void;
}

/** Far above any acting token (under 1 kB): a longer one is refused before any parsing. */
export const MAX_TOKEN_LENGTH = 4096;
const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);
const BEARER = /^bearer +([^\s]+) *$/i;

/** What each jose failure tells the caller (never its internals). */
function refusalOf(err: unknown, remoteKeys: boolean): OnBehalfError {
  if (err instanceof errors.JWTExpired) return new OnBehalfError('TOKEN_EXPIRED', 'The token has expired: get a new one.');
  if (err instanceof errors.JWKSTimeout || err instanceof errors.JWKSInvalid) return new OnBehalfError('KEYS_UNAVAILABLE', "The issuer's keys could not be read; try again shortly.");
  if (err instanceof errors.JWKSNoMatchingKey) return new OnBehalfError('INVALID_TOKEN', 'The token was signed with an unknown key.');
  if (err instanceof errors.JOSEError) return new OnBehalfError('INVALID_TOKEN', 'The token is not valid.');
  // Not jose's own verdict: with a remote key set, the fetch itself failed.
  return remoteKeys ? new OnBehalfError('KEYS_UNAVAILABLE', "The issuer's keys could not be read; try again shortly.") : new OnBehalfError('INVALID_TOKEN', 'The token is not valid.');
}

/**
 * For an API service with no session of its own: verifies acting tokens (`Authorization: Bearer`)
 * and serves each request as the token's subject, with the same read-only `req.onBehalf` the host
 * app's handlers see. Every refusal is a 401 (403 for a write with a read-only token) with the
 * JSON error body, never a 500.
 */
export function verifyActingTokens(options: VerifyActingTokensOptions): RequestHandler {
  const { issuer, audience, jwks, sessions, audit, optional = false, now = Date.now, warn = (m: string) => console.warn(`[onbehalf] ${m}`) } = options ?? ({} as VerifyActingTokensOptions);
  if (typeof issuer !== 'string' || !issuer) throw optionError('verifyActingTokens: `issuer` is required.');
  if (typeof audience !== 'string' || !audience) throw optionError('verifyActingTokens: `audience` (this service) is required.');
  if (!jwks) throw optionError('verifyActingTokens: `jwks` (the issuer\'s JWKS URL or a JWK Set) is required.');
  if (sessions !== false && typeof sessions?.get !== 'function') {
    throw optionError('verifyActingTokens: `sessions` is required: the shared impersonation store (e.g. redisStore()), or false to let tokens live until their exp.');
  }
  if (typeof audit?.write !== 'function') throw optionError('verifyActingTokens: `audit` is required: writes made with a token are audited.');
  const clockTolerance = options.clockToleranceSeconds ?? 5;
  const maxTokenAge = options.maxTokenAgeSeconds ?? 3600;
  const capacity = options.remember ?? 10_000;

  const remoteKeys = typeof jwks === 'string' || jwks instanceof URL;
  const keySet: JWTVerifyGetKey = remoteKeys
    ? createRemoteJWKSet(new URL(String(jwks)), { cacheMaxAge: 10 * 60_000, cooldownDuration: 30_000, timeoutDuration: 5_000 })
    : createLocalJWKSet(jwks as JSONWebKeySet);

  // Token text → what it verified to. Keyed by the whole token, signature included.
  const remembered = new Map<string, Readonly<Acting>>();
  function keep(token: string, acting: Readonly<Acting>) {
    if (capacity <= 0) return;
    if (remembered.size >= capacity) {
      const at = now();
      for (const [t, a] of remembered) if (at >= a.token!.expiresAt) remembered.delete(t);
      if (remembered.size >= capacity) remembered.clear();
    }
    remembered.set(token, acting);
  }

  async function verify(token: string): Promise<Readonly<Acting>> {
    let payload: unknown;
    try {
      ({ payload } = await jwtVerify(token, keySet, {
        issuer,
        audience,
        typ: ACTING_TOKEN_TYP,
        algorithms: [...TOKEN_ALGORITHMS],
        clockTolerance,
        maxTokenAge,
        requiredClaims: ['iat', 'exp', 'jti', 'sub', 'sid', 'act'],
        currentDate: new Date(now()),
      }));
    } catch (err) {
      throw refusalOf(err, remoteKeys);
    }
    // A single `aud` string only: a token meant for several services is not one of ours.
    const acting = typeof (payload as { aud?: unknown }).aud === 'string' ? actingFromClaims(payload) : undefined;
    if (!acting) throw new OnBehalfError('INVALID_TOKEN', 'The token does not describe a work-on-behalf session.');
    keep(token, acting);
    return acting;
  }

  /** Whether the token's session is still live on the host: ended (exit, revoke, expiry) means refused. */
  function live(acting: Readonly<Acting>): Maybe<OnBehalfError | null> {
    if (!sessions) return null;
    return andThen(sessions.get(acting.sessionId), (r) =>
      r && String(r.subjectId) === acting.userId && String(r.actorId) === String(acting.actor.id) && now() < r.expiresAt
        ? null
        : new OnBehalfError('TOKEN_REVOKED', 'The work-on-behalf session of this token has ended.'),
    );
  }

  function refuse(req: Request, res: Response, r: OnBehalfError) {
    if (r.code === 'INVALID_TOKEN' || r.code === 'TOKEN_EXPIRED' || r.code === 'TOKEN_REVOKED') {
      res.set('WWW-Authenticate', `Bearer error="invalid_token"`);
    }
    res.set('Cache-Control', 'no-store');
    sendError(req, res, r);
  }

  const pending = pendingAudit((e) => audit.write(e), warn);
  /** After whatever was kept, so the sink sees events in order. */
  const record = (e: AuditEvent) => (pending.size ? pending.flush().then(() => audit.write(e)) : audit.write(e));

  function serve(req: Request, res: Response, next: NextFunction, acting: Readonly<Acting>) {
    const write = !SAFE_METHODS.has(req.method);
    if (write && acting.readOnly) return sendError(req, res, new OnBehalfError('READ_ONLY', 'This session is read-only: changes are refused.'));
    Object.defineProperty(req, 'onBehalf', { value: acting, enumerable: true, writable: false, configurable: false });
    if (!write) return next();
    // Like the app's acting writes: the action is on the record before the handler runs, its outcome before the answer leaves.
    const fields: Partial<AuditEvent> = {
      actor: acting.actor,
      subject: acting.subject,
      reason: acting.reason,
      ticket: acting.ticket,
      sessionId: acting.sessionId,
      readOnly: acting.readOnly,
      method: req.method,
      path: req.originalUrl.slice(0, 2048),
      tokenId: acting.token!.id,
    };
    const action = auditEvent('action', req, fields);
    record(action).then(
      () => {
        beforeResponse(res, () => {
          const outcome = auditEvent('outcome', req, { ...fields, actionId: action.id, status: res.statusCode });
          return record(outcome).catch((err) => pending.keep(outcome, err));
        });
        next();
      },
      () => sendError(req, res, new OnBehalfError('AUDIT_UNAVAILABLE', 'The audit could not be written, so nothing was changed.')),
    );
  }

  function auditEvent(type: AuditEvent['type'], req: Request, fields: Partial<AuditEvent>): AuditEvent {
    return { id: randomUUID(), time: new Date(now()).toISOString(), type, ip: req.ip, userAgent: req.get('user-agent')?.slice(0, 512), ...fields };
  }

  const storeDown = new OnBehalfError('STORE_UNAVAILABLE', 'Session state is unavailable; try again shortly.');
  /** After the token checked out: the session, then the handler. Synchronous when the store answers synchronously. */
  function checked(req: Request, res: Response, next: NextFunction, acting: Readonly<Acting>) {
    if (now() >= acting.token!.expiresAt + clockTolerance * 1000) {
      return refuse(req, res, new OnBehalfError('TOKEN_EXPIRED', 'The token has expired: get a new one.'));
    }
    let state: Maybe<OnBehalfError | null>;
    try {
      state = live(acting);
    } catch {
      return refuse(req, res, storeDown);
    }
    const then = (r: OnBehalfError | null) => (r ? refuse(req, res, r) : serve(req, res, next, acting));
    if (isThenable(state)) return void state.then(then, () => refuse(req, res, storeDown));
    then(state);
  }

  return function onBehalfTokens(req: Request, res: Response, next: NextFunction) {
    const header = req.headers.authorization;
    if (header === undefined) {
      if (optional) return next();
      return refuse(req, res, new OnBehalfError('INVALID_TOKEN', 'An acting token is required (Authorization: Bearer).'));
    }
    if (header.length > MAX_TOKEN_LENGTH + 16) return refuse(req, res, new OnBehalfError('INVALID_TOKEN', 'The token is too large.'));
    const token = BEARER.exec(header)?.[1];
    if (!token) return refuse(req, res, new OnBehalfError('INVALID_TOKEN', 'Authorization must be "Bearer <token>".'));
    const known = remembered.get(token);
    if (known) return checked(req, res, next, known);
    verify(token).then(
      (acting) => checked(req, res, next, acting),
      (err: unknown) => refuse(req, res, err instanceof OnBehalfError ? err : new OnBehalfError('INVALID_TOKEN', 'The token is not valid.')),
    );
  };
}
