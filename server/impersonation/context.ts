import type { NextFunction, Request, RequestHandler, Response } from 'express';
import { setupMessage, type EndCause } from '../../shared/index.js';
import { idKey } from '../identity/ids.js';
import { guardSessionWrites, unpresentSession } from '../identity/session-view.js';
import type { HostIdentityWrite } from '../identity/types.js';
import { rememberActionId } from './action-id.js';
import { blockedPaths, hostSignInRoutes } from './blocked-paths.js';
import { beforeResponse, OnBehalfError, requestDeadline, sendError } from '../http/index.js';
import { actorRefusal, targetRefusal } from './eligibility.js';
import type { Lifecycle } from './lifecycle.js';
import { expiryCause } from './lifecycle.js';
import { andThen, both, isThenable, type Maybe } from './maybe.js';
import type { ResolvedOptions } from './options.js';
import { actingSnapshot, dropActingDataOnSignIn, handOverToSignIn, leaveActing, noteSignInEnds } from './session.js';
import type { DirectoryUser, ImpersonationRecord, UserId } from './types.js';

const isCacheControl = (name: unknown) => typeof name === 'string' && name.toLowerCase() === 'cache-control';

/** writeHead's own headers (an object, or Node's flat [name, value, …] list) without Cache-Control. */
function withoutCacheControl(headers: unknown): unknown {
  if (Array.isArray(headers)) {
    const kept: unknown[] = [];
    for (let i = 0; i < headers.length; i += 2) if (!isCacheControl(headers[i])) kept.push(headers[i], headers[i + 1]);
    return kept;
  }
  if (headers && typeof headers === 'object') return Object.fromEntries(Object.entries(headers).filter(([name]) => !isCacheControl(name)));
  return headers;
}

/** Nothing rendered as the subject may be kept by a cache: Back after Exit must ask the server again. */
function noStore(res: Response) {
  res.setHeader('Cache-Control', 'no-store');
  const writeHead = res.writeHead;
  // A host handler that sets its own Cache-Control is overruled at the last moment, including one
  // passed to writeHead itself (Node applies those after every setHeader).
  res.writeHead = function (this: Response, ...args: unknown[]) {
    this.setHeader('Cache-Control', 'no-store');
    const last = args.length - 1;
    if (last >= 1 && typeof args[last] === 'object') args[last] = withoutCacheControl(args[last]);
    return (writeHead as (...a: unknown[]) => Response).apply(this, args);
  } as Response['writeHead'];
}

type RequestFields = { method: string; path: string; actionId?: string };
/** The request as the audit names it. */
const requestFields = (req: Request): RequestFields => ({ method: req.method, path: req.originalUrl.slice(0, 2048) });

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);
const isSafeMethod = (method: string) => SAFE_METHODS.has(method);

/** Idle activity is written at most this often per session: precise enough, and one write less per request. */
const TOUCH_EVERY_MS = 1_000;

/**
 * Runs on every request: decides who it is served as. While acting it re-checks everything
 * (the record, its actor binding, expiry, both users' eligibility) before the host sees the
 * request, and ends the session when anything fails — serving the request as the actor, or
 * signed out in logout mode, never as the subject.
 */
export function resolveIdentity(o: ResolvedOptions, life: Lifecycle): RequestHandler {
  // Paths computed once: this runs on every request.
  const apiPrefix = `${o.basePath}/`;
  const route = { status: `${apiPrefix}status`, start: `${apiPrefix}start`, stop: `${apiPrefix}stop`, token: `${apiPrefix}token` };
  const lower = (r: string) => r.toLowerCase();
  const open = { start: lower(route.start), stop: lower(route.stop) };
  const blocked = blockedPaths(o);
  const signInRoute = hostSignInRoutes(o);
  // A token only ever carries the session's own rights: read-only sessions get read-only tokens.
  const allowedWhenReadOnly = (path: string) => path === route.stop || (o.tokens !== undefined && path === route.token);

  /** Why this live record can't serve this request, if it can't (synchronous with a synchronous directory). */
  function endCause(req: Request, r: ImpersonationRecord, signedIn: UserId | undefined): Maybe<{ cause: EndCause | null; subject?: DirectoryUser }> {
    // Bound to the actor's own sign-in: another user in this session never inherits it.
    if (idKey(signedIn) !== r.actorId) return { cause: signedIn === undefined ? 'logout' : 'relogin' };
    const expired = expiryCause(o, r, o.now());
    if (expired) return { cause: expired };
    return andThen(both(o.users.get(r.actor.id), o.users.get(r.subject.id)), ([actor, subject]) =>
      andThen(actorRefusal(o, actor, req), (refused) =>
        refused || !subject
          ? { cause: 'ineligible' as const }
          : andThen(targetRefusal(o, actor!, subject, req), (t) => (t ? { cause: 'ineligible' as const } : { cause: null, subject })),
      ),
    );
  }

  const unavailable = (req: Request, res: Response) => sendError(req, res, new OnBehalfError('STORE_UNAVAILABLE', 'Impersonation state is unavailable; try again shortly.'));
  const once = new Set<string>();
  /** One log line per kind of fault, not one per request (a fault is usually on every request until fixed). */
  const warnOnce = (kind: string, message: string) => {
    if (once.has(kind)) return;
    once.add(kind);
    o.warn(message);
  };
  const hostFailed = (req: Request, res: Response, err: unknown) => {
    warnOnce('identity', `${o.identity.name} could not read who is signed in; answering 503 until it can (${err instanceof Error ? err.message : String(err)}).`);
    sendError(req, res, new OnBehalfError('IDENTITY_UNAVAILABLE', 'onbehalf could not read who is signed in; nothing was served. See docs/recipes.md.'));
  };
  /** A store or directory failure is the store's 503; anything else came from reading the host's sign-in. */
  const failed = (req: Request, res: Response, err: unknown) => (err instanceof OnBehalfError ? sendError(req, res, err) : hostFailed(req, res, err));
  function noSession(req: Request, res: Response) {
    if (req.originalUrl === '*') return sendError(req, res, new OnBehalfError('BAD_REQUEST', 'Request target "*" is not served here.'));
    warnOnce('session', setupMessage('NO_SESSION_MIDDLEWARE', 'a request reached onBehalf() without req.session: mount express-session before onBehalf(), on every path.'));
    sendError(req, res, new OnBehalfError('STORE_UNAVAILABLE', 'The session is unavailable; try again shortly.'));
  }

  /** Ended here (or already elsewhere: revoked, exited in another tab, swept): serve as the actor, or signed out. */
  async function ended(req: Request, res: Response, next: NextFunction, d: Decision) {
    if (d.record) await life.end(d.record.id, d.cause!, req);
    else await life.lost(req, req.session.onbehalf!);
    // Someone else signed in, or nobody is: neither gets the actor's set-aside data.
    const signedOut = d.cause === 'logout' || d.cause === 'relogin';
    await leaveActing(req, o, signedOut ? 'logout' : o.exitMode);
    // Pages rendered as the subject may still be open: their writes are refused until the actor has seen the end.
    req.session.onbehalfEnded = { cause: d.cause! };
    const userId = signedOut || o.exitMode === 'logout' ? undefined : idKey(d.signedIn);
    req.onBehalf = { active: false, userId };
    if (staleWrite(req, res)) return;
    next();
  }

  /**
   * After an end the actor did not ask for, a write is refused (409 EXPIRED) however many other
   * requests come first, until a page is shown to the actor as themself (a top-level navigation)
   * or they press Exit (or start again). Returns whether the request was answered.
   */
  function staleWrite(req: Request, res: Response): boolean {
    if (isSafeMethod(req.method)) {
      if (isDocument(req)) delete req.session.onbehalfEnded;
      return false;
    }
    // Exit is never refused, and a new start is its own, audited decision.
    const p = lower(req.path);
    if (p === open.stop || p === open.start) return false;
    sendError(req, res, new OnBehalfError('EXPIRED', 'The work-on-behalf session has ended; nothing was changed. Reload the page.'));
    return true;
  }

  /** Serve the request as the subject of this live record. */
  function serve(req: Request, res: Response, next: NextFunction, r: ImpersonationRecord, subject: DirectoryUser) {
    req.onBehalf = {
      active: true,
      userId: r.subjectId,
      subject: r.subject,
      actor: r.actor,
      reason: r.reason,
      ticket: r.ticket,
      sessionId: r.id,
      startedAt: r.startedAt,
      expiresAt: r.expiresAt,
      readOnly: r.readOnly,
    };
    if (req.path.startsWith(apiPrefix)) return next();
    const request = requestFields(req);
    const host = hostIdentity(req, res, r, request);
    const go = () => present(req, res, next, subject, host);
    if (isSafeMethod(req.method)) return go();
    // W10, fail closed: a write runs only once its record is durable; its answer's status follows it.
    const fields = { ...life.sessionFields(r), ...request };
    const action = life.event('action', req, fields);
    // Should the host's code then sign in or out, the end is this action's outcome, and says so.
    request.actionId = action.id;
    // Host code reads the id through attribution(req), to store it on the rows it writes.
    rememberActionId(req, action.id);
    life.record(action).then(
      () => {
        // A request in which the host signed in or out has its end ('ended', with the cause) as its outcome.
        beforeResponse(res, () => (host.ended ? Promise.resolve() : life.recordOrKeep(life.event('outcome', req, { ...fields, actionId: action.id, status: res.statusCode }))));
        go();
      },
      () => sendError(req, res, new OnBehalfError('AUDIT_UNAVAILABLE', 'The audit could not be written, so nothing was changed.')),
    );
  }

  /** The host's own "signed-in user" becomes the subject for the rest of this request (no route changes). */
  function present(req: Request, res: Response, next: NextFunction, subject: DirectoryUser, host: HostIdentity) {
    if (!o.identity.present) return next();
    let shown;
    try {
      shown = o.identity.present(req, subject, { hostWrote: (cause) => void host.end(() => cause) });
    } catch (err) {
      return presentFailed(req, res, err);
    }
    if (isThenable(shown)) return void shown.then(() => next(), (err) => presentFailed(req, res, err));
    next();
  }

  function presentFailed(req: Request, res: Response, err: unknown) {
    warnOnce('present', `${o.identity.name} could not present the subject: ${String((err as Error)?.message ?? err)}`);
    sendError(req, res, new OnBehalfError('IDENTITY_UNAVAILABLE', 'onbehalf could not show the subject as the signed-in user; nothing was served. See docs/recipes.md.'));
  }

  type HostIdentity = ReturnType<typeof hostIdentity>;
  /**
   * Writes to the host's own identity on this request (a sign-in, a logout, a regenerate) end the
   * impersonation first, audited with what happened; the rest of the request is not acting.
   */
  function hostIdentity(req: Request, res: Response, r: ImpersonationRecord, request: RequestFields) {
    const state = { ended: false, ending: Promise.resolve(), end };
    const acting = actingSnapshot(req, o);
    function end(cause: () => HostIdentityWrite): Promise<void> {
      if (state.ended) return state.ending;
      state.ended = true;
      unpresentSession(req);
      // Gone from the session first, so a sign-in that keeps the session's data can't carry it over.
      delete req.session.onbehalf;
      dropActingDataOnSignIn(req, res, acting);
      const why = cause();
      req.onBehalf = { active: false, userId: undefined };
      state.ending = life.end(r.id, why, req, request).then(
        () => undefined,
        (err) => o.warn(`could not end session ${r.id} (${why}): ${String(err)}`),
      );
      return state.ending;
    }
    guardSessionWrites(req, (method) => end(() => (method === 'destroy' ? 'logout' : regeneratedAs(req))));
    return state;
  }

  /** A regenerate with the sign-in gone is a logout (passport's logout clears it, then regenerates); else a new sign-in. */
  function regeneratedAs(req: Request): HostIdentityWrite {
    let id: unknown;
    try {
      id = o.identity.read(Object.create(req, { user: { value: undefined } }) as Request);
    } catch {
      return 'relogin';
    }
    return id === undefined || id === null ? 'logout' : 'relogin';
  }

  /**
   * A write to the host's own sign-in or sign-out route while acting: the actor is signing in
   * again or out, so the impersonation ends first (one `ended` with the route's cause and the
   * request, no `action`), and the host's handler runs as the actor. The session is left to that
   * handler (its sign-in or sign-out replaces it as usual; its CSRF check still finds the token
   * it issued while acting); a session it leaves in place goes back to the actor's data (handOverToSignIn).
   */
  async function signInOrOut(req: Request, res: Response, next: NextFunction, r: ImpersonationRecord, cause: 'host-sign-in' | 'host-sign-out', signedIn: UserId | undefined) {
    await life.end(r.id, cause, req, requestFields(req));
    const stash = req.session.onbehalf?.stash;
    delete req.session.onbehalf;
    handOverToSignIn(req, res, o, stash);
    req.onBehalf = { active: false, userId: idKey(signedIn) };
    next();
  }

  /** What the re-checks decided for this request. */
  interface Decision {
    signedIn: UserId | undefined;
    record: ImpersonationRecord | undefined;
    cause: EndCause | null;
    subject?: DirectoryUser;
  }
  const decide = (req: Request, id: string): Maybe<Decision> =>
    andThen(o.identity.read(req), (user) =>
      andThen(o.store.get(id, requestDeadline(req)), (record) => {
        const signedIn = user ?? undefined;
        return andThen(record ? endCause(req, record, signedIn) : { cause: 'revoked' as const }, (c) => ({ signedIn, record, ...c }));
      }),
    );

  /**
   * The acting path: everything is re-checked before the host sees the request. Synchronous
   * when the host's callbacks and the store answer synchronously (no promise per request);
   * any failure of theirs answers 503: serve nobody rather than the wrong user.
   */
  function acting(req: Request, res: Response, next: NextFunction, id: string) {
    noStore(res);
    const fail = () => unavailable(req, res);
    const wrong = o.identity.misconfigured?.(req);
    // Serve nobody rather than a mix of two identities.
    if (wrong) {
      warnOnce('misconfigured', wrong);
      return sendError(req, res, new OnBehalfError('IDENTITY_UNAVAILABLE', `onbehalf is misconfigured, so nothing was served: ${wrong}`));
    }
    const apply = (d: Decision): void => {
      if (d.cause) return void ended(req, res, next, d).catch(fail);
      const r = d.record!;
      if (blocked(req.path)) {
        return sendError(req, res, new OnBehalfError('BLOCKED_WHILE_ACTING', 'This page is not available while working on behalf of a user.'));
      }
      const signingInOrOut = isSafeMethod(req.method) ? undefined : signInRoute(req.method, req.path);
      if (signingInOrOut) return void signInOrOut(req, res, next, r, signingInOrOut, d.signedIn).catch(fail);
      if (r.readOnly && !isSafeMethod(req.method) && !allowedWhenReadOnly(req.path)) {
        return sendError(req, res, new OnBehalfError('READ_ONLY', 'This session is read-only: changes are refused.'));
      }
      const now = o.now();
      // Reading status is what the extension's banner does on its own every few seconds: it is not
      // the admin's activity, or the idle limit could never end a session left open in a tab.
      const activity = !(req.method === 'GET' && req.path === route.status);
      if (activity && now - r.lastSeenAt >= TOUCH_EVERY_MS) {
        return void o.store.touch(r.id, now, requestDeadline(req)).then(() => serve(req, res, next, r, d.subject!)).catch(fail);
      }
      serve(req, res, next, r, d.subject!);
    };
    let decided: Maybe<Decision>;
    try {
      decided = decide(req, id);
    } catch (err) {
      return failed(req, res, err);
    }
    if (isThenable(decided)) return void decided.then(apply, (err) => failed(req, res, err)).catch(fail);
    apply(decided);
  }

  /** Not acting: no promise and no await when the host's currentUser answers synchronously (most requests). */
  return function onBehalfIdentity(req: Request, res: Response, next: NextFunction) {
    // express-session skips some requests (target `*`, a path outside its cookie's): nobody can be known.
    if (!req.session) return noSession(req, res);
    const ref = req.session.onbehalf;
    if (ref) return acting(req, res, next, ref.id);
    if (req.session.onbehalfEnded && staleWrite(req, res)) return;
    let current;
    try {
      current = o.identity.read(req);
    } catch (err) {
      return hostFailed(req, res, err);
    }
    if (!isThenable(current)) return notActing(req, next, current);
    current.then((userId) => notActing(req, next, userId), (err: unknown) => hostFailed(req, res, err));
  };
}

/** A top-level page load, by the browser's own word (Sec-Fetch-Dest) or, from older clients, by what it accepts. */
function isDocument(req: Request): boolean {
  const dest = req.get('sec-fetch-dest');
  if (dest) return dest === 'document';
  return req.method === 'GET' && /text\/html/.test(req.get('accept') ?? '');
}

function notActing(req: Request, next: NextFunction, userId: UserId | null | undefined) {
  const id = idKey(userId);
  if (id) noteSignInEnds(req);
  req.onBehalf = { active: false, userId: id };
  next();
}
