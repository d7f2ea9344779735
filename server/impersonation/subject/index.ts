import type { Request, RequestHandler, Router } from 'express';
import type { AccessEntry, AccessRequest, ApprovalState, AuditEvent, Grant } from '../../../shared/index.js';
import { OnBehalfError } from '../../http/index.js';
import type { DirectoryUser } from '../../identity/types.js';
import { approval } from './approval.js';
import type { SubjectHost } from './host.js';
import { consent } from './consent.js';
import { accessHistory } from './history.js';
import { noticeMiddleware } from './notice-banner.js';
import { resolveSubjectOptions } from './options.js';
import { person } from '../../identity/index.js';
import { subjectRouter } from './routes.js';
import type { SubjectOptions } from './types.js';

export { memorySubjectStore } from './store/index.js';
export type * from './types.js';
export type { SubjectAudit, SubjectHost } from './host.js';

/** What a start must carry when consent or four-eyes allowed it. */
export interface StartPermit {
  /** Added to the `started` audit event: the grant, or the request and its approver. */
  audit: Partial<AuditEvent>;
  /** The session ends by then at the latest (the grant's end). */
  until?: number;
  /**
   * Four-eyes: use the approval up, once the session is created (false when a racing start used
   * it first: the start is then undone). A start refused before that keeps its approval.
   */
  consume?: () => Promise<boolean>;
}

/** The subject's side, wired into one `onBehalf()` (docs/subject.md). */
export interface SubjectSide {
  router: Router;
  /** Run at start once every other rule allowed it: consent, then four-eyes. Throws the typed refusal. */
  beforeStart(req: Request, actor: DirectoryUser, target: DirectoryUser, reason: string, ticket: string | undefined): Promise<StartPermit>;
  /** What the subject may see of access to their account: sessions (newest first, at most `limit` ended ones, default 200), live grants, consent requests waiting for them. */
  access(userId: string, limit?: number): Promise<{ sessions: AccessEntry[]; grants: Grant[]; requests: AccessRequest[] }>;
  /** Four-eyes requests waiting for a second admin. */
  approvals(): Promise<AccessRequest[]>;
  /**
   * For the picker: a lookup of where four-eyes stands for `actor` and a target (undefined when
   * the policy does not protect it). The actor's requests are read once per lookup.
   */
  approvalStates(req: Request, actor: DirectoryUser): (target: DirectoryUser) => Promise<ApprovalState | undefined>;
  /** The subject's notices on their own pages (part of `ob.banner()`). */
  notices: RequestHandler;
  /** Resolves once every access entry being written is written. */
  settled(): Promise<void>;
  close(): Promise<void>;
}

/** The subject's side of one `onBehalf()`, built on what `host` hands it, with its own `options`. */
export function subjectSide(host: SubjectHost, options: SubjectOptions | undefined): SubjectSide {
  const s = resolveSubjectOptions(host, options);
  const history = accessHistory(host, s);
  const grants = consent(host, s);
  const fourEyes = approval(host, s);
  async function access(userId: string, limit?: number) {
    const now = host.now();
    const [sessions, live, requests] = await Promise.all([
      history.list(userId, limit),
      s.store.listGrants(userId, now),
      s.store.listRequests({ subjectId: userId, kind: 'consent' }, now),
    ]);
    return { sessions, grants: live, requests: requests.filter((r) => r.status === 'pending') };
  }
  const approvals = async () => (await s.store.listRequests({ kind: 'approval' }, host.now())).filter((r) => r.status === 'pending');
  function approvalStates(req: Request, actor: DirectoryUser) {
    let mine: Promise<AccessRequest[]> | undefined;
    return async (target: DirectoryUser): Promise<ApprovalState | undefined> => {
      if (!s.approvalOn || !(await s.approval({ actor, target, req }))) return undefined;
      mine ??= s.store.listRequests({ actorId: String(actor.id), kind: 'approval' }, host.now());
      const forTarget = (await mine).filter((r) => String(r.subject.id) === String(target.id));
      if (forTarget.some((r) => r.status === 'approved')) return 'approved';
      return forTarget.some((r) => r.status === 'pending' || r.status === 'deciding') ? 'pending' : 'required';
    };
  }
  return {
    router: subjectRouter(host, s, { history, consent: grants, approval: fourEyes, access, approvals }),
    access,
    approvals,
    approvalStates,
    async beforeStart(req, actor, target, reason, ticket) {
      const input = { actor, target, req };
      const permit: StartPermit = { audit: {} };
      if (s.consentOn && (await s.consent(input))) {
        const grant = await grants.liveGrant(String(target.id), String(actor.id));
        if (!grant) {
          await host.life.denied(req, 'CONSENT_REQUIRED', person(actor), person(target));
          throw new OnBehalfError('CONSENT_REQUIRED', `${target.name} has not granted support access. Ask them: they answer in the app.`, {
            ask: { method: 'POST', path: `${host.basePath}/consent-requests`, body: { userId: target.id, reason: '…' } },
          });
        }
        permit.audit.grantId = grant.id;
        permit.until = grant.expiresAt;
      }
      if (s.approvalOn && (await s.approval(input))) {
        const approved = await fourEyes.atStart(req, actor, target, reason, ticket);
        Object.assign(permit.audit, approved.audit);
        permit.consume = approved.consume;
      }
      return permit;
    },
    notices: noticeMiddleware(host, s, history),
    settled: history.settled,
    async close() {
      await history.settled();
      await s.store.close?.();
    },
  };
}
