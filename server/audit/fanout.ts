import type { AuditEvent } from '../../shared/index.js';
import type { AuditSink } from './types.js';

/** Options of {@link fanoutAudit}. */
export interface FanoutAuditOptions {
  /** Decides: `write` rejects when it rejects (fail closed), and `query` reads from it. */
  primary: AuditSink;
  /** Best-effort copies, written after the primary succeeded, in order, with retries. */
  secondary?: AuditSink[];
  /** Attempts per event and secondary. Default 5. */
  attempts?: number;
  /** First retry delay (ms), doubled each time. Default 200. */
  retryDelayMs?: number;
  /** Events waiting per secondary before the oldest is dropped (and reported). Default 10 000. */
  maxQueue?: number;
  /** Where lost copies are reported. Default `console.warn`. */
  onError?: (error: unknown, info: { secondary: number; event: AuditEvent; dropped: boolean }) => void;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Write to one primary sink (fail closed) and copy to secondaries (best effort). */
export function fanoutAudit(options: FanoutAuditOptions): AuditSink {
  const { primary, secondary = [] } = options;
  const attempts = options.attempts ?? 5;
  const delay = options.retryDelayMs ?? 200;
  const maxQueue = options.maxQueue ?? 10_000;
  const report = options.onError ?? ((e, i) => console.warn(`onbehalf audit: secondary sink ${i.secondary} ${i.dropped ? 'lost' : 'failed on'} event ${i.event.id}: ${(e as Error)?.message ?? e}`));

  // One ordered queue per secondary, so that a slow or failing copy never delays the primary.
  const queues = secondary.map((sink, index) => {
    const q: AuditEvent[] = [];
    let running: Promise<void> | undefined;
    const run = async () => {
      while (q.length) {
        const event = q[0];
        for (let attempt = 1; ; attempt++) {
          try {
            await sink.write(event);
            break;
          } catch (e) {
            if (attempt >= attempts) { report(e, { secondary: index, event, dropped: true }); break; }
            await sleep(delay * 2 ** (attempt - 1));
          }
        }
        q.shift();
      }
    };
    return {
      push(event: AuditEvent) {
        if (q.length >= maxQueue) report(new Error('queue full'), { secondary: index, event: q.splice(1, 1)[0] ?? event, dropped: true });
        q.push(event);
        running ??= run().finally(() => { running = undefined; });
      },
      idle: async () => { while (running) await running; },
    };
  });

  return {
    async write(event) {
      await primary.write(event);
      for (const q of queues) q.push(event);
    },
    query: primary.query && ((filter) => primary.query!(filter)),
    // The primary's chain is the record: the fan-out is this process's own exactly when the primary is.
    exclusive: primary.exclusive,
    async close() {
      await Promise.all(queues.map((q) => q.idle()));
      await Promise.all([primary, ...secondary].map((s) => s.close?.()));
    },
  };
}
