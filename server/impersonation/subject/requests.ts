import type { Request } from 'express';
import type { AccessRequest, AuditEvent, Person } from '../../../shared/index.js';
import { OnBehalfError } from '../../http/index.js';
import type { SubjectAudit, SubjectHost } from './host.js';
import type { ResolvedSubjectOptions } from './options.js';
import type { TransitionResult } from './types.js';

/** Write a record before what it records happens: refused, it does not happen (503 AUDIT_UNAVAILABLE, saying what did not). */
export async function audited(life: SubjectAudit, req: Request, type: AuditEvent['type'], fields: Partial<AuditEvent>, notDone: string): Promise<void> {
  try {
    await life.record(life.event(type, req, fields));
  } catch {
    throw new OnBehalfError('AUDIT_UNAVAILABLE', `The audit could not be written, so ${notDone}.`);
  }
}

/** Write a request's `access-requested` record before the request exists: refused, there is none (503). */
export function auditRequest(life: SubjectAudit, req: Request, r: AccessRequest): Promise<void> {
  return audited(life, req, 'access-requested', { actor: r.actor, subject: r.subject, reason: r.reason, ticket: r.ticket, requestId: r.id }, 'no request was sent');
}

/** The typed error for a request that could not change state. */
export function transitionError(reason: Extract<TransitionResult, { ok: false }>['reason']): OnBehalfError {
  if (reason === 'expired') return new OnBehalfError('REQUEST_EXPIRED', 'This request has expired; ask again.');
  if (reason === 'decided') return new OnBehalfError('ALREADY_DECIDED', 'This request has already been decided, or is being decided.');
  return new OnBehalfError('REQUEST_NOT_FOUND', 'No such request.');
}

/**
 * Decide a pending request (the subject answering consent, or a second admin four-eyes), audit
 * first: claim it (pending → deciding, a compare-and-set in the store, so of racing decisions
 * exactly one claims it and the rest get `ALREADY_DECIDED`), write its record, run `effect` (the
 * grant an approval gives, audited itself), and only then set the decision. When the audit (or
 * `effect`) fails, the claim goes back to pending: nothing was decided.
 */
export async function decide<T>(
  { life, now: clock, warn }: Pick<SubjectHost, 'life' | 'now' | 'warn'>,
  s: ResolvedSubjectOptions,
  req: Request,
  r: AccessRequest,
  approver: Person,
  status: 'approved' | 'used' | 'declined',
  after: { expiresAt?: number; effect?: (r: AccessRequest) => Promise<T> } = {},
): Promise<{ request: AccessRequest; effect?: T }> {
  // One time for the claim and the decision: a request claimed before its deadline is decided at it.
  const now = clock();
  const claimed = await s.store.transition(r.id, 'pending', { status: 'deciding' }, now);
  if (!claimed.ok) throw transitionError(claimed.reason);
  let effect: T | undefined;
  try {
    const type = status === 'declined' ? 'request-declined' : 'request-approved';
    await audited(life, req, type, { actor: r.actor, subject: r.subject, reason: r.reason, ticket: r.ticket, requestId: r.id, approver }, 'nothing was decided');
    effect = await after.effect?.(claimed.request);
  } catch (err) {
    // A claim the store can't release stays until the request expires: nothing is granted meanwhile.
    await s.store.transition(r.id, 'deciding', { status: 'pending' }, now).catch((e) => warn(`could not release the claim on request ${r.id}: ${String(e)}`));
    throw err;
  }
  const decided = await s.store.transition(r.id, 'deciding', { status, approver, decidedAt: now, ...(after.expiresAt && { expiresAt: after.expiresAt }) }, now);
  // Only the claim's holder moves a request on from deciding.
  if (!decided.ok) throw transitionError(decided.reason);
  return { request: decided.request, ...(effect !== undefined && { effect }) };
}
