import * as z from 'zod/mini';

/**
 * Every error the onbehalf HTTP API can answer with, and its HTTP status. The body is always
 * `{ "error": { "code", "message" } }` (see {@link errorBodySchema}). Each entry's JSDoc (its
 * meaning, and `@fix`: what to do) is docs/reference/errors.md (`npm run docs`).
 */
export const ERROR_STATUS = {
  /**
   * The request is malformed: invalid JSON or UTF-8, a field of the wrong type, an unknown or bad query parameter, a `*` request target.
   * @fix Send the body and query the endpoint documents (docs/reference/http-api.md); the message names the field.
   */
  BAD_REQUEST: 400,
  /**
   * The reason is missing, shorter or longer than the host's reason rules allow (default 10–500 characters after trimming), or holds control or invisible characters.
   * @fix Write why you need access, in plain visible text within the limits the message gives.
   */
  INVALID_REASON: 400,
  /**
   * The ticket reference is longer than 100 characters, holds control or invisible characters, or is missing where the host requires one.
   * @fix Give the ticket as it appears in your tracker, e.g. `SUP-1234`.
   */
  INVALID_TICKET: 400,
  /**
   * `returnTo` is not a path on this site (it must start with a single `/`).
   * @fix Pass a same-origin path such as `/okrs/42`, or leave it out.
   */
  INVALID_RETURN_TO: 400,
  /**
   * A consent grant's `hours` is not a whole number from 1 to 168.
   * @fix Grant access for 1 hour to 7 days, in whole hours.
   */
  INVALID_DURATION: 400,
  /**
   * A user tried to grant support access to themself.
   * @fix Grant access to another admin, or to any allowed admin (leave `to` out).
   */
  GRANT_SELF: 400,
  /**
   * `POST {basePath}/token` got a `grant_type` other than RFC 8693's token exchange.
   * @fix Send `grant_type=urn:ietf:params:oauth:grant-type:token-exchange`.
   */
  UNSUPPORTED_GRANT_TYPE: 400,
  /**
   * A token was asked for an audience the host did not configure in `actingTokens({ audiences })`.
   * @fix Ask for one of the configured audiences, or add the service to `audiences`.
   */
  INVALID_AUDIENCE: 400,
  /**
   * Nobody is signed in (the host's identity read no user), or the signed-in user is not active.
   * @fix Sign in to the host app first.
   */
  NOT_SIGNED_IN: 401,
  /**
   * The host's `stepUp(req)` check refused the start: it wants the admin to re-authenticate.
   * @fix Confirm your identity again (password, TOTP) as the host app asks, then start again.
   */
  STEP_UP_REQUIRED: 401,
  /**
   * An API service refused the bearer token: missing, malformed, badly signed, of the wrong issuer, audience, algorithm or `typ`, or issued in the future.
   * @fix Get a fresh token from `POST {basePath}/token`; check the verifier's `issuer`, `audience` and `jwks` match the app's `actingTokens()`.
   */
  INVALID_TOKEN: 401,
  /**
   * The bearer token is past its `exp`, or older than the verifier's `maxTokenAgeSeconds`.
   * @fix Get a fresh token (the typed client does so by itself once).
   */
  TOKEN_EXPIRED: 401,
  /**
   * The token's acting session has ended (exit, revoke, expiry, idle, ineligible).
   * @fix Start working on behalf of the user again; old tokens stay refused.
   */
  TOKEN_REVOKED: 401,
  /**
   * The signed-in user lacks the permission this needs (`permission`, `auditPermission` or `approvalPermission`) or is not active.
   * @fix Ask whoever manages permissions in the host app, or use an account that holds it.
   */
  NOT_ALLOWED: 403,
  /**
   * The OKR guard (`requirePermission`) refused the action for the effective user; `rule` names the deciding rule.
   * @fix Read `rule`, or `explain()` for the same user, action and target, to see which path was missing.
   */
  FORBIDDEN: 403,
  /**
   * A state-changing request without a valid CSRF token, or from a foreign `Origin` / cross-site `Sec-Fetch-Site`.
   * @fix Send the token from `GET {basePath}/status` as `X-OnBehalf-CSRF` (or `_onbehalf_csrf`) from the same origin; behind a TLS proxy set Express's `trust proxy` or list the public origin in `trustedOrigins`.
   */
  CSRF: 403,
  /**
   * An admin tried to work on behalf of themself.
   * @fix Pick another user.
   */
  TARGET_SELF: 403,
  /**
   * The chosen user is not active (deactivated, suspended).
   * @fix Reactivate the user in the host app first, if that is what support needs.
   */
  TARGET_INACTIVE: 403,
  /**
   * The chosen user may impersonate or read the audit, or ranks (`privilege`) at or above the admin.
   * @fix Nobody can work on behalf of such a user; ask them directly.
   */
  TARGET_PRIVILEGED: 403,
  /**
   * The chosen user has private objectives, which no admin may see.
   * @fix Nobody can work on behalf of this user; ask them directly.
   */
  TARGET_PRIVATE_OBJECTIVES: 403,
  /**
   * The host's `canBeImpersonated` rule refused this user.
   * @fix The host app decides; see its own policy.
   */
  TARGET_REFUSED: 403,
  /**
   * The path is refused while acting (`blockedWhileActing`: password, MFA, tokens, e-mail, identity providers, onbehalf's admin API).
   * @fix Exit first; the user changes these themself.
   */
  BLOCKED_WHILE_ACTING: 403,
  /**
   * A write (any method but GET, HEAD, OPTIONS) in a read-only session.
   * @fix Exit and start a session without *Read-only* if the change is needed.
   */
  READ_ONLY: 403,
  /**
   * The user must grant support access first, and no live grant covers this admin; `error.ask` says how to ask.
   * @fix Ask the user (`POST {basePath}/consent-requests`) and start once they grant access.
   */
  CONSENT_REQUIRED: 403,
  /**
   * Four-eyes: a start on this user needs a second admin's approval; a request was created (`error.request`).
   * @fix Have an admin holding `approvalPermission` approve it, then start again within the window.
   */
  APPROVAL_REQUIRED: 403,
  /**
   * The requester, or the subject, tried to decide a four-eyes request.
   * @fix A different admin holding `approvalPermission` must decide.
   */
  SELF_APPROVAL: 403,
  /**
   * The directory has no user with that id (or, in the OKR guard, the effective user is unknown to the model).
   * @fix Check the id; search with `GET {basePath}/users`.
   */
  USER_NOT_FOUND: 404,
  /**
   * No such endpoint under `basePath`, an audit sink that cannot be queried, or (OKR guard) an unknown OKR, team or org.
   * @fix Check the path and id; the auditors' API needs a sink with `query()`.
   */
  NOT_FOUND: 404,
  /**
   * No active (or, in the auditors' API, no recorded) impersonation session has that id.
   * @fix List sessions with `GET {basePath}/sessions`; it may have ended already.
   */
  SESSION_NOT_FOUND: 404,
  /**
   * No notice with that session id for this user.
   * @fix It may be dismissed already; nothing to do.
   */
  NOTICE_NOT_FOUND: 404,
  /**
   * No live grant with that id for this user.
   * @fix It may have expired or been revoked already.
   */
  GRANT_NOT_FOUND: 404,
  /**
   * No request with that id (for this user).
   * @fix List open requests with `GET {basePath}/me/access` or `GET {basePath}/approvals`.
   */
  REQUEST_NOT_FOUND: 404,
  /**
   * A GET (or another method) on an endpoint that changes state and takes POST only.
   * @fix Use POST, with the CSRF token.
   */
  METHOD_NOT_ALLOWED: 405,
  /**
   * The admin is already working on behalf of someone (no nesting), or a racing start won.
   * @fix Exit first, then start again.
   */
  ALREADY_ACTING: 409,
  /**
   * Nothing was started: the start would have signed the admin out, because their sign-in lives in a session key onbehalf does not carry, or passport reads the session after onbehalf. Also written as a warning.
   * @fix Use the identity adapter for your sign-in (`passportIdentity`, `sessionKeyIdentity`), list the key in `authSessionKeys`, or mount passport before onbehalf (docs/recipes.md).
   */
  SIGN_IN_NOT_KEPT: 409,
  /**
   * Stop, or a token, was asked for while not working on behalf of anyone.
   * @fix Nothing to end; start first if a token is needed.
   */
  NOT_ACTING: 409,
  /**
   * The session ended (revoked, expired, idle, ineligible) before this write arrived; nothing was run.
   * @fix Reload the page (you are yourself again) and start anew if needed.
   */
  EXPIRED: 409,
  /**
   * A four-eyes request for this user already waits for a decision.
   * @fix Wait for the second admin; start again once it is approved.
   */
  APPROVAL_PENDING: 409,
  /**
   * Four-eyes: a start under an approved request gave another reason or ticket than the one approved; nothing was started, the approval is kept. `error.request` holds the approved reason and ticket.
   * @fix Start again with the approved reason and ticket, or ask for a new approval for the new reason.
   */
  APPROVAL_MISMATCH: 409,
  /**
   * The request was decided already (approving twice, or a racing decision won), or another decision on it is being audited right now.
   * @fix Nothing to do; read the request's state (a decision whose audit record was refused puts it back to pending).
   */
  ALREADY_DECIDED: 409,
  /**
   * The request's window passed before the decision (`approvalWindowMs`, or the consent request's lifetime).
   * @fix Ask again.
   */
  REQUEST_EXPIRED: 410,
  /**
   * The body is over 16 kB.
   * @fix Send less: reasons and tickets are short.
   */
  PAYLOAD_TOO_LARGE: 413,
  /**
   * The body's encoding or charset is not supported.
   * @fix Send UTF-8 JSON or a urlencoded form, without `Content-Encoding`.
   */
  UNSUPPORTED_MEDIA_TYPE: 415,
  /**
   * Too many start attempts by this admin in the window (`rateLimit`, default 10 a minute).
   * @fix Wait for the window to pass (the `RateLimit` header says how long).
   */
  RATE_LIMITED: 429,
  /**
   * Something failed that is not the caller's fault; nothing was changed.
   * @fix Look at the server's warnings; report it if it repeats.
   */
  INTERNAL: 500,
  /**
   * Fail closed: the audit sink could not take the record, so nothing happened (no start, the write was not run, no request, grant or decision on the subject's side).
   * @fix Restore the audit sink (disk space, the database, Redis); it recovers without a restart.
   */
  AUDIT_UNAVAILABLE: 503,
  /**
   * Fail closed: the impersonation store, the session or the directory could not be read, so no request was served as anyone.
   * @fix Restore the store (Redis) or the directory; mount express-session before onbehalf.
   */
  STORE_UNAVAILABLE: 503,
  /**
   * The host's identity adapter threw, or the sign-in could not be presented as the subject (e.g. passport mounted after onbehalf): nothing was served.
   * @fix Fix the adapter or the mount order (docs/recipes.md).
   */
  IDENTITY_UNAVAILABLE: 503,
  /**
   * An API service's verifier could not fetch the issuer's JWKS.
   * @fix Check that the app's `{basePath}/jwks.json` is reachable from the service.
   */
  KEYS_UNAVAILABLE: 503,
  /**
   * No token was issued: the host's `priorActors(req)` returned a chain that can't go in a token
   * (deeper than 5, an entry without `sub`) or threw. Logged once per fault.
   * @fix Fix the host's `priorActors` in `actingTokens()` (docs/tokens.md).
   */
  ACTOR_CHAIN_INVALID: 503,
} as const;

export type ErrorCode = keyof typeof ERROR_STATUS;
export const ERROR_CODES = Object.keys(ERROR_STATUS) as ErrorCode[];

/**
 * What onbehalf reports about how a host set it up, and when: warnings written through `warn`,
 * and option errors thrown as a `TypeError` by the function given them. Each message starts with
 * its code and ends with a link to its entry (as express-rate-limit's `ERR_ERL_*` validations do).
 */
export const SETUP_CODES = {
  /**
   * `memoryStore()` (the default store) with `NODE_ENV=production`: impersonation state is per
   * process and lost on restart, and several instances don't share it.
   * @fix Pass `store: redisStore({ client })` from `onbehalf/redis` (docs/redis.md).
   */
  MEMORY_STORE_IN_PRODUCTION: 'warned at start-up',
  /**
   * The first request reached onbehalf without `req.session`: no session middleware is mounted
   * before it. Every request is answered 503 `STORE_UNAVAILABLE` until there is one.
   * @fix Mount express-session (and the host's sign-in) before `onBehalf()`.
   */
  NO_SESSION_MIDDLEWARE: 'warned on the first request',
  /**
   * The session cookie is not `secure` with `NODE_ENV=production`: it also travels over plain HTTP.
   * @fix Set `cookie.secure: true` in express-session (and Express's `trust proxy` behind a TLS proxy).
   */
  COOKIE_NOT_SECURE: 'warned on the first request',
  /**
   * The session cookie has `httpOnly: false`: page scripts can read the admin's session.
   * @fix Leave express-session's `cookie.httpOnly` at its default, `true`.
   */
  COOKIE_NOT_HTTP_ONLY: 'warned on the first request',
  /**
   * The session cookie has no `SameSite=Lax` or `Strict`: cross-site requests carry it.
   * @fix Set `cookie.sameSite: 'lax'` (or `'strict'`) in express-session.
   */
  COOKIE_NO_SAME_SITE: 'warned on the first request',
  /**
   * The host signs in with passport but onbehalf reads the sign-in another way: while acting,
   * `req.user` would still be the actor.
   * @fix Pass `identity: passportIdentity(passport)` (docs/recipes.md#passport).
   */
  IDENTITY_MISMATCH: 'warned on the first request',
  /**
   * The host's CSRF middleware runs before onbehalf: onbehalf's page and banner send its token
   * too, but the extension's requests are refused by it.
   * @fix Mount `onBehalf()` before the host's CSRF middleware (docs/recipes.md#csrf).
   */
  HOST_CSRF_FIRST: "warned on the first post to onbehalf's API",
  /**
   * A hash-chained audit sink (`fileAudit`, `pgAudit`) without `checkpoint.privateKey`: the chain
   * catches edits, deletions and reordering, but not records cut off its end.
   * @fix Pass an Ed25519 key as `checkpoint.privateKey` (docs/audit.md).
   */
  AUDIT_UNSIGNED: 'warned at start-up',
  /**
   * `fileAudit` found a torn last line (a crash mid-write) and cut it; its bytes are kept in
   * `<file>.torn-<offset>`. No acknowledged event is lost: a torn line was never acknowledged.
   * @fix Nothing is needed; keep the `.torn-*` file for forensics, or remove it.
   */
  AUDIT_TORN_LINE: 'warned at start-up',
  /**
   * An option given to `onBehalf()` or another of onbehalf's functions (`fileAudit`, `pgAudit`,
   * `redisStore`, `actingTokens`, `verifyActingTokens`, the identity adapters) can't work: missing,
   * of the wrong type or out of range. The message names it, and nothing is created.
   * @fix Correct that option: docs/reference/options.md lists each one, its type and default.
   */
  INVALID_OPTIONS: 'thrown at start-up',
} as const;
export type SetupCode = keyof typeof SETUP_CODES;

/** The error-code reference. A path in the repository: package.json names no repository URL to link. */
export const ERRORS_PAGE = 'docs/reference/errors.md';
/** Where a code is explained: its entry (the page's anchor is the code in lower case). */
export const codeHelp = (code: ErrorCode | SetupCode) => `${ERRORS_PAGE}#${code.toLowerCase()}`;
/** A setup warning or option error as onbehalf writes it: the code, the message and its entry. */
export const setupMessage = (code: SetupCode | ErrorCode, message: string) => `${code}: ${message} See ${codeHelp(code)}`;
/** An option that can't work: a developer error, thrown by the function given it, with its code and entry. */
export const optionError = (message: string) => new TypeError(setupMessage('INVALID_OPTIONS', message));

/** Why a user can't be worked on behalf of, in words a support admin understands. */
export const ELIGIBILITY_MESSAGES = {
  NOT_ALLOWED: 'You do not have the permission to work on behalf of users.',
  TARGET_SELF: 'You cannot work on behalf of yourself.',
  TARGET_INACTIVE: 'This user is not active.',
  TARGET_PRIVILEGED: 'This user has equal or higher privileges than you (an administrator or impersonator).',
  TARGET_PRIVATE_OBJECTIVES: 'This user has private objectives, so nobody can work on their behalf.',
  TARGET_REFUSED: 'The host application does not allow working on behalf of this user.',
  ALREADY_ACTING: 'You are already working on behalf of someone. Exit first.',
  USER_NOT_FOUND: 'No such user.',
} as const satisfies Partial<Record<ErrorCode, string>>;

export type IneligibleCode = keyof typeof ELIGIBILITY_MESSAGES;

export const errorBodySchema = z.object({
  error: z.object({
    code: z.enum(ERROR_CODES as [ErrorCode, ...ErrorCode[]]),
    message: z.string(),
    rule: z.optional(z.string()),
  }),
});
export type ErrorBody = z.infer<typeof errorBodySchema>;
