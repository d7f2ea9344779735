import type { ImpersonationRecord, ImpersonationStore } from './types.js';
import { frozenRecord, seenAt } from './frozen.js';

/**
 * Whether a store keeps its sessions only in this process (the memory store): they can't continue
 * in the next one, so a shutdown ends them and the next start-up accounts for those a crash left.
 */
export const forgetsOnExit = (store: ImpersonationStore): store is ReturnType<typeof memoryStore> => (store as { kind?: string }).kind === 'memory';

/**
 * Impersonation sessions in this process's memory: the default, right for one instance.
 * Several instances need `redisStore()`, or a session started on one is unknown to the others.
 */
export function memoryStore(): ImpersonationStore & { readonly kind: 'memory'; readonly createdAt: number } {
  const byId = new Map<string, ImpersonationRecord>();
  const byActor = new Map<string, string>();
  // Records are copied in and frozen: handed out as they are, and no caller can change them.
  return {
    kind: 'memory',
    // A session started before this (a restart) and still referred to was lost, not ended.
    createdAt: Date.now(),
    async create(record) {
      // Check and set in one synchronous step: racing starts of one actor leave exactly one.
      if (byActor.has(record.actorId)) return false;
      byActor.set(record.actorId, record.id);
      byId.set(record.id, frozenRecord(record));
      return true;
    },
    get(id) {
      return byId.get(id);
    },
    async touch(id, at) {
      const r = byId.get(id);
      if (r && at > r.lastSeenAt) byId.set(id, seenAt(r, at));
    },
    async end(id) {
      const r = byId.get(id);
      if (!r) return undefined;
      byId.delete(id);
      if (byActor.get(r.actorId) === id) byActor.delete(r.actorId);
      return r;
    },
    async list(filter = {}) {
      return [...byId.values()].filter((r) => (!filter.actorId || r.actorId === filter.actorId) && (!filter.subjectId || r.subjectId === filter.subjectId));
    },
  };
}
