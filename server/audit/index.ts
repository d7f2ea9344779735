/** Audit sinks, the verifier and the auditors' HTTP API. */
export { memoryAudit, matches, type MemoryAudit } from './memory.js';
export { fileAudit, type FileAudit, type FileAuditOptions } from './file.js';
export { redisStreamAudit, type RedisStreamAuditOptions } from './redis.js';
export { fanoutAudit, type FanoutAuditOptions } from './fanout.js';
export { verifyAuditFiles, type VerifyOptions, type VerifyProblem, type VerifyResult } from './verify.js';
export { auditRouter, type AuditRouterOptions } from './router.js';
export { readEvents } from './read.js';
export { csvHeader, csvRow, CSV_COLUMNS } from './csv.js';
export { AuditError } from './errors.js';
