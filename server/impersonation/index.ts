import express, { type Request, type RequestHandler } from 'express';
import { setupMessage, type EndCause } from '../../shared/index.js';
import { auditedTokens } from './audited-tokens.js';
import { bannerMiddleware } from './banner.js';
import { resolveIdentity } from './context.js';
import { csrfProtection } from './csrf.js';
import { actorRefusal, targetRefusal } from './eligibility.js';
import { guarded, guardedDirectory } from './guarded.js';
import { lifecycle, expiryCause } from './lifecycle.js';
import { identityHint, resolveOptions, startupWarnings } from './options.js';
import { installRequestContext } from './request-context.js';
import { subjectSide, type SubjectSide } from './subject/index.js';
import { httpApi } from './api.js';
import { idKey } from '../identity/ids.js';
import { OnBehalfError } from '../http/index.js';
import { forgetsOnExit } from './store/index.js';
import type { DirectoryUser, IssuedActingToken, OnBehalfEvents, OnBehalfOptions, UserId } from './types.js';

export type { OnBehalfOptions } from './types.js';
export { attribution, type Attribution } from './attribution.js';

/** What `onBehalf()` returns: the middleware to mount, plus the host-facing controls. */
export interface OnBehalf extends RequestHandler {
  /**
   * Opt-in: the server-rendered warning banner in HTML answers while acting, and otherwise the
   * signed-in user's notices of sessions on their account (mount after `ob`).
   */
  banner(): RequestHandler;
  /** End sessions by id, actor or subject (audited as `revoked`); returns how many ended. */
  revoke(filter: { sessionId?: string; actorId?: UserId; subjectId?: UserId }): Promise<number>;
  /**
   * onbehalf's CSRF token for this session, for a host's own server-rendered form or fetch that
   * posts to onbehalf (send it as `_onbehalf_csrf` or `X-OnBehalf-CSRF`).
   */
  csrfToken(req: Request): string;
  /** The hidden fields a host form posting to onbehalf needs (its token, and the host's own in `_csrf`). */
  csrfFields(req: Request): string;
  /** Call from the host's logout before destroying its session: ends an impersonation too (audited as `logout`). */
  logout(req: Request): Promise<void>;
  /** End expired sessions nobody is using now (runs on a timer too). */
  sweep(): Promise<number>;
  /** Listen to `started`, `ended`, `denied` (e.g. notify the subject). */
  on<K extends keyof OnBehalfEvents>(event: K, listener: OnBehalfEvents[K]): OnBehalf;
  /** What a user may see of access to their account (as `GET {basePath}/me/access` answers), for the host's own pages. */
  access: SubjectSide['access'];
  /** Four-eyes requests waiting for a second admin's decision. */
  approvals: SubjectSide['approvals'];
  /** Resolves once the access-history entries of sessions ended so far are written (and their notify hooks ran). */
  settled(): Promise<void>;
  /**
   * For a server-to-server call made while handling an acting request: an access token for that
   * session and `audience` (needs the `tokens` option). Rejects with `NOT_ACTING`,
   * `INVALID_AUDIENCE` or `EXPIRED` when none may be issued.
   */
  token(req: Request, audience: string): Promise<IssuedActingToken>;
  /**
   * Shut down (call it on SIGTERM, after the server stopped taking requests): stop the sweep timer,
   * end the live sessions of a store that does not outlive the process (`memoryStore()`), audited
   * as `shutdown` — a store that persists (Redis) keeps them for the next process — and release
   * what the store holds open (the Redis store's cache connection). Close the audit after it.
   */
  close(): Promise<void>;
}

/**
 * Work on behalf of a user, safely. Mount after express-session and the host's own sign-in:
 * `app.use(session(...)); app.use(onBehalf({ users, currentUser, audit }))`.
 */
export function onBehalf(options: OnBehalfOptions): OnBehalf {
  const resolved = resolveOptions(options);
  installRequestContext();
  const o = { ...resolved, store: guarded(resolved.store, 'impersonation store'), users: guardedDirectory(resolved.users) };
  for (const w of startupWarnings(o)) o.warn(w);
  const life = lifecycle(o);
  // Every token, from the route or ob.token(), is on the record before it is handed out.
  if (o.tokens) o.tokens = auditedTokens(o.tokens, life);
  const csrf = csrfProtection(o);

  let checkedFirstRequest = false;
  /** Checks that need a live request, once (like express-rate-limit's validations). */
  function firstRequestChecks(req: Request) {
    checkedFirstRequest = true;
    if (!req.session) return o.warn(setupMessage('NO_SESSION_MIDDLEWARE', 'no session middleware before onBehalf(): mount express-session first.'));
    const c = req.session.cookie;
    if (process.env.NODE_ENV === 'production' && !c.secure) o.warn(setupMessage('COOKIE_NOT_SECURE', 'session cookie is not `secure` in production.'));
    if (c.httpOnly === false) o.warn(setupMessage('COOKIE_NOT_HTTP_ONLY', 'session cookie is not `httpOnly`: page scripts can read it.'));
    if (!c.sameSite || c.sameSite === 'none') o.warn(setupMessage('COOKIE_NO_SAME_SITE', 'session cookie has no SameSite=Lax/Strict: set `cookie.sameSite`.'));
    const hint = identityHint(o, req);
    if (hint) o.warn(hint);
  }
  const identity = resolveIdentity(o, life);
  // Bound once: the subject's side and the routes ask the same rules, and never see the options.
  const eligibility = {
    actorRefusal: (actor: DirectoryUser | undefined, req: Request) => actorRefusal(o, actor, req),
    targetRefusal: (actor: DirectoryUser, target: DirectoryUser, req: Request) => targetRefusal(o, actor, target, req),
  };
  const subject = subjectSide(
    {
      basePath: o.basePath,
      reason: o.reason,
      permission: o.permission,
      auditPermission: o.auditPermission,
      users: o.users,
      sessions: o.store,
      audit: o.audit,
      life,
      csrf,
      eligibility,
      guard: guarded,
      now: o.now,
      warn: o.warn,
    },
    o.subject,
  );
  // The API router is entered only for its own paths: the host's requests pay for identity alone.
  const api = express.Router().use(o.basePath, httpApi(o, life, csrf, subject, eligibility));
  const apiPrefix = `${o.basePath}/`;
  const ownPath = (path: string) => path === o.basePath || path.startsWith(apiPrefix);

  async function endWhere(filter: { sessionId?: string; actorId?: UserId; subjectId?: UserId }, cause: EndCause, req?: Request) {
    const keys = { actorId: idKey(filter.actorId), subjectId: idKey(filter.subjectId) };
    const ids = filter.sessionId ? [filter.sessionId] : (await o.store.list(keys)).map((r) => r.id);
    let n = 0;
    for (const id of ids) if (await life.end(id, cause, req)) n++;
    return n;
  }

  async function sweep() {
    // Records kept during an audit outage go first, as soon as the audit takes them again.
    await life.flushPending().catch(() => undefined);
    const now = o.now();
    let n = 0;
    for (const r of await o.store.list()) {
      const cause = expiryCause(o, r, now);
      if (cause && (await life.end(r.id, cause))) n++;
    }
    return n;
  }
  const timer = o.sweepIntervalMs > 0 ? setInterval(() => void sweep().catch(() => undefined), o.sweepIntervalMs) : undefined;
  timer?.unref();

  let checkedCsrfOrder = false;
  /** A host CSRF middleware before onbehalf checks onbehalf's own posts too: say so once. */
  function csrfOrderCheck(req: Request) {
    if (req.method === 'GET' || req.method === 'HEAD' || typeof (req as { csrfToken?: unknown }).csrfToken !== 'function') return;
    checkedCsrfOrder = true;
    o.warn(
      setupMessage(
        'HOST_CSRF_FIRST',
        "the host's CSRF middleware runs before onBehalf(): onbehalf's page and banner send its token too, but the extension's requests will be refused by it; mount onBehalf() before your CSRF middleware (docs/recipes.md#csrf).",
      ),
    );
  }

  const ob = ((req, res, next) => {
    if (!checkedFirstRequest) firstRequestChecks(req);
    // The host's own requests go straight on; only the API's need a continuation.
    if (!ownPath(req.path)) return identity(req, res, next);
    if (!checkedCsrfOrder) csrfOrderCheck(req);
    identity(req, res, (err?: unknown) => (err ? next(err) : api(req, res, next)));
  }) as OnBehalf;
  ob.csrfToken = (req) => csrf.token(req);
  ob.csrfFields = (req) => csrf.fields(req);
  ob.banner = () => {
    const acting = bannerMiddleware(o, csrf);
    // Not acting: the signed-in user's own notices of sessions on their account, in the same slot.
    return (req, res, next) => (req.onBehalf?.active ? acting(req, res, next) : subject.notices(req, res, next));
  };
  ob.revoke = (filter) => {
    if (!filter || (!filter.sessionId && idKey(filter.actorId) === undefined && idKey(filter.subjectId) === undefined)) {
      return Promise.reject(new TypeError('revoke() needs a sessionId, actorId or subjectId.'));
    }
    return endWhere(filter, 'revoked');
  };
  ob.logout = async (req) => {
    const id = req.session?.onbehalf?.id;
    if (id) await life.end(id, 'logout', req);
  };
  ob.sweep = sweep;
  ob.settled = subject.settled;
  ob.access = subject.access;
  ob.approvals = subject.approvals;
  ob.token = async (req, audience) => {
    if (!o.tokens) throw new TypeError('onBehalf: token() needs the `tokens` option (actingTokens() from "onbehalf/tokens").');
    const ctx = req.onBehalf;
    if (!ctx?.active) throw new OnBehalfError('NOT_ACTING', 'Tokens are only issued while working on behalf of a user.');
    return o.tokens.issue(ctx, { audience, req });
  };
  ob.on = (event, listener) => {
    life.events.on(event, listener as (...a: unknown[]) => void);
    return ob;
  };
  let closing: Promise<void> | undefined;
  ob.close = () => (closing ??= shutdown());
  async function shutdown() {
    if (timer) clearInterval(timer);
    await life.ready;
    // Nothing carries these sessions into the next process: end them, on the record, now.
    if (forgetsOnExit(o.store)) for (const r of await o.store.list()) await life.end(r.id, 'shutdown');
    // Records kept during an audit outage: one more try (still failing, they stay in the log lines).
    await life.flushPending().catch(() => undefined);
    await subject.close();
    await o.store.close?.();
  }
  return ob;
}
