import type { NextFunction, Request, RequestHandler, Response } from 'express';
import type { EndCause } from '../../shared/index.js';
import { actorRefusal, targetRefusal } from './eligibility.js';
import { respondError, sendError } from './errors.js';
import { beforeResponse } from './intercept.js';
import type { Lifecycle } from './lifecycle.js';
import { expiryCause } from './lifecycle.js';
import { andThen, both, isThenable, type Maybe } from './maybe.js';
import type { ResolvedOptions } from './options.js';
import { leaveActing } from './session.js';
import type { ImpersonationRecord } from './types.js';

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
  const route = { status: `${apiPrefix}status`, start: `${apiPrefix}start`, stop: `${apiPrefix}stop` };
  // Express matches routes without regard to case, so the deny-list must too (or /Account/Password slips by).
  const lower = (r: string) => r.toLowerCase();
  const apiLower = lower(apiPrefix);
  const open = new Set([route.status, route.start, route.stop].map(lower));
  const strings = o.blockedWhileActing.filter((r): r is string => typeof r === 'string').map(lower);
  const exact = new Set(strings);
  const prefixes = strings.map((r) => (r.endsWith('/') ? r : `${r}/`));
  const patterns = o.blockedWhileActing.filter((r): r is RegExp => r instanceof RegExp);

  const blocked = (path: string) => {
    const p = lower(path);
    return (
      // The impersonation admin API itself (users, sessions, audit) is refused while acting; status, start and stop are not.
      (p.startsWith(apiLower) && !open.has(p)) ||
      exact.has(p) ||
      prefixes.some((prefix) => p.startsWith(prefix)) ||
      patterns.some((re) => re.test(path))
    );
  };

  /** Why this live record can't serve this request, if it can't (synchronous with a synchronous directory). */
  function endCause(req: Request, r: ImpersonationRecord, signedIn: string | undefined): Maybe<EndCause | null> {
    // Bound to the actor's own sign-in: another user in this session never inherits it.
    if (signedIn !== r.actorId) return 'logout';
    const expired = expiryCause(o, r, o.now());
    if (expired) return expired;
    return andThen(both(o.users.get(r.actorId), o.users.get(r.subjectId)), ([actor, subject]) =>
      andThen(actorRefusal(o, actor, req), (refused) =>
        refused || !subject ? 'ineligible' : andThen(targetRefusal(o, actor!, subject, req), (t) => (t ? 'ineligible' : null)),
      ),
    );
  }

  const unavailable = (res: Response) => sendError(res, 'STORE_UNAVAILABLE', 'Impersonation state is unavailable; try again shortly.');

  /** Ended here (or already elsewhere: revoked, exited in another tab, swept): serve as the actor, or signed out. */
  async function ended(req: Request, res: Response, next: NextFunction, d: Decision) {
    if (d.record) await life.end(d.record.id, d.cause!, req);
    await leaveActing(req, o, d.cause === 'logout' ? 'logout' : o.exitMode);
    const userId = d.cause === 'logout' || o.exitMode === 'logout' ? undefined : d.signedIn;
    req.onBehalf = { active: false, userId };
    // A write meant for the subject must not run as the actor instead.
    if (!isSafeMethod(req.method) && req.path !== route.stop) {
      return respondError(req, res, 'EXPIRED', 'The work-on-behalf session has ended; nothing was changed.');
    }
    next();
  }

  /** Serve the request as the subject of this live record. */
  function serve(req: Request, res: Response, next: NextFunction, r: ImpersonationRecord) {
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
    // W10: every write made while acting is on the record before its answer leaves.
    if (!isSafeMethod(req.method) && !req.path.startsWith(apiPrefix)) {
      beforeResponse(res, async () => {
        try {
          await life.record(life.event('action', req, { ...life.sessionFields(r), method: req.method, path: req.originalUrl.slice(0, 2048), status: res.statusCode }));
        } catch {
          res.status(503).setHeader('Content-Type', 'application/json');
          return Buffer.from(JSON.stringify({ error: { code: 'AUDIT_UNAVAILABLE', message: 'The audit could not be written.' } }));
        }
      });
    }
    next();
  }

  /** What the re-checks decided for this request. */
  interface Decision {
    signedIn: string | undefined;
    record: ImpersonationRecord | undefined;
    cause: EndCause | null;
  }
  const decide = (req: Request, id: string): Maybe<Decision> =>
    andThen(o.currentUser(req), (user) =>
      andThen(o.store.get(id), (record) => {
        const signedIn = user ?? undefined;
        return andThen(record ? endCause(req, record, signedIn) : 'revoked', (cause) => ({ signedIn, record, cause }));
      }),
    );

  /**
   * The acting path: everything is re-checked before the host sees the request. Synchronous
   * when the host's callbacks and the store answer synchronously (no promise per request);
   * any failure of theirs answers 503: serve nobody rather than the wrong user.
   */
  function acting(req: Request, res: Response, next: NextFunction, id: string) {
    const fail = () => unavailable(res);
    const apply = (d: Decision): void => {
      if (d.cause) return void ended(req, res, next, d).catch(fail);
      const r = d.record!;
      if (blocked(req.path)) {
        return respondError(req, res, 'BLOCKED_WHILE_ACTING', 'This page is not available while working on behalf of a user.');
      }
      if (r.readOnly && !isSafeMethod(req.method) && req.path !== route.stop) {
        return respondError(req, res, 'READ_ONLY', 'This session is read-only: changes are refused.');
      }
      const now = o.now();
      // Reading status is what the extension's banner does on its own every few seconds: it is not
      // the admin's activity, or the idle limit could never end a session left open in a tab.
      const activity = !(req.method === 'GET' && req.path === route.status);
      if (activity && now - r.lastSeenAt >= TOUCH_EVERY_MS) {
        return void o.store.touch(r.id, now).then(() => serve(req, res, next, r)).catch(fail);
      }
      serve(req, res, next, r);
    };
    let decided: Maybe<Decision>;
    try {
      decided = decide(req, id);
    } catch {
      return fail();
    }
    if (isThenable(decided)) return void decided.then(apply).catch(fail);
    apply(decided);
  }

  /** Not acting: no promise and no await when the host's currentUser answers synchronously (most requests). */
  return function onBehalfIdentity(req: Request, res: Response, next: NextFunction) {
    if (!req.session) {
      return next(new Error('onbehalf: express-session must be mounted before onBehalf() (app.use(session(...)) first).'));
    }
    const ref = req.session.onbehalf;
    if (ref) return acting(req, res, next, ref.id);
    let current;
    try {
      current = o.currentUser(req);
    } catch {
      return unavailable(res);
    }
    if (!isThenable(current)) return notActing(req, next, current);
    current.then((userId) => notActing(req, next, userId), () => unavailable(res));
  };
}

function notActing(req: Request, next: NextFunction, userId: string | null | undefined) {
  req.onBehalf = { active: false, userId: userId ?? undefined };
  next();
}
