import type { Request, RequestHandler } from 'express';
import type { AuditEvent, EndCause, IneligibleCode, Person, ReasonRules, SessionView } from '../../../shared/index.js';
import type { AuditSink } from '../../audit/types.js';
import type { DirectoryUser, UserId } from '../../identity/types.js';
import type { ImpersonationRecord } from '../store/index.js';

type MaybePromise<T> = T | Promise<T>;

/** The audit and session lifecycle, as far as the subject's side writes to and listens on it. */
export interface SubjectAudit {
  event(type: AuditEvent['type'], req: Request | undefined, fields: Partial<AuditEvent>): AuditEvent;
  /** Resolves once the sink has the event; rejects when it fails. */
  record(event: AuditEvent): Promise<unknown>;
  /** Write now, or keep it to write when the audit is back (for what has already happened). */
  recordOrKeep(event: AuditEvent): Promise<unknown>;
  /** Audit a refused start (503 AUDIT_UNAVAILABLE when the audit can't take it). */
  denied(req: Request, code: string, actor?: Person, subject?: Person): Promise<void>;
  /** End a session, audited with `cause`. */
  end(id: string, cause: EndCause, req?: Request): Promise<unknown>;
  events: { on(event: 'ended', listener: (session: SessionView, cause: EndCause) => void): unknown };
}

/**
 * What the subject's side takes from the `onBehalf()` that mounts it, each piece as narrow as it
 * is used: it imports nothing of the middleware, which builds this and wires it in.
 */
export interface SubjectHost {
  basePath: string;
  /** The reason rules of a start, for a consent request's reason too. */
  reason: ReasonRules;
  /** The impersonation permission (the approval permission must differ from it). */
  permission: string;
  auditPermission: string;
  users: { get(id: UserId): MaybePromise<DirectoryUser | undefined> };
  /** The live impersonation sessions. */
  sessions: { list(filter: { subjectId: string }): Promise<ImpersonationRecord[]> };
  audit: Pick<AuditSink, 'query'>;
  life: SubjectAudit;
  csrf: { check: RequestHandler; token(req: Request): string };
  /** The middleware's own rules on who may work on behalf of whom (refusal code, or null). */
  eligibility: {
    actorRefusal(actor: DirectoryUser, req: Request): MaybePromise<IneligibleCode | null>;
    targetRefusal(actor: DirectoryUser, target: DirectoryUser, req: Request): MaybePromise<IneligibleCode | null>;
  };
  /** Turns a failing backend into 503 STORE_UNAVAILABLE, as the middleware's stores are. */
  guard<T extends object>(target: T, what: string): T;
  now(): number;
  warn(message: string): void;
}
