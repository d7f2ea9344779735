/**
 * `onbehalf`: the middleware, the in-memory store and audit, and the typed error. Redis, audit
 * sinks, the OKR model and the HTTP client are their own entries (`onbehalf/redis`,
 * `onbehalf/audit`, `onbehalf/okr`, `onbehalf/client`), loaded only by hosts that use them.
 */
export { onBehalf, type OnBehalf } from './impersonation/index.js';
export { memoryStore } from './impersonation/store/index.js';
export { memoryAudit, type MemoryAudit } from './audit/memory.js';
export { attribution, type Attribution } from './impersonation/index.js';
export { memorySubjectStore } from './impersonation/subject/index.js';
export type { SubjectOptions, SubjectStore, AccessNotice, SubjectPolicyInput, RequestDecision, TransitionResult } from './impersonation/subject/types.js';
export { errorHandler, httpError, OnBehalfError, sendError, strictUtf8, wantsPage, type SendErrorOptions } from './http/index.js';
export {
  passportIdentity,
  sessionKeyIdentity,
  type IdentityAdapter,
  type PresentContext,
  type HostIdentityWrite,
  type PassportIdentityOptions,
  type PassportLike,
  type SessionKeyIdentityOptions,
} from './identity/index.js';
export { isSameOrigin, csrfSyncOptions } from './impersonation/csrf.js';
export type * from './impersonation/types.js';
export type { AccessEntry, AccessRequest, AuditEvent, EndCause, ErrorBody, ErrorCode, Grant, Person, ReasonRules, SessionView } from '../shared/index.js';
