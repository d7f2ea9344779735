/** `onbehalf/audit`: where audit events go (memory, files, several at once), the verifier and the auditors' HTTP API. */
export { memoryAudit, type MemoryAudit } from './memory.js';
export { fileAudit, type FileAudit, type FileAuditOptions } from './file.js';
export { fanoutAudit, type FanoutAuditOptions } from './fanout.js';
export { verifyAuditFiles, type VerifyOptions, type VerifyProblem, type VerifyResult } from './verify.js';
export { auditRouter, type AuditRouterOptions } from './router.js';
export { AuditError } from './errors.js';
export { AuditLockedError, type AuditLockOptions } from './lock.js';
export type { AuditPage, AuditQuery, AuditSink } from './types.js';
export type { AuditEvent, AuditType } from '../../shared/index.js';
