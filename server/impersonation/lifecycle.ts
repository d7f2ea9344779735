import { randomUUID } from 'node:crypto';
import { EventEmitter } from 'node:events';
import type { Request } from 'express';
import type { AuditEvent, EndCause, SessionView } from '../../shared/index.js';
import type { ResolvedOptions } from './options.js';
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

  /** Write an event; resolves only once the sink has it. Rejects when the sink fails. */
  const record = (e: AuditEvent) => o.audit.write(e);

  return {
    events,
    event,
    record,
    sessionFields,
    view: (r: ImpersonationRecord) => toView(o, r),

    /** Audit a refused start. A sink failure here changes nothing (the start is refused anyway). */
    async denied(req: Request, code: string, actor?: AuditEvent['actor'], subject?: AuditEvent['subject']) {
      try {
        await record(event('denied', req, { code, actor, subject }));
      } catch (err) {
        o.warn(`could not audit a denied start (${code}): ${String(err)}`);
      }
      emit('denied', { actorId: actor?.id, targetId: subject?.id, code });
    },

    /**
     * End a session. Only the caller whose `store.end` removed it audits the end, so racing
     * instances write one `ended` event. Ending never waits on a healthy audit: an impersonation
     * must always be stoppable; a failed write is reported to the host.
     */
    async end(id: string, cause: EndCause, req?: Request): Promise<ImpersonationRecord | undefined> {
      const ended = await o.store.end(id);
      if (!ended) return undefined;
      try {
        await record(event('ended', req, { ...sessionFields(ended), cause }));
      } catch (err) {
        o.warn(`could not audit the end of session ${id} (${cause}): ${String(err)}`);
      }
      emit('ended', toView(o, ended), cause);
      return ended;
    },

    emitStarted: (r: ImpersonationRecord) => emit('started', toView(o, r)),
  };
}
export type Lifecycle = ReturnType<typeof lifecycle>;
