import type { ErrorCode } from '../../shared/index.js';
import { OnBehalfError } from '../http/index.js';

/**
 * A typed audit failure. `AUDIT_UNAVAILABLE`: the event could not be made durable (or the log
 * could not be read); `BAD_REQUEST`: a query the sink can't answer (e.g. a foreign cursor).
 */
export class AuditError extends OnBehalfError {
  declare readonly code: Extract<ErrorCode, 'AUDIT_UNAVAILABLE' | 'BAD_REQUEST'>;
  constructor(code: Extract<ErrorCode, 'AUDIT_UNAVAILABLE' | 'BAD_REQUEST'>, message: string, options?: { cause?: unknown }) {
    super(code, message);
    this.name = 'AuditError';
    if (options && 'cause' in options) this.cause = options.cause;
  }
}

export const unavailable = (what: string, cause: unknown) =>
  new AuditError('AUDIT_UNAVAILABLE', `${what}: ${cause instanceof Error ? cause.message : String(cause)}`, { cause });
