import type { AccessEntry, AccessRequest, Grant } from '../../../shared/index.js';
import type { SubjectStore } from '../types.js';

const live = (r: AccessRequest, now: number) => (r.status === 'pending' || r.status === 'approved') && r.expiresAt > now;

/** The subject's side in this process's memory: the default, right for one instance. */
export function memorySubjectStore(options: { historyLimit?: number } = {}): SubjectStore & { readonly kind: 'memory' } {
  const { historyLimit = 200 } = options;
  const access = new Map<string, Map<string, AccessEntry>>();
  const grants = new Map<string, Map<string, Grant>>();
  const requests = new Map<string, AccessRequest>();
  const historyOf = (subjectId: string) => access.get(subjectId) ?? access.set(subjectId, new Map()).get(subjectId)!;
  const grantsOf = (subjectId: string) => grants.get(subjectId) ?? grants.set(subjectId, new Map()).get(subjectId)!;
  // Copies in and out: no caller shares an object with the store.
  const copy = <T>(v: T): T => structuredClone(v);

  return {
    kind: 'memory',
    async putAccess(entry) {
      const mine = historyOf(String(entry.subject.id));
      mine.set(entry.sessionId, copy(entry));
      if (mine.size <= historyLimit) return;
      const oldest = [...mine.values()].sort((a, b) => a.startedAt - b.startedAt).slice(0, mine.size - historyLimit);
      for (const e of oldest) mine.delete(e.sessionId);
    },
    async listAccess(subjectId, limit) {
      return [...(access.get(subjectId)?.values() ?? [])].sort((a, b) => b.startedAt - a.startedAt).slice(0, limit).map(copy);
    },
    async dismiss(subjectId, sessionId, at) {
      const e = access.get(subjectId)?.get(sessionId);
      if (!e) return false;
      e.dismissedAt ??= at;
      return true;
    },
    async addGrant(grant) {
      grantsOf(String(grant.subject.id)).set(grant.id, copy(grant));
    },
    async listGrants(subjectId, now) {
      const mine = grants.get(subjectId);
      for (const g of mine?.values() ?? []) if (g.expiresAt <= now) mine!.delete(g.id);
      return [...(mine?.values() ?? [])].map(copy);
    },
    async removeGrant(subjectId, grantId) {
      const mine = grants.get(subjectId);
      const g = mine?.get(grantId);
      if (g) mine!.delete(grantId);
      return g;
    },
    async addRequest(request) {
      requests.set(request.id, copy(request));
    },
    async getRequest(id) {
      const r = requests.get(id);
      return r && copy(r);
    },
    async listRequests(filter, now) {
      return [...requests.values()]
        .filter((r) => live(r, now) && (!filter.subjectId || r.subject.id === filter.subjectId) && (!filter.actorId || r.actor.id === filter.actorId) && (!filter.kind || r.kind === filter.kind))
        .map(copy);
    },
    async transition(id, from, decision, now) {
      // Check and set in one synchronous step: of racing callers exactly one sees `from`.
      const r = requests.get(id);
      if (!r) return { ok: false, reason: 'not-found' };
      if (r.status !== from) return { ok: false, reason: 'decided' };
      if (r.expiresAt <= now) return { ok: false, reason: 'expired' };
      Object.assign(r, Object.fromEntries(Object.entries(decision).filter(([, v]) => v !== undefined)));
      return { ok: true, request: copy(r) };
    },
  };
}
