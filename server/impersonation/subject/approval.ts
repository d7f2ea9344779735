import { randomUUID } from 'node:crypto';
import type { Request } from 'express';
import type { AccessRequest, AuditEvent } from '../../../shared/index.js';
import { OnBehalfError } from '../../http/index.js';
import type { DirectoryUser } from '../../identity/types.js';
import type { SubjectHost } from './host.js';
import type { ResolvedSubjectOptions } from './options.js';
import { person } from '../../identity/index.js';
import { auditRequest, decide, transitionError } from './requests.js';

/** Four-eyes: a start on a protected target needs a second admin's approval (docs/subject.md). */
export function approval(host: Pick<SubjectHost, 'life' | 'now' | 'warn'>, s: ResolvedSubjectOptions) {
  const { life } = host;
  const mayApprove = (u: DirectoryUser | undefined) => Boolean(u?.active && u.permissions?.includes(s.approvalPermission));

  return {
    mayApprove,

    /**
     * At start: find an approved request, or say the one that waits, or create one. The start goes
     * on only with an approval; its audit names the approver. The approval is used up by
     * `consume`, which the start calls only once its session exists (so a start refused for any
     * other reason keeps it); of racing starts on one approval, one consumes it.
     */
    async atStart(req: Request, actor: DirectoryUser, target: DirectoryUser, reason: string, ticket: string | undefined): Promise<{ audit: Partial<AuditEvent>; consume: () => Promise<boolean> }> {
      const now = host.now();
      const open = await s.store.listRequests({ actorId: String(actor.id), subjectId: String(target.id), kind: 'approval' }, now);
      const approved = open.find((x) => x.status === 'approved' && x.expiresAt > now);
      if (approved) {
        // The second admin approved this reason and ticket: the session carries exactly those.
        if (approved.reason !== reason || (approved.ticket ?? '') !== (ticket ?? '')) {
          await life.denied(req, 'APPROVAL_MISMATCH', person(actor), person(target));
          throw new OnBehalfError('APPROVAL_MISMATCH', 'Start with the reason and ticket that were approved, or ask for a new approval.', {
            request: { id: approved.id, reason: approved.reason, ...(approved.ticket && { ticket: approved.ticket }), expiresAt: approved.expiresAt },
          });
        }
        return {
          audit: { requestId: approved.id, approver: approved.approver },
          consume: async () => (await s.store.transition(approved.id, 'approved', { status: 'used' }, host.now())).ok,
        };
      }
      // A request being decided still waits: its decision is being audited.
      const waiting = open.find((x) => x.status === 'pending' || x.status === 'deciding');
      const details = (r: AccessRequest) => ({ request: { id: r.id, expiresAt: r.expiresAt } });
      if (waiting) throw new OnBehalfError('APPROVAL_PENDING', 'Your request waits for a second admin’s approval.', details(waiting));
      const r: AccessRequest = {
        id: randomUUID(), kind: 'approval', actor: person(actor), subject: person(target), reason, ...(ticket && { ticket }),
        createdAt: now, expiresAt: now + s.approvalWindowMs, status: 'pending',
      };
      await auditRequest(life, req, r);
      await s.store.addRequest(r);
      throw new OnBehalfError('APPROVAL_REQUIRED', `Working on behalf of ${target.name} needs a second admin’s approval: a request was sent.`, details(r));
    },

    /** A second admin decides. Never the requester, nor the subject; within the window; exactly once. */
    async decide(req: Request, approver: DirectoryUser, id: string, approve: boolean): Promise<AccessRequest> {
      if (!mayApprove(approver)) throw new OnBehalfError('NOT_ALLOWED', 'This needs the approval permission.');
      const r = await s.store.getRequest(id);
      if (!r || r.kind !== 'approval') throw transitionError('not-found');
      if (r.actor.id === approver.id || r.subject.id === approver.id) throw new OnBehalfError('SELF_APPROVAL', 'A second admin must approve: not the requester, nor the user concerned.');
      // Approved: the requester has one more window to start.
      const decided = await decide(host, s, req, r, person(approver), approve ? 'approved' : 'declined', { expiresAt: approve ? host.now() + s.approvalWindowMs : undefined });
      return decided.request;
    },
  };
}
export type Approval = ReturnType<typeof approval>;
