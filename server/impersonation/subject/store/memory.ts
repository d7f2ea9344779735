import type { AccessEntry, AccessRequest, Grant } from '../../../../shared/index.js';
import { isOpen, type SubjectStore } from '../types.js';

/** The subject's side in this process's memory: the default, right for one instance. */
export function memorySubjectStore(options: { historyLimit?: number } = {}): SubjectStore & { readonly kind: 'memory' } {
  const { historyLimit = 200 } = options;
  const access = new Map<string, Map<string, AccessEntry>>();
  const grants = new Map<string, Map<string, Grant>>();
  const requests = new Map<string, AccessRequest>();
  // Ids of open requests, by requester, by subject and by kind: a listing
  // reads only the requests it may return. Used and declined ones leave at once, expired ones when read.
  const indexes = new Map<string, Set<string>>();
  const indexesOf = (r: AccessRequest) => [`actor:${r.actor.id}`, `subject:${r.subject.id}`, `kind:${r.kind}`];
  const unindex = (r: AccessRequest) => {
    for (const k of indexesOf(r)) indexes.get(k)?.delete(r.id);
  };
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
      for (const k of indexesOf(request)) (indexes.get(k) ?? indexes.set(k, new Set()).get(k)!).add(request.id);
    },
    async getRequest(id) {
      const r = requests.get(id);
      return r && copy(r);
    },
    async listRequests(filter, now) {
      // The narrowest index the filter names: the requester's, the subject's, else a kind's.
      const keys = filter.actorId ? [`actor:${filter.actorId}`] : filter.subjectId ? [`subject:${filter.subjectId}`] : filter.kind ? [`kind:${filter.kind}`] : ['kind:consent', 'kind:approval'];
      const found: AccessRequest[] = [];
      for (const id of keys.flatMap((k) => [...(indexes.get(k) ?? [])])) {
        const r = requests.get(id)!;
        if (!isOpen(r, now)) unindex(r);
        else if ((!filter.subjectId || String(r.subject.id) === filter.subjectId) && (!filter.actorId || String(r.actor.id) === filter.actorId) && (!filter.kind || r.kind === filter.kind)) found.push(copy(r));
      }
      return found;
    },
    async transition(id, from, decision, now) {
      // Check and set in one synchronous step: of racing callers exactly one sees `from`.
      const r = requests.get(id);
      if (!r) return { ok: false, reason: 'not-found' };
      if (r.status !== from) return { ok: false, reason: 'decided' };
      if (r.expiresAt <= now) return { ok: false, reason: 'expired' };
      Object.assign(r, Object.fromEntries(Object.entries(decision).filter(([, v]) => v !== undefined)));
      if (!isOpen(r, now)) unindex(r);
      return { ok: true, request: copy(r) };
    },
  };
}
