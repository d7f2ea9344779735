import type { AuditEvent } from '../../shared/index.js';
import type { AuditPage, AuditQuery, AuditSink } from './types.js';

/** Audit events kept in memory: for tests and demos. Lost on restart. */
export interface MemoryAudit extends AuditSink {
  readonly events: readonly AuditEvent[];
}

export function memoryAudit(): MemoryAudit {
  const events: AuditEvent[] = [];
  return {
    events,
    async write(event) {
      events.push(structuredClone(event));
    },
    async query(q: AuditQuery): Promise<AuditPage> {
      const start = q.cursor ? Number(q.cursor) : 0;
      const limit = q.limit ?? 100;
      const out: AuditEvent[] = [];
      let i = start;
      for (; i < events.length && out.length < limit; i++) {
        if (matches(events[i], q)) out.push(events[i]);
      }
      return { events: out, nextCursor: i < events.length ? String(i) : undefined };
    },
  };
}

// A query's ids come as text (a URL, a CLI flag); the host's ids are recorded as its database has them ({ "id": 42 }).
const idOf = (who: { id: string | number } | undefined) => (who ? String(who.id) : undefined);

/** Whether an event passes an audit query's filters (shared by the sinks that filter in process). */
export function matches(e: AuditEvent, q: AuditQuery): boolean {
  if (q.actor && idOf(e.actor) !== q.actor) return false;
  if (q.subject && idOf(e.subject) !== q.subject) return false;
  if (q.type && e.type !== q.type) return false;
  if (q.sessionId && e.sessionId !== q.sessionId) return false;
  const t = Date.parse(e.time);
  if (q.from !== undefined && t < q.from) return false;
  if (q.to !== undefined && t > q.to) return false;
  return true;
}
