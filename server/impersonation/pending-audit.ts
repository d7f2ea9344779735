import type { AuditEvent } from '../../shared/index.js';

/**
 * Records that happened while the audit could not take them (an Exit during an outage, the
 * outcome of a write already made). Each is logged in full when kept, so it is never silently
 * lost, and written, in order, before any later record: the sink sees them as soon as it
 * takes writes again.
 */
export function pendingAudit(write: (e: AuditEvent) => Promise<void>, warn: (m: string) => void) {
  const queue: AuditEvent[] = [];
  let flushing: Promise<void> | undefined;

  async function drain() {
    while (queue.length) {
      await write(queue[0]);
      queue.shift();
    }
  }

  return {
    keep(e: AuditEvent, why: unknown) {
      queue.push(e);
      warn(`audit unavailable (${String(why)}); kept to write when it is back: ${JSON.stringify(e)}`);
    },
    /** Write what is kept; rejects (keeping the rest) while the sink still fails. */
    flush(): Promise<void> {
      if (!queue.length) return Promise.resolve();
      return (flushing ??= drain().finally(() => (flushing = undefined)));
    },
    get size() {
      return queue.length;
    },
  };
}
export type PendingAudit = ReturnType<typeof pendingAudit>;
