import type { Person } from '../../../shared/index.js';
import type { Deadline } from '../../http/index.js';

type MaybePromise<T> = T | Promise<T>;

/** One impersonation session, as the store keeps it (server-side only). */
export interface ImpersonationRecord {
  id: string;
  /** The actor's id as a string (the index key); `actor.id` keeps the host's own type. */
  actorId: string;
  /** The subject's id as a string (the index key); `subject.id` keeps the host's own type. */
  subjectId: string;
  actor: Person;
  subject: Person;
  reason: string;
  ticket?: string;
  readOnly: boolean;
  startedAt: number;
  expiresAt: number;
  lastSeenAt: number;
  /** Where "return" exit goes back to: a same-origin path, checked at start. */
  returnTo: string;
  /** A digest of the host session id it was started from: tells a racing start of that session from an abandoned record. */
  startedIn?: string;
}

/**
 * Where impersonation sessions live. `memoryStore()` is the default (one process);
 * `redisStore()` shares them across instances. Every method may throw when the backend is
 * unreachable: onbehalf answers 503 and never serves a request as the wrong user.
 */
export interface ImpersonationStore {
  // Every method's last argument is the request's deadline (see Deadline), when it serves a request:
  // a store with a time limit charges its waits to it; one without ignores it.
  /** Save a new session unless the actor already has one. Returns false when they do. */
  create(record: ImpersonationRecord, deadline?: Deadline): Promise<boolean>;
  /**
   * Read on every request of an acting session: a synchronous answer spares a microtask. The
   * caller only reads the record; the built-in stores hand out frozen records, with no copy.
   */
  get(id: string, deadline?: Deadline): MaybePromise<ImpersonationRecord | undefined>;
  /** Record activity for the idle timeout. */
  touch(id: string, at: number, deadline?: Deadline): Promise<void>;
  /**
   * Remove a session. Returns it only to the one caller that removed it, so that exactly one
   * `ended` event is audited however many instances race.
   */
  end(id: string, deadline?: Deadline): Promise<ImpersonationRecord | undefined>;
  /** Active sessions, optionally only those of one actor or one subject. */
  list(filter?: { actorId?: string; subjectId?: string }, deadline?: Deadline): Promise<ImpersonationRecord[]>;
  /** Optional: release resources (intervals, connections the store owns). */
  close?(): Promise<void>;
}
