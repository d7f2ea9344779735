import type { Request } from 'express';
import type { AccessRequest, Person } from '../../../shared/index.js';
import { OnBehalfError } from '../../http/index.js';
import type { Lifecycle } from '../lifecycle.js';
import type { ResolvedOptions } from '../options.js';
import type { DirectoryUser } from '../types.js';
import type { ResolvedSubjectOptions } from './options.js';
import type { TransitionResult } from './types.js';

export const person = (u: DirectoryUser): Person => ({ id: u.id, name: u.name, ...(u.email && { email: u.email }) });

/** Write a request's `access-requested` record before the request exists: refused, there is none (503). */
export async function auditRequest(life: Lifecycle, req: Request, r: AccessRequest): Promise<void> {
  try {
    await life.record(life.event('access-requested', req, { actor: r.actor, subject: r.subject, reason: r.reason, ticket: r.ticket, requestId: r.id }));
  } catch {
    throw new OnBehalfError('AUDIT_UNAVAILABLE', 'The audit could not be written, so no request was sent.');
  }
}

/** The typed error for a request that could not change state. */
export function transitionError(reason: Extract<TransitionResult, { ok: false }>['reason']): OnBehalfError {
  if (reason === 'expired') return new OnBehalfError('REQUEST_EXPIRED', 'This request has expired; ask again.');
  if (reason === 'decided') return new OnBehalfError('ALREADY_DECIDED', 'This request has already been decided.');
  return new OnBehalfError('REQUEST_NOT_FOUND', 'No such request.');
}

/**
 * Decide a pending request (the subject answering consent, or a second admin four-eyes): a
 * compare-and-set in the store, so of racing decisions exactly one wins and the rest get
 * `ALREADY_DECIDED`; then audited, or undone (declined) and refused when the audit fails.
 */
export async function decide(
  o: ResolvedOptions,
  s: ResolvedSubjectOptions,
  life: Lifecycle,
  req: Request,
  r: AccessRequest,
  approver: Person,
  status: 'approved' | 'used' | 'declined',
  expiresAt?: number,
): Promise<AccessRequest> {
  const now = o.now();
  const result = await s.store.transition(r.id, 'pending', { status, approver, decidedAt: now, ...(expiresAt && { expiresAt }) }, now);
  if (!result.ok) throw transitionError(result.reason);
  const type = status === 'declined' ? 'request-declined' : 'request-approved';
  try {
    await life.record(life.event(type, req, { actor: r.actor, subject: r.subject, reason: r.reason, ticket: r.ticket, requestId: r.id, approver }));
  } catch {
    if (status !== 'declined') await s.store.transition(r.id, status, { status: 'declined' }, now).catch(() => undefined);
    throw new OnBehalfError('AUDIT_UNAVAILABLE', 'The audit could not be written, so nothing was decided.');
  }
  return result.request;
}
