import type { AuditEvent, AuditSink } from '../../server/index.js';

/**
 * An audit sink in front of a real one that refuses the records `refuse` picks (as a full disk
 * would), and can hold one type's next write until the test lets it through.
 */
export function controlledAudit<S extends AuditSink>(inner: S) {
  let hold: { type: AuditEvent['type']; arrived: (e: AuditEvent) => void; gate: Promise<void> } | undefined;
  const sink = {
    ...inner,
    /** Records the sink refuses (none by default). */
    refuse: (_e: AuditEvent) => false,
    async write(e: AuditEvent) {
      if (hold?.type === e.type) {
        const { arrived, gate } = hold;
        hold = undefined;
        arrived(e);
        await gate;
      }
      if (sink.refuse(e)) throw new Error('ENOSPC: no space left on device');
      return inner.write(e);
    },
    /** Hold the next write of `type`: `arrived` resolves once it is being written, `release()` lets it go on. */
    hold(type: AuditEvent['type']) {
      let release!: () => void;
      const gate = new Promise<void>((r) => (release = r));
      const arrived = new Promise<AuditEvent>((r) => (hold = { type, arrived: r, gate }));
      return { arrived, release };
    },
  };
  return sink;
}
