import type { AccessEntry, AccessRequest, Grant } from '../../../../shared/index.js';

/** What changes a request's state, applied only when it still is what the caller saw. */
export interface RequestDecision {
  status: AccessRequest['status'];
  approver?: AccessRequest['approver'];
  decidedAt?: number;
  /** A new deadline (an approved request must be used before it). */
  expiresAt?: number;
}
/**
 * A request still open at `now`: pending, being decided, or approved and not yet used. Stores
 * list (and index) only these.
 */
export const isOpen = (r: AccessRequest, now: number) => (r.status === 'pending' || r.status === 'deciding' || r.status === 'approved') && r.expiresAt > now;
/** Stores keep a request this long past its deadline, so a late decision is told "expired", not "not found". */
export const REQUEST_GRACE_MS = 24 * 3_600_000;

export type TransitionResult = { ok: true; request: AccessRequest } | { ok: false; reason: 'not-found' | 'expired' | 'decided' };

/**
 * Where the subject's side keeps its state: access history (with the notices' dismissals),
 * consent grants and access requests. `memorySubjectStore()` is the default (one process);
 * `redisSubjectStore()` shares it across instances. Every method may throw when the backend is
 * unreachable: the API answers 503, and a start that needs consent or approval is refused.
 */
export interface SubjectStore {
  /** Add a session to its subject's history, or replace the entry with the same sessionId. */
  putAccess(entry: AccessEntry): Promise<void>;
  /** A subject's history, newest first, at most `limit` entries. */
  listAccess(subjectId: string, limit: number): Promise<AccessEntry[]>;
  /** Mark an entry's notice dismissed (it stays in the history). False when there is no such entry. */
  dismiss(subjectId: string, sessionId: string, at: number): Promise<boolean>;
  addGrant(grant: Grant): Promise<void>;
  /** The subject's grants that are still live at `now`. */
  listGrants(subjectId: string, now: number): Promise<Grant[]>;
  /** Remove a grant. Returns it only to the one caller that removed it (racing revocations audit once). */
  removeGrant(subjectId: string, grantId: string): Promise<Grant | undefined>;
  addRequest(request: AccessRequest): Promise<void>;
  getRequest(id: string): Promise<AccessRequest | undefined>;
  /** Requests open at `now` (pending, deciding or approved, not expired), matching every filter given. */
  listRequests(filter: { subjectId?: string; actorId?: string; kind?: AccessRequest['kind'] }, now: number): Promise<AccessRequest[]>;
  /**
   * Apply `decision` only if the request is still `from` and not expired at `now`, in one atomic
   * step: of racing approvals (or starts using one approval) exactly one succeeds.
   */
  transition(id: string, from: AccessRequest['status'], decision: RequestDecision, now: number): Promise<TransitionResult>;
  close?(): Promise<void>;
}
