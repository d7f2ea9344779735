import type { AccessEntry, AccessRequest, Grant } from '../../../../shared/index.js';
import { isOpen, REQUEST_GRACE_MS, type SubjectStore } from './types.js';

/** A sweep runs once what the store holds has doubled since the last one (amortised: O(1) a write), and never below this. */
const SWEEP_FLOOR = 256;

/**
 * The subject's side in this process's memory: the default, right for one instance. Bounded:
 * expired grants, and requests past their deadline by `REQUEST_GRACE_MS` (whatever their status)
 * are dropped, as Redis drops them; each subject's history keeps its newest `historyLimit`
 * entries. The history needs nothing else: an entry holds its approver and grant itself.
 */
export function memorySubjectStore(options: { historyLimit?: number } = {}): SubjectStore & { readonly kind: 'memory'; readonly size: { requests: number; grants: number } } {
  const { historyLimit = 200 } = options;
  const access = new Map<string, Map<string, AccessEntry>>();
  const grants = new Map<string, Map<string, Grant>>();
  let grantCount = 0;
  const requests = new Map<string, AccessRequest>();
  // Ids of open requests, by requester, by subject and by kind: a listing reads only the
  // requests it may return. Used and declined ones leave at once, expired ones when read or swept.
  const indexes = new Map<string, Set<string>>();
  const indexesOf = (r: AccessRequest) => [`actor:${r.actor.id}`, `subject:${r.subject.id}`, `kind:${r.kind}`];
  const unindex = (r: AccessRequest) => {
    for (const k of indexesOf(r)) {
      const ids = indexes.get(k);
      ids?.delete(r.id);
      if (ids?.size === 0) indexes.delete(k);
    }
  };
  const historyOf = (subjectId: string) => access.get(subjectId) ?? access.set(subjectId, new Map()).get(subjectId)!;
  const grantsOf = (subjectId: string) => grants.get(subjectId) ?? grants.set(subjectId, new Map()).get(subjectId)!;
  function dropGrant(subjectId: string, id: string) {
    const mine = grants.get(subjectId);
    if (!mine?.delete(id)) return;
    grantCount--;
    if (!mine.size) grants.delete(subjectId);
  }
  // Copies in and out: no caller shares an object with the store.
  const copy = <T>(v: T): T => structuredClone(v);

  // The latest time a caller gave (the store has no clock of its own).
  let latest = 0;
  const seen = (t: number) => void (latest = Math.max(latest, t));
  let sweepAt = SWEEP_FLOOR;
  function maybeSweep() {
    if (requests.size + grantCount < sweepAt) return;
    for (const r of requests.values()) {
      if (r.expiresAt + REQUEST_GRACE_MS > latest) continue;
      unindex(r);
      requests.delete(r.id);
    }
    for (const [subjectId, mine] of grants) for (const g of mine.values()) if (g.expiresAt <= latest) dropGrant(subjectId, g.id);
    sweepAt = Math.max(SWEEP_FLOOR, 2 * (requests.size + grantCount));
  }

  return {
    kind: 'memory',
    get size() {
      return { requests: requests.size, grants: grantCount };
    },
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
      seen(grant.grantedAt);
      const mine = grantsOf(String(grant.subject.id));
      if (!mine.has(grant.id)) grantCount++;
      mine.set(grant.id, copy(grant));
      maybeSweep();
    },
    async listGrants(subjectId, now) {
      seen(now);
      for (const g of grants.get(subjectId)?.values() ?? []) if (g.expiresAt <= now) dropGrant(subjectId, g.id);
      return [...(grants.get(subjectId)?.values() ?? [])].map(copy);
    },
    async removeGrant(subjectId, grantId) {
      const g = grants.get(subjectId)?.get(grantId);
      if (g) dropGrant(subjectId, grantId);
      return g;
    },
    async addRequest(request) {
      seen(request.createdAt);
      requests.set(request.id, copy(request));
      for (const k of indexesOf(request)) (indexes.get(k) ?? indexes.set(k, new Set()).get(k)!).add(request.id);
      maybeSweep();
    },
    async getRequest(id) {
      const r = requests.get(id);
      return r && copy(r);
    },
    async listRequests(filter, now) {
      seen(now);
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
      seen(now);
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
