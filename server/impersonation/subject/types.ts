import type { Request } from 'express';
import type { AccessEntry } from '../../../shared/index.js';
import type { SubjectStore } from './store/index.js';
import type { DirectoryUser } from '../../identity/types.js';

type MaybePromise<T> = T | Promise<T>;

export { isOpen, REQUEST_GRACE_MS } from './store/index.js';
export type { RequestDecision, SubjectStore, TransitionResult } from './store/index.js';

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
