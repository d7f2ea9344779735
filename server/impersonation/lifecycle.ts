import { randomUUID } from 'node:crypto';
import { EventEmitter } from 'node:events';
import type { Request } from 'express';
import type { AuditEvent, EndCause, SessionView } from '../../shared/index.js';
import type { AuditQuery, AuditSink } from '../audit/types.js';
import { OnBehalfError, requestDeadline } from '../http/index.js';
import type { ResolvedOptions } from './options.js';
import { pendingAudit } from './pending-audit.js';
import { forgetsOnExit } from './store/index.js';
import type { ImpersonationRecord, OnBehalfEvents } from './types.js';

/** Who, as whom, why: the fields every session-related audit event repeats. */
function sessionFields(r: ImpersonationRecord): Partial<AuditEvent> {
  return { actor: r.actor, subject: r.subject, reason: r.reason, ticket: r.ticket, sessionId: r.id, readOnly: r.readOnly };
}

export function toView(o: ResolvedOptions, r: ImpersonationRecord): SessionView {
  return {
    sessionId: r.id,
    actor: r.actor,
    subject: r.subject,
    reason: r.reason,
    ticket: r.ticket,
    readOnly: r.readOnly,
    startedAt: r.startedAt,
    expiresAt: r.expiresAt,
    idleExpiresAt: Math.min(r.expiresAt, r.lastSeenAt + o.idleTimeoutMs),
    exitMode: o.exitMode,
  };
}

/** Why a live record must end now, if it must (W12). */
export function expiryCause(o: ResolvedOptions, r: ImpersonationRecord, now: number): EndCause | null {
  if (now >= r.expiresAt) return 'expired';
  if (now - r.lastSeenAt >= o.idleTimeoutMs) return 'idle';
  return null;
}

/**
 * Every event matching `q`, oldest first, in large pages: the file sink reads a file from its start
 * for each page, so few pages means few passes over the log.
 */
async function* everyEvent(sink: AuditSink, q: AuditQuery): AsyncGenerator<AuditEvent> {
  let cursor: string | undefined;
  do {
    const page = await sink.query!({ ...q, cursor, limit: 50_000 });
    yield* page.events;
    cursor = page.nextCursor;
  } while (cursor !== undefined);
}

export type Emitter = EventEmitter & {
  emit<K extends keyof OnBehalfEvents>(event: K, ...args: Parameters<OnBehalfEvents[K]>): boolean;
};

/** Audit writing and the session lifecycle that depends on it, shared by the routes and the middleware. */
export function lifecycle(o: ResolvedOptions) {
  const events = new EventEmitter() as Emitter;
  for (const [name, fn] of Object.entries(o.on ?? {})) if (fn) events.on(name, fn as (...a: unknown[]) => void);
  // A host listener that throws must not break a request, nor the audit.
  events.on('error', (err) => o.warn(`event listener failed: ${String(err)}`));
  const emit = <K extends keyof OnBehalfEvents>(name: K, ...args: Parameters<OnBehalfEvents[K]>) => {
    try {
      events.emit(name, ...args);
    } catch (err) {
      o.warn(`"${name}" listener threw: ${String(err)}`);
    }
  };

  function event(type: AuditEvent['type'], req: Request | undefined, fields: Partial<AuditEvent>): AuditEvent {
    return {
      id: randomUUID(),
      time: new Date(o.now()).toISOString(),
      type,
      ...(req && { ip: req.ip, userAgent: req.get('user-agent')?.slice(0, 512) }),
      ...fields,
    };
  }

  const pending = pendingAudit((e) => o.audit.write(e), o.warn);
  /** Write an event after any kept ones; resolves only once the sink has it. Rejects when the sink fails. */
  const record = (e: AuditEvent) => (pending.size ? pending.flush().then(() => o.audit.write(e)) : o.audit.write(e));
  /** Write now, or keep it to write when the audit is back (for what has already happened). */
  const recordOrKeep = (e: AuditEvent) => record(e).catch((err) => pending.keep(e, err));

  /**
   * At start-up: sessions an earlier process started and never ended (it crashed, or was killed
   * before its shutdown ended them) are ended now, as `lost`, when the store can't have kept them
   * and the audit is this process's own (so every `started` in it without an `ended` is one).
   * Nothing starts in this process until this is done, so none of its own sessions is in the scan.
   */
  async function accountForOrphans() {
    if (!forgetsOnExit(o.store) || !o.audit.exclusive || !o.audit.query) return;
    const ended = new Set<string>();
    for await (const e of everyEvent(o.audit, { type: 'ended' })) if (e.sessionId) ended.add(e.sessionId);
    let n = 0;
    for await (const e of everyEvent(o.audit, { type: 'started' })) {
      if (!e.sessionId || ended.has(e.sessionId)) continue;
      ended.add(e.sessionId);
      await record(event('ended', undefined, { actor: e.actor, subject: e.subject, reason: e.reason, ticket: e.ticket, sessionId: e.sessionId, readOnly: e.readOnly, cause: 'lost' }));
      n++;
    }
    if (n) o.warn(`audited ${n} session(s) an earlier process left live (a crash or a kill) as ended: lost.`);
  }
  const ready = accountForOrphans().catch((err) => o.warn(`could not account for sessions an earlier process left live: ${String(err)}`));

  return {
    events,
    /** Resolves once sessions an earlier process left live are accounted for (starts wait for it). */
    ready,
    event,
    record,
    recordOrKeep,
    /** Retry what was kept (the sweep and close() call this). */
    flushPending: () => pending.flush(),
    get pendingCount() {
      return pending.size;
    },
    sessionFields,
    view: (r: ImpersonationRecord) => toView(o, r),

    /** Audit a refused start before it is answered: when the audit can't take it, 503 instead. */
    async denied(req: Request, code: string, actor?: AuditEvent['actor'], subject?: AuditEvent['subject']) {
      try {
        await record(event('denied', req, { code, actor, subject }));
      } catch {
        throw new OnBehalfError('AUDIT_UNAVAILABLE', 'The audit could not be written; nothing was started.');
      }
      emit('denied', { actorId: actor?.id, targetId: subject?.id, code });
    },

    /**
     * End a session. Only the caller whose `store.end` removed it audits the end, so racing
     * instances write one `ended` event, before the end is answered. Ending never waits on a
     * healthy audit: an impersonation must always be stoppable, so during an outage its `ended`
     * record is kept and written when the audit is back. `request`: the request that ended it, if one did.
     */
    async end(id: string, cause: EndCause, req?: Request, request?: Pick<AuditEvent, 'method' | 'path' | 'actionId'>): Promise<ImpersonationRecord | undefined> {
      const ended = await o.store.end(id, req && requestDeadline(req));
      if (!ended) return undefined;
      await recordOrKeep(event('ended', req, { ...sessionFields(ended), cause, ...request }));
      emit('ended', toView(o, ended), cause);
      return ended;
    },

    /**
     * The session referred to a record the store no longer has. Ended (exit, revoke, sweep), it is
     * on the record already; started before this memory store existed and never ended, the
     * restart lost it, and that end is recorded now. A failure changes nothing.
     */
    async lost(req: Request, ref: { id: string; at?: number; actor?: AuditEvent['actor']; subject?: AuditEvent['subject'] }) {
      // Only the memory store forgets records; a shared store's ends are audited where they happen.
      if (!forgetsOnExit(o.store) || !(ref.at! < o.store.createdAt) || !ref.actor || !ref.subject || !o.audit.query) return;
      await ready;
      try {
        if ((await o.audit.query({ sessionId: ref.id, type: 'ended', limit: 1 })).events.length) return;
        await record(event('ended', req, { actor: ref.actor, subject: ref.subject, sessionId: ref.id, cause: 'lost' }));
      } catch (err) {
        o.warn(`could not audit the lost session ${ref.id}: ${String(err)}`);
      }
    },

    emitStarted: (r: ImpersonationRecord) => emit('started', toView(o, r)),
    expiryCause: (r: ImpersonationRecord, now: number) => expiryCause(o, r, now),
  };
}
export type Lifecycle = ReturnType<typeof lifecycle>;
