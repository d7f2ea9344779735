import type { Request } from 'express';
import type {} from 'express-session';
import type { AuditEvent, EndCause, IneligibleCode, Person, ReasonRules, SessionView } from '../../shared/index.js';
import type { AuditSink } from '../audit/types.js';
import type { DirectoryUser, UserDirectory, UserId } from '../identity/types.js';

export type { AuditPage, AuditQuery, AuditSink } from '../audit/types.js';
export type { Deadline } from '../http/index.js';

type MaybePromise<T> = T | Promise<T>;

export type { DirectoryUser, UserDirectory, UserId } from '../identity/types.js';
import type { ImpersonationStore } from './store/index.js';
export type { ImpersonationRecord, ImpersonationStore } from './store/index.js';

/** `req.onBehalf` when nobody is being acted for. */
export interface NotActing {
  active: false;
  /** The signed-in user's id as a string (the host's own sign-in), or undefined when signed out. */
  userId: string | undefined;
}
/** `req.onBehalf` while an admin works on behalf of a user (RFC 8693 `act` semantics). */
export interface Acting {
  active: true;
  /** The subject's id as a string: who the app must treat this request as (`subject.id` keeps the host's type). */
  userId: string;
  /** Read-only: with the built-in stores' in-memory records it is the record's own object, frozen. */
  subject: Person;
  /** The true actor, for audit and activity feeds ("by Avery on behalf of Ashley"). Read-only, like `subject`. */
  actor: Person;
  reason: string;
  ticket?: string;
  sessionId: string;
  startedAt: number;
  expiresAt: number;
  readOnly: boolean;
  /** Set only by the token verifier ("onbehalf/tokens"): the token this request was served with. */
  token?: ActingTokenInfo;
}
export type OnBehalfContext = NotActing | Acting;

/** RFC 8693 §4.1 `act` claim: the current actor, with prior actors nested in `act`. */
export interface ActClaim {
  sub: string;
  name?: string;
  email?: string;
  act?: ActClaim;
}

/** What a verified acting token said beyond the session (`req.onBehalf.token` on an API service). */
export interface ActingTokenInfo {
  /** The token's `jti`. */
  id: string;
  /** The token's `aud`: this service. */
  audience: string;
  /** When the token itself expires, epoch ms (no later than the session's `expiresAt`). */
  expiresAt: number;
  /** The whole `act` chain: `act.sub` is the actor; nested entries are prior actors the host named. */
  act: ActClaim;
}

/** A token `ActingTokenIssuer.issue()` signed. */
export interface IssuedActingToken {
  /** The compact JWT. */
  token: string;
  /** Its `jti`. */
  id: string;
  /** Its `exp`, epoch ms. */
  expiresAt: number;
}

/**
 * Issues access tokens for acting sessions (`actingTokens()` from "onbehalf/tokens"). With it,
 * `onBehalf({ tokens })` serves `POST {basePath}/token` (RFC 8693 token exchange) and
 * `GET {basePath}/jwks.json`.
 */
export interface ActingTokenIssuer {
  /** The audiences a token may be issued for: any other is refused with `INVALID_AUDIENCE`. */
  readonly audiences: readonly string[];
  /** Sign a token for this acting request, for one of `audiences`. */
  issue(session: Acting, input: { audience: string; req?: Request }): Promise<IssuedActingToken>;
  /** The public keys that verify its tokens (a JWK Set), as `{basePath}/jwks.json` publishes it. */
  readonly jwks: { keys: readonly object[] };
}

declare module 'express-session' {
  interface SessionData {
    /**
     * Present only while acting: the impersonation id, and the actor's own session data set
     * aside at start, less the sign-in keys (restored on exit, so nothing bleeds either way).
     */
    onbehalf?: { id: string; stash?: Record<string, unknown>; signInEnds?: number; at?: number; actor?: Person; subject?: Person };
    /** When the actor's sign-in ends, as it stood at their first start: later starts and stops keep it. */
    onbehalfSignInEnds?: number;
    /**
     * Set when an impersonation ended without the actor's own Exit (expiry, revoke, ...): writes
     * are refused (409 EXPIRED) until the actor loads a page or presses Exit.
     */
    onbehalfEnded?: { cause: import('../../shared/index.js').EndCause };
  }
}

declare module 'express-serve-static-core' {
  interface Request {
    /** Set by onbehalf on every request that passes through it. */
    onBehalf?: OnBehalfContext;
  }
}

/** What host callbacks receive about a decision. */
export interface EligibilityInput {
  actor: DirectoryUser;
  target: DirectoryUser;
  req: Request;
}

/** The refusal codes a target rule may answer with (their messages are in shared/errors.ts). */
export type TargetRefusalCode = Extract<IneligibleCode, `TARGET_${string}`>;

/**
 * A host's (or a domain model's) rule on who may be worked on behalf of: `true` allows, `false`
 * refuses with `TARGET_REFUSED`, a code refuses with that code (e.g. the OKR model's
 * `privateObjectivesRule` answers `TARGET_PRIVATE_OBJECTIVES`).
 */
export type TargetRule = (input: EligibilityInput) => MaybePromise<boolean | TargetRefusalCode>;

/** Events for the host (e.g. to notify the subject). Listeners must not throw. */
export interface OnBehalfEvents {
  started: (session: SessionView) => void;
  ended: (session: SessionView, cause: EndCause) => void;
  denied: (info: { actorId?: UserId; targetId?: UserId; code: string }) => void;
}

/** Options of `onBehalf()`. Every option but `users`, `identity` (or `currentUser`) and `audit` has a default. */
export interface OnBehalfOptions {
  /** The host's user directory. Required. */
  users: UserDirectory;
  /**
   * How the host's own sign-in is read, and presented as the subject while acting, so route
   * handlers need no change: `passportIdentity(passport)`, `sessionKeyIdentity('userId')`, or an
   * adapter of your own (docs/recipes.md). This or `currentUser` is required.
   */
  identity?: import('../identity/types.js').IdentityAdapter;
  /**
   * Who is really signed in, from the host's own auth (e.g. `req.session.userId`), when there is
   * no `identity`: the host then reads the effective user at `req.onBehalf.userId`.
   */
  currentUser?: (req: Request) => MaybePromise<UserId | undefined | null>;
  /**
   * Where audit events go: `fileAudit({ path })`, `memoryAudit()` or your own sink. Required:
   * an impersonation that can't be recorded must not start.
   */
  audit: AuditSink;
  /** Impersonation session store. Default `memoryStore()` (warns when NODE_ENV=production). */
  store?: ImpersonationStore;
  /** The permission that allows starting (W1). Default `'impersonate'`. */
  permission?: string;
  /** The permission that allows reading the audit and managing sessions. Default `'audit:read'`. */
  auditPermission?: string;
  /**
   * Extra actor rule, on top of holding `permission` and being active. Re-checked on every
   * request while acting. Default: none.
   */
  canImpersonate?: (actor: DirectoryUser, req: Request) => MaybePromise<boolean>;
  /**
   * Target rules on top of W3 and W5, in order: each returns `true` to allow, `false` to refuse
   * with `TARGET_REFUSED`, or a `TARGET_*` code to refuse with it. Domain rules plug in here, e.g.
   * W4 from the OKR model: `canBeImpersonated: [privateObjectivesRule(okr), myRule]`
   * (`onbehalf/okr`). Re-checked on every request while acting. Default: none.
   */
  canBeImpersonated?: TargetRule | TargetRule[];
  /** Optional re-authentication before start (password, TOTP). false → 401 `STEP_UP_REQUIRED`. */
  stepUp?: (req: Request) => MaybePromise<boolean>;
  /** Reason rules (W6). Default `{ minLength: 10, maxLength: 500, requireTicket: false }`. */
  reason?: Partial<ReasonRules>;
  /** Hard time limit (W12). Default 30 minutes. */
  maxDurationMs?: number;
  /** Idle time limit (W12). Default 10 minutes. */
  idleTimeoutMs?: number;
  /** W9: `'return'` to the admin's own account or `'logout'` (end the session). Default `'return'`. */
  exitMode?: 'return' | 'logout';
  /** W11: where start lands. A same-origin path. Default `'/'`. */
  landingPath?: string;
  /** Where exit lands when the start page is not known. Default `'/'`. */
  exitPath?: string;
  /**
   * Paths refused while acting (password, MFA, tokens, ...): strings are path prefixes matched on
   * whole segments, RegExps are tested against the path as sent and as normalised. Matching is on
   * the normalised path: decoded (`%2F` too), no case, `//`, `\`, dot segments or trailing slash. The
   * admin API of onbehalf itself is always refused; its Exit never is.
   * Default `['/account/password', '/account/mfa', '/account/tokens', '/account/email',
   * '/account/security', '/account/api-keys', '/oauth', '/oauth2', '/openid', '/connect', '/saml', '/sso']`.
   */
  blockedWhileActing?: Array<string | RegExp>;
  /**
   * The host's own sign-in routes: a POST (any unsafe method) to one while acting ends the
   * impersonation before the host's handler runs (audited `ended`, cause `host-sign-in`, with the
   * request's method and path, and no `action`), then the handler runs as the actor. Matched like
   * `blockedWhileActing` (normalised path prefixes on whole segments, or RegExps); a DELETE to one
   * is a sign-out. `[]` turns it off: a sign-in elsewhere is still caught when it writes the
   * host's identity (docs/recipes.md#record). Default `['/login', '/log-in', '/signin', '/sign-in',
   * '/session', '/auth/login', '/auth/signin', '/users/sign_in']`.
   */
  signInPaths?: Array<string | RegExp>;
  /**
   * The host's own sign-out routes, as `signInPaths` (cause `host-sign-out`). Default
   * `['/logout', '/log-out', '/signout', '/sign-out', '/logoff', '/auth/logout', '/auth/signout', '/users/sign_out']`.
   */
  signOutPaths?: Array<string | RegExp>;
  /**
   * Access tokens for SPAs and APIs while acting: `actingTokens({ issuer, audiences, keys })` from
   * "onbehalf/tokens". Adds `POST {basePath}/token` and `GET {basePath}/jwks.json`. Default: none.
   */
  tokens?: ActingTokenIssuer;
  /** Mount point of the HTTP API. Default `'/onbehalf'`. */
  basePath?: string;
  /**
   * Session keys of the host's own sign-in (what `currentUser` reads), carried into the acting
   * session. Everything else the actor's session holds is set aside and restored on exit, and
   * everything set while acting is dropped on exit. Default `['userId']`; the `identity`'s own
   * keys and passport's `passport` key are always carried.
   */
  authSessionKeys?: string[];
  /** Origins allowed to POST besides the request's own. Default none. */
  trustedOrigins?: string[];
  /** Start attempts per actor (express-rate-limit). */
  rateLimit?: {
    /** Attempts allowed per window. Default 10. */
    limit?: number;
    /** The window, in ms. Default 60 000 (a minute). */
    windowMs?: number;
    /** An express-rate-limit store, to count across instances (`redisRateLimitStore()`). Default: in memory. */
    store?: import('express-rate-limit').Store;
  };
  /** How often expired sessions nobody touches are ended and audited. Default 30 s; 0 disables. */
  sweepIntervalMs?: number;
  /**
   * The subject's side (docs/subject.md): notices and access history (on by default), consent
   * grants and four-eyes approval (off by default), and where their state lives.
   */
  subject?: import('./subject/types.js').SubjectOptions;
  /** Host event listeners. */
  on?: Partial<OnBehalfEvents>;
  /** Where start-up warnings go. Default `console.warn`. */
  warn?: (message: string) => void;
  /** Clock, for tests. Default `Date.now`. */
  now?: () => number;
}
