import { auditEventSchema, type AuditEvent } from '../../shared/index.js';
import type { AuditPage, AuditQuery, AuditSink } from './types.js';
import { AuditError } from './errors.js';

/** Options of every hash-chained sink besides where it keeps the chain. */
export interface ChainedSinkHooks {
  /** Where notes (recovery, an unsigned chain, a lost connection) go. Default `console.warn`. */
  warn?: (message: string) => void;
  /** Clock, for tests. Default `Date.now`. */
  now?: () => number;
}

/** A hash-chained sink: it answers queries, and `close()` signs what is unsigned and lets go. */
export interface ChainedAuditSink extends AuditSink {
  query(filter: AuditQuery): Promise<AuditPage>;
  /** Write a closing checkpoint (when events are unsigned) and release the storage. Writes after it reject. */
  close(): Promise<void>;
}

interface Pending {
  event: AuditEvent;
  resolve: () => void;
  reject: (e: unknown) => void;
}

/** The write side of a chained sink: events queue while a batch is in flight and go in the next. */
export interface GroupCommit {
  /** Validate and queue an event; resolves once the batch that holds it is committed. */
  write(event: AuditEvent): Promise<void>;
  /** Ask for a checkpoint with the next batch (an empty one if nothing else is queued). */
  checkpoint(): void;
  /** Refuse further writes and wait for the batches in flight; false when it was closed already. */
  close(): Promise<boolean>;
}

/**
 * One batch at a time through `commit(events, checkpointWanted)`; a batch that throws rejects
 * each of its events with `failed(cause)`, and the next batch tries again. With `interval`, a
 * checkpoint is asked for whenever `due()` says so (looked at every second at most).
 */
export function groupCommit(
  commit: (events: AuditEvent[], checkpointWanted: boolean) => Promise<void>,
  failed: (cause: unknown) => AuditError,
  warn: (message: string) => void,
  interval?: { everyMs: number; due: () => boolean },
): GroupCommit {
  let queue: Pending[] = [];
  let pumping: Promise<void> | undefined;
  let checkpointWanted = false;
  let closed = false;
  const timer = interval && setInterval(() => { if (interval.due()) self.checkpoint(); }, Math.min(interval.everyMs, 1000));
  timer?.unref();

  async function drain() {
    while (queue.length || checkpointWanted) {
      const batch = queue;
      queue = [];
      const wantCheckpoint = checkpointWanted;
      checkpointWanted = false;
      try {
        await commit(batch.map((p) => p.event), wantCheckpoint);
        for (const p of batch) p.resolve();
      } catch (e) {
        const err = failed(e);
        for (const p of batch) p.reject(err);
        if (!batch.length) warn(`onbehalf audit: ${err.message}`);
      }
    }
  }

  function pump() {
    pumping ??= drain().finally(() => {
      pumping = undefined;
      // A write may have queued after the loop's last look but before this ran.
      if (queue.length) pump();
    });
  }

  const self: GroupCommit = {
    write(event) {
      if (closed) return Promise.reject(new AuditError('AUDIT_UNAVAILABLE', 'the audit log is closed'));
      const parsed = auditEventSchema.safeParse(event);
      if (!parsed.success) return Promise.reject(new AuditError('AUDIT_UNAVAILABLE', `not a valid audit event: ${parsed.error.message}`));
      return new Promise<void>((resolve, reject) => {
        queue.push({ event: parsed.data, resolve, reject });
        pump();
      });
    },
    checkpoint() {
      checkpointWanted = true;
      pump();
    },
    async close() {
      if (closed) return false;
      closed = true;
      clearInterval(timer);
      while (pumping) await pumping;
      return true;
    },
  };
  return self;
}

/** Where a query of a chained sink starts (the cursor is the seq to continue from) and how many it returns. */
export function seqCursor(q: AuditQuery): { from: number; limit: number } {
  const from = q.cursor === undefined ? 0 : Number(q.cursor);
  if (!Number.isSafeInteger(from) || from < 0) throw new AuditError('BAD_REQUEST', 'Unknown cursor.');
  return { from, limit: q.limit ?? 100 };
}
