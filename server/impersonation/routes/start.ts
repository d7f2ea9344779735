import { createHash, randomUUID } from 'node:crypto';
import type { Request, Response } from 'express';
import type * as z from 'zod/mini';
import { ELIGIBILITY_MESSAGES, setupMessage, startRequestSchema, userIdSchema, type ErrorCode, type StartRequest } from '../../../shared/index.js';
import { OnBehalfError, refererPath, requestDeadline } from '../../http/index.js';
import { idKey } from '../../identity/ids.js';
import type { DirectoryUser, UserId } from '../../identity/types.js';
import type { ImpersonationRecord } from '../store/index.js';
import type { StartPermit } from '../subject/index.js';
import type { ActorChecks } from './actors.js';
import type { ApiDeps } from './deps.js';
import { person } from '../../identity/index.js';
import { done } from './reply.js';

/** A start this soon after another of the same actor is taken as racing it, not as replacing an abandoned one. */
const RACING_START_MS = 2_000;

type StartDeps = Pick<
  ApiDeps,
  'users' | 'sessions' | 'life' | 'csrf' | 'eligibility' | 'subject' | 'acting' | 'identity' | 'authSessionKeys' | 'reason' | 'stepUp' | 'maxDurationMs' | 'landingPath' | 'exitPath' | 'now' | 'warn'
> & { actors: ActorChecks };

/**
 * `POST /start`: the checks in this order, each refusing with its own code (refusals of who and
 * whom are audited as `denied`), then the record, its `started` audit and the acting session.
 */
export function startHandler(d: StartDeps) {
  const schema = startRequestSchema(d.reason);
  return async (req: Request, res: Response) => {
    if (req.onBehalf!.active) throw new OnBehalfError('ALREADY_ACTING', ELIGIBILITY_MESSAGES.ALREADY_ACTING);
    const actor = await checkActor(d, req);
    const body = parseBody(schema, req.body);
    await stepUp(d, req);
    await checkSignInKept(d, req, actor);
    const target = await checkTarget(d, req, actor, body.userId);
    // Consent and four-eyes, once every other rule allowed the start (an approval is used up once the session exists).
    const permit = await d.subject.beforeStart(req, actor, target, body.reason, body.ticket);
    const record = newRecord(d, req, actor, target, body, permit);
    await createRecord(d, req, record);
    if (permit.consume) await useApproval(d, record, permit.consume);
    await auditStarted(d, req, record, permit);
    await enterActing(d, req, record);
    d.life.emitStarted(record);
    done(req, res, d.landingPath, { session: d.life.view(record), csrfToken: d.csrf.renew(req) });
  };
}

/** Which host session a record was started from, without keeping the session id itself. */
const sessionDigest = (req: Request) => createHash('sha256').update(String(req.sessionID)).digest('base64url').slice(0, 22);

/** The caller may work on behalf of users; a refusal is audited with whom they were after. */
async function checkActor({ actors, users, life }: Pick<StartDeps, 'actors' | 'users' | 'life'>, req: Request): Promise<DirectoryUser> {
  try {
    return await actors.allowedActor(req);
  } catch (err) {
    if (err instanceof OnBehalfError && err.code === 'NOT_ALLOWED') {
      const ctx = req.onBehalf!;
      const targetId = userIdSchema.safeParse((req.body as { userId?: unknown } | undefined)?.userId).data;
      const [who, target] = await Promise.all([ctx.userId !== undefined ? users.get(ctx.userId) : undefined, targetId !== undefined ? actors.lookUp(targetId) : undefined]);
      const named = (u: DirectoryUser | undefined, id?: UserId) => (u ? person(u) : id !== undefined ? { id, name: '' } : undefined);
      await life.denied(req, err.code, named(who, ctx.userId), named(target, targetId));
    }
    throw err;
  }
}

/** The start request, or the refusal naming its first bad field. */
function parseBody(schema: z.ZodMiniType<StartRequest>, raw: unknown): StartRequest {
  const parsed = schema.safeParse(raw ?? {});
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0];
  const field = String(issue.path[0] ?? '');
  const code: ErrorCode = field === 'reason' ? 'INVALID_REASON' : field === 'ticket' ? 'INVALID_TICKET' : field === 'returnTo' ? 'INVALID_RETURN_TO' : 'BAD_REQUEST';
  throw new OnBehalfError(code, issue.message);
}

/** The host's re-authentication, when it asks for one. */
async function stepUp(d: Pick<StartDeps, 'stepUp'>, req: Request): Promise<void> {
  if (d.stepUp && !(await d.stepUp(req))) throw new OnBehalfError('STEP_UP_REQUIRED', 'Confirm your identity again before working on behalf of a user.');
}

/** Starting must not sign the actor out: a misconfiguration is warned, audited and refused. */
async function checkSignInKept(d: Pick<StartDeps, 'identity' | 'acting' | 'authSessionKeys' | 'warn' | 'life'>, req: Request, actor: DirectoryUser): Promise<void> {
  const lost = await signInLost(d, req, actor);
  if (!lost) return;
  d.warn(setupMessage('SIGN_IN_NOT_KEPT', lost));
  await d.life.denied(req, 'SIGN_IN_NOT_KEPT', person(actor));
  throw new OnBehalfError('SIGN_IN_NOT_KEPT', `onbehalf is misconfigured, so nothing was started: ${lost}`);
}

/**
 * Why starting would sign the actor out, if it would: the identity read on a request whose
 * session holds exactly what the acting session will (the carried keys), with no `req.user`.
 */
async function signInLost({ identity, acting, authSessionKeys }: Pick<StartDeps, 'identity' | 'acting' | 'authSessionKeys'>, req: Request, actor: DirectoryUser): Promise<string | undefined> {
  const wrong = identity.misconfigured?.(req);
  if (wrong) return wrong;
  const carried = acting.carried(req);
  const view = Object.create(req, { session: { value: carried }, user: { value: undefined } }) as Request;
  let kept: UserId | null | undefined;
  try {
    kept = await identity.read(view);
  } catch {
    kept = undefined;
  }
  if (idKey(kept) === idKey(actor.id)) return undefined;
  const dropped = Object.keys(req.session).filter((k) => !(k in carried) && !['cookie', 'csrfToken', 'onbehalf'].includes(k));
  return (
    `starting would sign you out: ${identity.name} does not find you in the session keys onbehalf carries (${authSessionKeys.join(', ')})` +
    `${dropped.length ? `; not carried: ${dropped.join(', ')}` : ''}. Name your sign-in's key in \`authSessionKeys\`, ` +
    `or use identity: passportIdentity(passport) / sessionKeyIdentity('yourKey') (docs/recipes.md).`
  );
}

/** The target exists and may be worked on behalf of by this actor; a refusal is audited. */
async function checkTarget({ actors, eligibility, life }: Pick<StartDeps, 'actors' | 'eligibility' | 'life'>, req: Request, actor: DirectoryUser, userId: UserId): Promise<DirectoryUser> {
  const target = await actors.lookUp(userId);
  const refusal: ErrorCode | null = target ? await eligibility.targetRefusal(actor, target, req) : 'USER_NOT_FOUND';
  if (!refusal) return target!;
  await life.denied(req, refusal, person(actor), target ? person(target) : { id: userId, name: '' });
  throw new OnBehalfError(refusal, ELIGIBILITY_MESSAGES[refusal as keyof typeof ELIGIBILITY_MESSAGES] ?? 'Refused.');
}

function newRecord(
  { acting, maxDurationMs, exitPath, now: clock }: Pick<StartDeps, 'acting' | 'maxDurationMs' | 'exitPath' | 'now'>,
  req: Request,
  actor: DirectoryUser,
  target: DirectoryUser,
  body: StartRequest,
  permit: StartPermit,
): ImpersonationRecord {
  const now = clock();
  // Never outlive the actor's own sign-in.
  const signInLimit = acting.signInEnds(req) ?? Infinity;
  return {
    id: randomUUID(),
    actorId: idKey(actor.id)!,
    subjectId: idKey(target.id)!,
    actor: person(actor),
    subject: person(target),
    reason: body.reason,
    ...(body.ticket && { ticket: body.ticket }),
    readOnly: body.readOnly ?? false,
    startedAt: now,
    expiresAt: Math.min(now + maxDurationMs, signInLimit, permit.until ?? Infinity),
    lastSeenAt: now,
    returnTo: body.returnTo ?? refererPath(req) ?? exitPath,
    startedIn: sessionDigest(req),
  };
}

/** Save the record, unless the actor has a live one: that one is ended first when abandoned. */
async function createRecord(d: Pick<StartDeps, 'sessions' | 'life' | 'now'>, req: Request, record: ImpersonationRecord): Promise<void> {
  // Sessions an earlier process left live are on the record first.
  await d.life.ready;
  let created: boolean;
  try {
    created = (await d.sessions.create(record, requestDeadline(req))) || ((await endAbandoned(d, req, record.actorId)) && (await d.sessions.create(record, requestDeadline(req))));
  } catch {
    // A create that timed out may still land later: queue its removal behind it (with a budget of
    // its own, and not waited for: this request has had its wait).
    void d.sessions.end(record.id).catch(() => undefined);
    throw new OnBehalfError('STORE_UNAVAILABLE', 'Impersonation state is unavailable; nothing was started.');
  }
  if (!created) throw new OnBehalfError('ALREADY_ACTING', ELIGIBILITY_MESSAGES.ALREADY_ACTING);
}

/**
 * The actor has a live record this session does not refer to (it is not acting): a session the
 * host dropped (re-login, regenerate) or one left on another device. It is ended, audited with
 * why, so the actor can always start again. A record started from this very session, or a
 * moment ago, is a racing start: that one wins.
 */
async function endAbandoned({ sessions, life, now: clock }: Pick<StartDeps, 'sessions' | 'life' | 'now'>, req: Request, actorKey: string): Promise<boolean> {
  const now = clock();
  let cleared = false;
  for (const r of await sessions.list({ actorId: actorKey }, requestDeadline(req))) {
    const racing = r.startedIn === sessionDigest(req) || now - r.startedAt < RACING_START_MS;
    if (racing && !life.expiryCause(r, now)) return false;
    await life.end(r.id, life.expiryCause(r, now) ?? 'replaced', req);
    cleared = true;
  }
  return cleared;
}

/** Use the four-eyes approval up now that the session exists; undo the session when it can't be. */
async function useApproval({ sessions }: Pick<StartDeps, 'sessions'>, record: ImpersonationRecord, consume: () => Promise<boolean>): Promise<void> {
  const used = await consume().catch(() => undefined);
  if (used) return;
  await sessions.end(record.id).catch(() => undefined);
  if (used === undefined) throw new OnBehalfError('STORE_UNAVAILABLE', 'The approval could not be used; nothing was started.');
  throw new OnBehalfError('APPROVAL_REQUIRED', 'That approval was used by another start: ask for a new one.');
}

/** Fail closed: no record in the audit, no impersonation. */
async function auditStarted({ life, sessions }: Pick<StartDeps, 'life' | 'sessions'>, req: Request, record: ImpersonationRecord, permit: StartPermit): Promise<void> {
  try {
    await life.record(life.event('started', req, { ...life.sessionFields(record), ...permit.audit }));
  } catch {
    await sessions.end(record.id).catch(() => undefined);
    throw new OnBehalfError('AUDIT_UNAVAILABLE', 'The audit could not be written, so nothing was started.');
  }
}

/** Switch the host session to acting; if that fails, the session ends (audited `revoked`). */
async function enterActing({ acting, life }: Pick<StartDeps, 'acting' | 'life'>, req: Request, record: ImpersonationRecord): Promise<void> {
  try {
    await acting.enter(req, record);
  } catch (err) {
    await life.end(record.id, 'revoked', req);
    throw err;
  }
}
