import type { Request, RequestHandler } from 'express';
import type { Store as RateLimitStore } from 'express-rate-limit';
import type { AuditEvent, EndCause, IneligibleCode, ReasonRules, SessionView } from '../../../shared/index.js';
import type { DirectoryUser, IdentityAdapter, UserDirectory } from '../../identity/types.js';
import type { ImpersonationRecord, ImpersonationStore } from '../store/index.js';
import type { SubjectAudit, SubjectSide } from '../subject/index.js';

type MaybePromise<T> = T | Promise<T>;

/** The audit and the session lifecycle, as far as the routes use them. */
export interface RoutesLifecycle extends Pick<SubjectAudit, 'event' | 'record' | 'denied'> {
  /** Resolves once sessions an earlier process left live are on the record (starts wait for it). */
  ready: Promise<unknown>;
  view(record: ImpersonationRecord): SessionView;
  sessionFields(record: ImpersonationRecord): Partial<AuditEvent>;
  /** End a session, audited with `cause`; the record only to the caller that ended it. */
  end(id: string, cause: EndCause, req?: Request): Promise<ImpersonationRecord | undefined>;
  emitStarted(record: ImpersonationRecord): void;
  /** Why a live record must end now, if it must. */
  expiryCause(record: ImpersonationRecord, now: number): EndCause | null;
}

export interface RoutesCsrf {
  check: RequestHandler;
  /** The session's token, created on first use. */
  token(req: Request): string;
  /** The session's token if it has one already. */
  existing(req: Request): string | undefined;
  /** A fresh token (after the session id rotated). */
  renew(req: Request): string;
}

/** The middleware's rules on who may work on behalf of whom: a refusal code, or null. */
export interface Eligibility {
  actorRefusal(actor: DirectoryUser | undefined, req: Request): MaybePromise<'NOT_ALLOWED' | null>;
  targetRefusal(actor: DirectoryUser, target: DirectoryUser, req: Request): MaybePromise<IneligibleCode | null>;
}

/** The host session while it switches between the actor and acting. */
export interface ActingSession {
  /** The sign-in keys the acting session will hold, as the session holds them now. */
  carried(req: Request): Record<string, unknown>;
  /** A new session id holding the sign-in and the reference to `record`; the rest set aside. */
  enter(req: Request, record: ImpersonationRecord): Promise<void>;
  /** A new session id again, back to the actor's own data (or empty, in `logout` mode). */
  leave(req: Request): Promise<void>;
  /** When the actor's own sign-in ends (ms), if it does. */
  signInEnds(req: Request): number | undefined;
}

/** Everything the API's routes use, each route module taking only its part. */
export interface ApiDeps {
  users: UserDirectory;
  sessions: Pick<ImpersonationStore, 'get' | 'create' | 'end' | 'list'>;
  life: RoutesLifecycle;
  csrf: RoutesCsrf;
  eligibility: Eligibility;
  subject: Pick<SubjectSide, 'beforeStart' | 'approvalStates'>;
  acting: ActingSession;
  identity: Pick<IdentityAdapter, 'name' | 'read' | 'misconfigured'>;
  authSessionKeys: readonly string[];
  reason: ReasonRules;
  stepUp?: (req: Request) => MaybePromise<boolean>;
  rateLimit: { limit: number; windowMs: number; store?: RateLimitStore };
  auditPermission: string;
  maxDurationMs: number;
  landingPath: string;
  exitPath: string;
  exitMode: 'return' | 'logout';
  now(): number;
  warn(message: string): void;
}
