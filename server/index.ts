/** onbehalf: work on behalf of a user, safely. The public entry of the server library. */
export { onBehalf, type OnBehalf } from './impersonation/index.js';
export { memoryStore, redisStore, type RedisStoreOptions } from './impersonation/store/index.js';
export { attribution, memorySubjectStore, redisSubjectStore, type Attribution, type RedisSubjectStoreOptions } from './subject/index.js';
export type { SubjectOptions, SubjectStore, AccessNotice, SubjectPolicyInput, RequestDecision, TransitionResult } from './subject/types.js';
export { redisSessionStore, redisRateLimitStore, redisUnavailableHandler, RedisUnavailableError, isRedisUnavailable } from './redis/index.js';
export {
  memoryAudit,
  fileAudit,
  redisStreamAudit,
  fanoutAudit,
  verifyAuditFiles,
  auditRouter,
  AuditError,
  type MemoryAudit,
  type FileAudit,
  type FileAuditOptions,
  type RedisStreamAuditOptions,
  type FanoutAuditOptions,
  type AuditRouterOptions,
  type VerifyResult,
} from './audit/index.js';
export { OnBehalfError } from './impersonation/errors.js';
export { isSameOrigin, csrfTokenFromRequest, CSRF_TOKEN_BYTES } from './impersonation/csrf.js';
export type * from './impersonation/types.js';
export * from './okr/index.js';
export { requirePermission, type GuardOptions } from './guard/index.js';
export * from '../shared/index.js';
