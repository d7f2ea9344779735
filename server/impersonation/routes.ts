import { createHash, randomUUID } from 'node:crypto';
import express, { type NextFunction, type Request, type Response, type Router } from 'express';
import { ipKeyGenerator, rateLimit } from 'express-rate-limit';
import helmet from 'helmet';
import {
  ELIGIBILITY_MESSAGES,
  setupMessage,
  startRequestSchema,
  userIdSchema,
  usersQuerySchema,
  type Candidate,
  type ErrorCode,
} from '../../shared/index.js';
import { auditRouter } from '../audit/router.js';
import { adminPage } from './admin-page.js';
import { BANNER_SCRIPT } from './banner-script.js';
import { idKey, numericAlternative } from '../identity/ids.js';
import type { CsrfProtection } from './csrf.js';
import { actorRefusal, targetRefusal } from './eligibility.js';
import { charged, errorHandler, isForm, OnBehalfError, refererPath, requestDeadline, sendError, strictUtf8, wantsPage } from '../http/index.js';
import { expiryCause, type Lifecycle } from './lifecycle.js';
import type { ResolvedOptions } from './options.js';
import { authData, enterActing, leaveActing, signInEnds } from './session.js';
import { tokenRoutes } from './token-routes.js';
import type { DirectoryUser, ImpersonationRecord, UserId } from './types.js';
import type { SubjectSide } from './subject/index.js';

/** A start this soon after another of the same actor is taken as racing it, not as replacing an abandoned one. */
const RACING_START_MS = 2_000;

/** Which host session a record was started from, without keeping the session id itself. */
const sessionDigest = (req: Request) => createHash('sha256').update(String(req.sessionID)).digest('base64url').slice(0, 22);

const person = (u: DirectoryUser) => ({ id: u.id, name: u.name, ...(u.email && { email: u.email }) });
/** Answer a success: JSON for API clients, a 303 redirect for a no-JS form post. */
function done(req: Request, res: Response, redirect: string, body: Record<string, unknown>) {
  if (wantsPage(req)) return res.redirect(303, redirect);
  res.json({ ...body, redirect });
}

/** The HTTP API under basePath: status, users, start, stop, and the session admin API. */
export function apiRouter(o: ResolvedOptions, life: Lifecycle, csrf: CsrfProtection, subject: SubjectSide): Router {
  const router = express.Router();
  router.use(helmet());
  router.use(express.json({ limit: '16kb', verify: strictUtf8 }), express.urlencoded({ extended: false, limit: '16kb', parameterLimit: 20 }));
  const startSchema = startRequestSchema(o.reason);

  /** The signed-in actor as the directory has them, refused unless W1 holds. */
  async function allowedActor(req: Request): Promise<DirectoryUser> {
    const id = req.onBehalf?.active ? req.onBehalf.actor.id : req.onBehalf?.userId;
    if (id === undefined || id === '') throw new OnBehalfError('NOT_SIGNED_IN', 'Sign in first.');
    const actor = await o.users.get(id);
    if (await actorRefusal(o, actor, req)) throw new OnBehalfError('NOT_ALLOWED', ELIGIBILITY_MESSAGES.NOT_ALLOWED);
    return actor!;
  }

  async function holdsAuditPermission(req: Request): Promise<DirectoryUser> {
    const id = req.onBehalf?.userId;
    if (id === undefined || id === '') throw new OnBehalfError('NOT_SIGNED_IN', 'Sign in first.');
    const user = await o.users.get(id);
    if (!user?.active || !user.permissions?.includes(o.auditPermission)) throw new OnBehalfError('NOT_ALLOWED', 'This needs the audit permission.');
    return user;
  }

  /** A user by the id a client sent: a form's "42" finds the directory's user 42. */
  async function lookUp(id: UserId): Promise<DirectoryUser | undefined> {
    const found = await o.users.get(id);
    const n = found ? undefined : numericAlternative(id);
    return n === undefined ? found : o.users.get(n);
  }

  /**
   * Why starting would sign the actor out, if it would: the identity read on a request whose
   * session holds exactly what the acting session will (the carried keys), with no `req.user`.
   */
  async function signInLost(req: Request, actor: DirectoryUser): Promise<string | undefined> {
    const wrong = o.identity.misconfigured?.(req);
    if (wrong) return wrong;
    const carried = authData(req, o);
    const view = Object.create(req, { session: { value: carried }, user: { value: undefined } }) as Request;
    let kept: UserId | null | undefined;
    try {
      kept = await o.identity.read(view);
    } catch {
      kept = undefined;
    }
    if (idKey(kept) === idKey(actor.id)) return undefined;
    const dropped = Object.keys(req.session).filter((k) => !(k in carried) && !['cookie', 'csrfToken', 'onbehalf'].includes(k));
    return (
      `starting would sign you out: ${o.identity.name} does not find you in the session keys onbehalf carries (${o.authSessionKeys.join(', ')})` +
      `${dropped.length ? `; not carried: ${dropped.join(', ')}` : ''}. Name your sign-in's key in \`authSessionKeys\`, ` +
      `or use identity: passportIdentity(passport) / sessionKeyIdentity('yourKey') (docs/recipes.md).`
    );
  }

  /**
   * The actor has a live record this session does not refer to (it is not acting): a session the
   * host dropped (re-login, regenerate) or one left on another device. It is ended, audited with
   * why, so the actor can always start again. A record started from this very session, or a
   * moment ago, is a racing start: that one wins.
   */
  async function endAbandoned(req: Request, actorKey: string): Promise<boolean> {
    const now = o.now();
    let cleared = false;
    for (const r of await o.store.list({ actorId: actorKey }, requestDeadline(req))) {
      const racing = r.startedIn === sessionDigest(req) || now - r.startedAt < RACING_START_MS;
      if (racing && !expiryCause(o, r, now)) return false;
      await life.end(r.id, expiryCause(o, r, now) ?? 'replaced', req);
      cleared = true;
    }
    return cleared;
  }

  /** Use the four-eyes approval up now that the session exists; undo the session when it can't be. */
  async function consumeApproval(id: string, consume: () => Promise<boolean>) {
    const used = await consume().catch(() => undefined);
    if (used) return;
    await o.store.end(id).catch(() => undefined);
    if (used === undefined) throw new OnBehalfError('STORE_UNAVAILABLE', 'The approval could not be used; nothing was started.');
    throw new OnBehalfError('APPROVAL_REQUIRED', 'That approval was used by another start: ask for a new one.');
  }

  const wrap = (fn: (req: Request, res: Response) => Promise<unknown>) => (req: Request, res: Response, next: NextFunction) =>
    fn(req, res).catch(next);

  router.get(
    '/status',
    wrap(async (req, res) => {
      res.set('Cache-Control', 'no-store');
      const ctx = req.onBehalf!;
      // Signed out: nothing here needs a token, and making one would store a session per anonymous read.
      const csrfToken = ctx.active || ctx.userId !== undefined ? csrf.token(req) : (csrf.existing(req) ?? '');
      if (ctx.active) {
        const record = await o.store.get(ctx.sessionId, requestDeadline(req));
        if (!record) throw new OnBehalfError('STORE_UNAVAILABLE', 'The session could not be read.');
        return res.json({ active: true, session: life.view(record), csrfToken, now: o.now() });
      }
      let canImpersonate = false;
      if (ctx.userId !== undefined) canImpersonate = !(await actorRefusal(o, await o.users.get(ctx.userId), req));
      res.json({ active: false, csrfToken, signedIn: Boolean(ctx.userId), canImpersonate });
    }),
  );

  router.get(
    '/users',
    wrap(async (req, res) => {
      res.set('Cache-Control', 'no-store');
      const actor = await allowedActor(req);
      const q = usersQuerySchema.safeParse(req.query);
      if (!q.success) throw new OnBehalfError('BAD_REQUEST', q.error.issues[0].message);
      const found = await o.users.search(q.data.q, q.data.limit);
      const approvalOf = subject.approvalStates(req, actor);
      const users: Candidate[] = await Promise.all(
        found.map(async (u) => {
          const code = await targetRefusal(o, actor, u, req);
          if (code) return { ...person(u), eligible: false, code, message: ELIGIBILITY_MESSAGES[code] };
          const approval = await approvalOf(u);
          return { ...person(u), eligible: true, ...(approval && { approval }) };
        }),
      );
      res.json({ users });
    }),
  );

  const startLimiter = rateLimit({
    windowMs: o.rateLimit.windowMs,
    limit: o.rateLimit.limit,
    standardHeaders: 'draft-8',
    legacyHeaders: false,
    ...(o.rateLimit.store && { store: o.rateLimit.store }),
    keyGenerator: (req) => (req.onBehalf?.userId !== undefined ? `user:${req.onBehalf.userId}` : ipKeyGenerator(req.ip ?? '')),
    handler: (req, res) => sendError(req, res, new OnBehalfError('RATE_LIMITED', 'Too many attempts to start; wait a minute.')),
  });

  // The check's wait for a shared store counts against the start request's deadline.
  const limitStarts = (req: Request, res: Response, next: NextFunction) => {
    const done = charged(req);
    res.once('close', done);
    startLimiter(req, res, (err?: unknown) => {
      done();
      next(err);
    });
  };

  router.post(
    '/start',
    limitStarts,
    csrf.check,
    wrap(async (req, res) => {
      const ctx = req.onBehalf!;
      if (ctx.active) throw new OnBehalfError('ALREADY_ACTING', ELIGIBILITY_MESSAGES.ALREADY_ACTING);
      let actor: DirectoryUser;
      try {
        actor = await allowedActor(req);
      } catch (err) {
        if (err instanceof OnBehalfError && err.code === 'NOT_ALLOWED') {
          // Auditors want to see whom a refused caller was after, too.
          const targetId = userIdSchema.safeParse((req.body as { userId?: unknown } | undefined)?.userId).data;
          const [who, target] = await Promise.all([ctx.userId !== undefined ? o.users.get(ctx.userId) : undefined, targetId !== undefined ? lookUp(targetId) : undefined]);
          const named = (u: DirectoryUser | undefined, id?: UserId) => (u ? person(u) : id !== undefined ? { id, name: '' } : undefined);
          await life.denied(req, err.code, named(who, ctx.userId), named(target, targetId));
        }
        throw err;
      }
      const parsed = startSchema.safeParse(req.body ?? {});
      if (!parsed.success) {
        const issue = parsed.error.issues[0];
        const field = String(issue.path[0] ?? '');
        const code: ErrorCode = field === 'reason' ? 'INVALID_REASON' : field === 'ticket' ? 'INVALID_TICKET' : field === 'returnTo' ? 'INVALID_RETURN_TO' : 'BAD_REQUEST';
        throw new OnBehalfError(code, issue.message);
      }
      const body = parsed.data;
      if (o.stepUp && !(await o.stepUp(req))) throw new OnBehalfError('STEP_UP_REQUIRED', 'Confirm your identity again before working on behalf of a user.');

      const lost = await signInLost(req, actor);
      if (lost) {
        o.warn(setupMessage('SIGN_IN_NOT_KEPT', lost));
        await life.denied(req, 'SIGN_IN_NOT_KEPT', person(actor));
        throw new OnBehalfError('SIGN_IN_NOT_KEPT', `onbehalf is misconfigured, so nothing was started: ${lost}`);
      }

      const target = await lookUp(body.userId);
      const refusal: ErrorCode | null = target ? await targetRefusal(o, actor, target, req) : 'USER_NOT_FOUND';
      if (refusal) {
        await life.denied(req, refusal, person(actor), target ? person(target) : { id: body.userId, name: '' });
        throw new OnBehalfError(refusal, ELIGIBILITY_MESSAGES[refusal as keyof typeof ELIGIBILITY_MESSAGES] ?? 'Refused.');
      }

      // Consent and four-eyes, once every other rule allowed the start (an approval is used up once the session exists).
      const permit = await subject.beforeStart(req, actor, target!, body.reason, body.ticket);
      const now = o.now();
      // Never outlive the actor's own sign-in.
      const signInLimit = signInEnds(req) ?? Infinity;
      const record: ImpersonationRecord = {
        id: randomUUID(),
        actorId: idKey(actor.id)!,
        subjectId: idKey(target!.id)!,
        actor: person(actor),
        subject: person(target!),
        reason: body.reason,
        ...(body.ticket && { ticket: body.ticket }),
        readOnly: body.readOnly ?? false,
        startedAt: now,
        expiresAt: Math.min(now + o.maxDurationMs, signInLimit, permit.until ?? Infinity),
        lastSeenAt: now,
        returnTo: body.returnTo ?? refererPath(req) ?? o.exitPath,
        startedIn: sessionDigest(req),
      };
      // Sessions an earlier process left live are on the record first.
      await life.ready;
      let created: boolean;
      try {
        created = (await o.store.create(record, requestDeadline(req))) || ((await endAbandoned(req, record.actorId)) && (await o.store.create(record, requestDeadline(req))));
      } catch {
        // A create that timed out may still land later: queue its removal behind it (with a budget of
        // its own, and not waited for: this request has had its wait).
        void o.store.end(record.id).catch(() => undefined);
        throw new OnBehalfError('STORE_UNAVAILABLE', 'Impersonation state is unavailable; nothing was started.');
      }
      if (!created) throw new OnBehalfError('ALREADY_ACTING', ELIGIBILITY_MESSAGES.ALREADY_ACTING);
      if (permit.consume) await consumeApproval(record.id, permit.consume);

      // Fail closed: no record on disk, no impersonation.
      try {
        await life.record(life.event('started', req, { ...life.sessionFields(record), ...permit.audit }));
      } catch {
        await o.store.end(record.id).catch(() => undefined);
        throw new OnBehalfError('AUDIT_UNAVAILABLE', 'The audit could not be written, so nothing was started.');
      }
      try {
        await enterActing(req, o, record);
      } catch (err) {
        await life.end(record.id, 'revoked', req);
        throw err;
      }
      life.emitStarted(record);
      done(req, res, o.landingPath, { session: life.view(record), csrfToken: csrf.renew(req) });
    }),
  );

  router.get('/banner.js', (_req, res) => {
    res.set('Cache-Control', 'no-cache').type('text/javascript').send(BANNER_SCRIPT);
  });

  router.post(
    '/stop',
    // The server banner's Exit on a page left open after the session ended elsewhere: nothing
    // to end, so back to that page (now as the admin; showing it acknowledges the end), not an error.
    (req, res, next) => (isForm(req) && !req.onBehalf?.active ? res.redirect(303, refererPath(req) ?? o.exitPath) : next()),
    csrf.check,
    wrap(async (req, res) => {
      const ctx = req.onBehalf!;
      if (!ctx.active) {
        // Exit after an end the actor had not seen yet: it acknowledges that end, and is never refused.
        if (!req.session.onbehalfEnded) throw new OnBehalfError('NOT_ACTING', 'You are not working on behalf of anyone.');
        delete req.session.onbehalfEnded;
        return done(req, res, o.exitPath, {});
      }
      const record = await o.store.get(ctx.sessionId, requestDeadline(req));
      await life.end(ctx.sessionId, 'exit', req);
      await leaveActing(req, o, o.exitMode);
      const redirect = o.exitMode === 'return' ? (record?.returnTo ?? o.exitPath) : o.exitPath;
      done(req, res, redirect, o.exitMode === 'return' ? { csrfToken: csrf.renew(req) } : {});
    }),
  );

  if (o.tokens) router.use(tokenRoutes(o.tokens, csrf, o.now));

  router.get(
    '/sessions',
    wrap(async (req, res) => {
      await holdsAuditPermission(req);
      const sessions = await o.store.list(undefined, requestDeadline(req));
      res.set('Cache-Control', 'no-store').json({ sessions: sessions.map(life.view) });
    }),
  );

  router.post(
    '/sessions/:id/revoke',
    csrf.check,
    wrap(async (req, res) => {
      await holdsAuditPermission(req);
      const ended = await life.end(String(req.params.id), 'revoked', req);
      if (!ended) throw new OnBehalfError('SESSION_NOT_FOUND', 'No active session with that id.');
      res.json({ revoked: life.view(ended) });
    }),
  );

  // The subject's side: access history, notices, grants, requests, approvals.
  router.use(adminPage(o, csrf, { allowedActor, lookUp }));
  router.use(subject.router);

  // The auditors' API: query, export, session view (needs a sink with query()).
  router.use(auditRouter({ sink: o.audit, canRead: (req) => holdsAuditPermission(req).then(() => true, () => false) }));

  // GET on start/stop is refused: they change state (django-hijack, laravel-impersonate's flaw).
  for (const path of ['/start', '/stop', '/sessions/:id/revoke', ...(o.tokens ? ['/token'] : [])]) {
    router.all(path, (req, res) => {
      res.set('Allow', 'POST');
      sendError(req, res, new OnBehalfError('METHOD_NOT_ALLOWED', 'Use POST.'));
    });
  }
  router.use((req, res) => sendError(req, res, new OnBehalfError('NOT_FOUND', 'No such onbehalf endpoint.')));
  router.use(errorHandler(o.warn));
  return router;
}
