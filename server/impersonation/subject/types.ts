import type { Request } from 'express';
import type { AccessEntry, AccessRequest, Grant } from '../../../shared/index.js';
import type { DirectoryUser } from '../types.js';

type MaybePromise<T> = T | Promise<T>;

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

/** What the notify hook receives when a session on someone's account ended. */
export interface AccessNotice {
  /** The subject as the directory has them (their e-mail, for the hook to write to). */
  subject: DirectoryUser;
  entry: AccessEntry;
}

/** Who a policy is asked about: the target, and the admin who wants to start. */
export interface SubjectPolicyInput {
  actor: DirectoryUser;
  target: DirectoryUser;
  req: Request;
}

/** Options of the subject's side: `onBehalf({ subject: { ... } })`. Every one has a default. */
export interface SubjectOptions {
  /**
   * The built-in notice: after a session on their account ends, the subject sees who worked on
   * their behalf, when, for how long, why and what changed, on their next page (with
   * `ob.banner()`) until they dismiss it, and in their access history. Default true. Turning it
   * off keeps the history (`/me/access`) but the subject is no longer told unprompted: support
   * visits stay discreet, at the cost of the subject's trust (see docs/subject.md).
   */
  notices?: boolean;
  /**
   * Also tell the subject another way (e-mail, chat) when a session ends. Awaited in the
   * background: a hook that throws or rejects is reported through `warn` and changes nothing.
   */
  notify?: (notice: AccessNotice) => MaybePromise<void>;
  /** State of the subject's side. Default `memorySubjectStore()`; with several instances `redisSubjectStore()`. */
  store?: SubjectStore;
  /**
   * Consent: whether working on behalf of this target needs a live grant from them (or their
   * approval of a request). `true` for everyone. Default false (off). Checked at start only;
   * a revoked or expired grant ends the sessions it allowed.
   */
  consent?: boolean | ((input: SubjectPolicyInput) => MaybePromise<boolean>);
  /**
   * Four-eyes: whether a start on this target needs a second admin's approval. Default false
   * (off). A start without an approved request creates one and answers 403 `APPROVAL_REQUIRED`.
   */
  approval?: boolean | ((input: SubjectPolicyInput) => MaybePromise<boolean>);
  /** The permission a second admin needs to approve (never the requester). Default `'impersonate:approve'`. */
  approvalPermission?: string;
  /** How long a request waits for a decision, and an approval for its use. Default 15 minutes. */
  approvalWindowMs?: number;
  /** The host's page showing the subject their access history: the notice links to it. Default none. */
  historyPage?: string;
  /** How long an admin's consent request waits for the subject. Default 24 hours. */
  consentRequestTtlMs?: number;
}
