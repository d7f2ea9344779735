import type { AuditEvent } from '../../shared/index.js';

/**
 * Where audit events go. `write` must resolve only once the event is durable: onbehalf awaits it
 * before answering, and refuses to start an impersonation when it rejects (fail closed).
 */
export interface AuditSink {
  write(event: AuditEvent): Promise<void>;
  /** Optional: query for the auditor API. */
  query?(filter: AuditQuery): Promise<AuditPage>;
  /**
   * True when only this process writes the sink (the file sink's directory lock): a `started` it
   * holds with no `ended` was then left by an earlier process of this host, and onbehalf accounts
   * for it at start-up when its store does not outlive the process.
   */
  readonly exclusive?: boolean;
  close?(): Promise<void>;
}

export interface AuditQuery {
  actor?: string;
  subject?: string;
  type?: AuditEvent['type'];
  sessionId?: string;
  from?: number;
  to?: number;
  cursor?: string;
  limit?: number;
}
export interface AuditPage {
  events: AuditEvent[];
  nextCursor?: string;
}
