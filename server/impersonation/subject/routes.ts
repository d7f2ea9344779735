import express, { type NextFunction, type Request, type Response, type Router } from 'express';
import type * as z from 'zod/mini';
import { type AccessEntry, type AccessRequest, type Grant, accessQuerySchema, consentApprovalSchema, consentRequestSchema, ELIGIBILITY_MESSAGES, grantRequestSchema, type IneligibleCode } from '../../../shared/index.js';
import { OnBehalfError, postOnly, refererPath, wantsPage } from '../../http/index.js';
import type { DirectoryUser } from '../../identity/types.js';
import type { SubjectHost } from './host.js';
import type { Approval } from './approval.js';
import type { Consent } from './consent.js';
import type { AccessHistory } from './history.js';
import type { ResolvedSubjectOptions } from './options.js';

export interface SubjectParts {
  history: AccessHistory;
  consent: Consent;
  approval: Approval;
  access(userId: string, limit?: number): Promise<{ sessions: AccessEntry[]; grants: Grant[]; requests: AccessRequest[] }>;
  approvals(): Promise<AccessRequest[]>;
}

/** A success: back to the page for a browser that wants one (a no-JS form post), JSON for API clients. */
function reply(req: Request, res: Response, body: Record<string, unknown>) {
  if (wantsPage(req)) return res.redirect(303, refererPath(req) ?? '/');
  res.json(body);
}

/** Parse a body or a query; a bad duration is `INVALID_DURATION`, a bad reason `INVALID_REASON`, the rest `BAD_REQUEST`. */
function parse<T extends z.ZodMiniType>(schema: T, input: unknown): z.infer<T> {
  const parsed = schema.safeParse(input ?? {});
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0];
  const field = String(issue.path[0] ?? '');
  const code = field === 'hours' ? 'INVALID_DURATION' : field === 'reason' ? 'INVALID_REASON' : field === 'ticket' ? 'INVALID_TICKET' : 'BAD_REQUEST';
  throw new OnBehalfError(code, issue.message);
}

/**
 * The subject's side of the HTTP API, under basePath: their access history and notices, their
 * grants and answers to requests; admins' consent requests; second admins' approvals; the
 * auditors' view of anyone's history. Refused while acting (the identity middleware refuses
 * every API path but status, start and stop), so an acting admin never reads or dismisses the
 * subject's notices.
 */
export function subjectRouter(
  host: Pick<SubjectHost, 'reason' | 'auditPermission' | 'users' | 'csrf' | 'eligibility' | 'now'>,
  s: ResolvedSubjectOptions,
  parts: SubjectParts,
): Router {
  const { history, consent, approval } = parts;
  const { csrf, eligibility } = host;
  const router = express.Router();
  const askSchema = consentRequestSchema(host.reason);
  const wrap = (fn: (req: Request, res: Response) => Promise<unknown>) => (req: Request, res: Response, next: NextFunction) => {
    res.set('Cache-Control', 'no-store');
    fn(req, res).catch(next);
  };

  /** The signed-in user, themself (never while acting: the identity middleware refuses that first). */
  async function me(req: Request): Promise<DirectoryUser> {
    const ctx = req.onBehalf;
    if (ctx?.active) throw new OnBehalfError('BLOCKED_WHILE_ACTING', 'Not available while working on behalf of a user.');
    const user = ctx?.userId ? await host.users.get(ctx.userId) : undefined;
    if (!user?.active) throw new OnBehalfError('NOT_SIGNED_IN', 'Sign in first.');
    return user;
  }
  const param = (req: Request, name: string) => String(req.params[name]);

  router.get(
    '/me/access',
    wrap(async (req, res) => {
      const user = await me(req);
      const { limit } = parse(accessQuerySchema, req.query);
      // consentRequired: whether this deployment asks for consent at all (the policy decides per target at start).
      res.json({ ...(await parts.access(String(user.id), limit)), consentRequired: s.consentOn });
    }),
  );

  router.post(
    '/me/notices/:id/dismiss',
    csrf.check,
    wrap(async (req, res) => {
      const user = await me(req);
      if (!(await s.store.dismiss(String(user.id), param(req, 'id'), host.now()))) throw new OnBehalfError('NOTICE_NOT_FOUND', 'No such notice.');
      reply(req, res, { dismissed: param(req, 'id') });
    }),
  );

  router.post(
    '/me/grants',
    csrf.check,
    wrap(async (req, res) => {
      const user = await me(req);
      const body = parse(grantRequestSchema, req.body);
      reply(req, res, { grant: await consent.give(req, user, body.hours, body.to === undefined ? undefined : String(body.to)) });
    }),
  );

  router.post(
    '/me/grants/:id/revoke',
    csrf.check,
    wrap(async (req, res) => {
      const user = await me(req);
      reply(req, res, { revoked: await consent.revoke(req, String(user.id), param(req, 'id')) });
    }),
  );

  for (const verdict of ['approve', 'decline'] as const) {
    router.post(
      `/me/requests/:id/${verdict}`,
      csrf.check,
      wrap(async (req, res) => {
        const user = await me(req);
        const hours = verdict === 'approve' ? parse(consentApprovalSchema, req.body).hours : undefined;
        reply(req, res, await consent.answer(req, user, param(req, 'id'), verdict === 'approve', hours));
      }),
    );
    router.post(
      `/approvals/:id/${verdict}`,
      csrf.check,
      wrap(async (req, res) => {
        const user = await me(req);
        reply(req, res, { request: await approval.decide(req, user, param(req, 'id'), verdict === 'approve') });
      }),
    );
  }

  router.post(
    '/consent-requests',
    csrf.check,
    wrap(async (req, res) => {
      const actor = await me(req);
      if (await eligibility.actorRefusal(actor, req)) throw new OnBehalfError('NOT_ALLOWED', ELIGIBILITY_MESSAGES.NOT_ALLOWED);
      const body = parse(askSchema, req.body);
      const target = await host.users.get(body.userId);
      const refusal: IneligibleCode | null = target ? await eligibility.targetRefusal(actor, target, req) : 'USER_NOT_FOUND';
      if (refusal) throw new OnBehalfError(refusal, ELIGIBILITY_MESSAGES[refusal]);
      res.status(201);
      reply(req, res, { request: await consent.ask(req, actor, target!, body.reason, body.ticket) });
    }),
  );

  // The admin's own open requests (consent and approval), so a picker can offer "start" once approved.
  router.get(
    '/requests',
    wrap(async (req, res) => {
      const actor = await me(req);
      res.json({ requests: await s.store.listRequests({ actorId: String(actor.id) }, host.now()) });
    }),
  );

  router.get(
    '/approvals',
    wrap(async (req, res) => {
      const user = await me(req);
      if (!approval.mayApprove(user)) throw new OnBehalfError('NOT_ALLOWED', 'This needs the approval permission.');
      res.json({ requests: await parts.approvals() });
    }),
  );

  router.get(
    '/subjects/:id/access',
    wrap(async (req, res) => {
      const user = await me(req);
      if (!user.permissions?.includes(host.auditPermission)) throw new OnBehalfError('NOT_ALLOWED', 'This needs the audit permission.');
      const { limit } = parse(accessQuerySchema, req.query);
      res.json({ sessions: await history.list(param(req, 'id'), limit) });
    }),
  );

  // They change state: GET is refused (as on start and stop).
  const posts = ['/me/notices/:id/dismiss', '/me/grants', '/me/grants/:id/revoke', '/consent-requests'];
  for (const verdict of ['approve', 'decline']) posts.push(`/me/requests/:id/${verdict}`, `/approvals/:id/${verdict}`);
  for (const path of posts) router.all(path, postOnly);
  return router;
}
