import { optionError, type AccessEntry, type AccessRequest, type Grant } from '../../shared/index.js';
import { commandSender, luaScript, timeoutOf, type RedisTimeoutOptions } from './commands.js';
import { asCommandClient, type RedisClient } from './cluster.js';
import { isOpen, REQUEST_GRACE_MS, type SubjectStore, type TransitionResult } from '../impersonation/subject/types.js';

/** Options of `redisSubjectStore()`. */
export interface RedisSubjectStoreOptions extends RedisTimeoutOptions {
  /** A connected node-redis v5 client or cluster (the one `redisStore()` uses will do). The store doesn't close it. Required. */
  client: RedisClient;
  /** Prefix of every key. Default `'onbehalf:subject:'`. */
  prefix?: string;
  /** How many sessions a subject's history keeps (oldest dropped first). Default 200. */
  historyLimit?: number;
}

// Keys: {<subject>}:access hash sessionId → entry JSON, {<subject>}:order sorted set of sessionIds
// by startedAt, {<subject>}:dismissed hash sessionId → time (the subject as hash tag, so that on
// Redis Cluster a script over the three is on one slot); {<subject>}:grants hash id → grant JSON;
// request:<id> hash { json, status, approver, decidedAt, expiresAt } (the changing fields apart, so
// Lua compares and sets them without decoding JSON); requests:actor:<id>, requests:subject:<id>
// and requests:kind:<kind> sets of request ids, so a listing reads only the requests it may
// return (an index keeps ids of open requests, and prunes the others when read).

/** KEYS access, order, dismissed; ARGV id, entry, startedAt, limit. Adds or replaces, then drops the oldest beyond limit. */
const PUT_ACCESS = luaScript(`
redis.call('HSET', KEYS[1], ARGV[1], ARGV[2])
redis.call('ZADD', KEYS[2], ARGV[3], ARGV[1])
local over = redis.call('ZCARD', KEYS[2]) - tonumber(ARGV[4])
if over > 0 then
  local old = redis.call('ZRANGE', KEYS[2], 0, over - 1)
  redis.call('ZREM', KEYS[2], unpack(old))
  redis.call('HDEL', KEYS[1], unpack(old))
  redis.call('HDEL', KEYS[3], unpack(old))
end
return 0`);

/** KEYS access, dismissed; ARGV id, at. */
const DISMISS = luaScript(`
if redis.call('HEXISTS', KEYS[1], ARGV[1]) == 0 then return 0 end
redis.call('HSETNX', KEYS[2], ARGV[1], ARGV[2])
return 1`);

/** KEYS grants; ARGV id. Only the caller that removes the grant gets it back. */
const REMOVE_GRANT = luaScript(`
local g = redis.call('HGET', KEYS[1], ARGV[1])
if not g then return false end
redis.call('HDEL', KEYS[1], ARGV[1])
return g`);

const FIELDS = ['json', 'status', 'approver', 'decidedAt', 'expiresAt'] as const;
type StoredRequest = [json: string | null, status: string | null, approver: string | null, decidedAt: string | null, expiresAt: string | null];

/** KEYS request; ARGV from, now, status, approver, decidedAt, expiresAt, ttlMs. Compare-and-set in one step. */
const TRANSITION = luaScript(`
local v = redis.call('HMGET', KEYS[1], 'status', 'expiresAt')
if not v[1] then return 'not-found' end
if v[1] ~= ARGV[1] then return 'decided' end
if tonumber(v[2]) <= tonumber(ARGV[2]) then return 'expired' end
redis.call('HSET', KEYS[1], 'status', ARGV[3])
if ARGV[4] ~= '' then redis.call('HSET', KEYS[1], 'approver', ARGV[4]) end
if ARGV[5] ~= '' then redis.call('HSET', KEYS[1], 'decidedAt', ARGV[5]) end
if ARGV[6] ~= '' then redis.call('HSET', KEYS[1], 'expiresAt', ARGV[6]); redis.call('PEXPIRE', KEYS[1], ARGV[7]) end
return redis.call('HMGET', KEYS[1], 'json', 'status', 'approver', 'decidedAt', 'expiresAt')`);

/** KEYS index; ARGV id, ttlMs. Adds the id, and lets the set live at least as long as the request. */
const INDEX = luaScript(`
redis.call('SADD', KEYS[1], ARGV[1])
if redis.call('PTTL', KEYS[1]) < tonumber(ARGV[2]) then redis.call('PEXPIRE', KEYS[1], ARGV[2]) end
return 0`);

const live = (r: AccessRequest | undefined, now: number): r is AccessRequest => r !== undefined && isOpen(r, now);

/**
 * The subject's side in Redis, shared by every instance: a notice written where a session ended
 * shows on whichever instance the subject's next page hits; a grant revoked on one instance ends
 * the sessions it allowed on all (through the impersonation store); racing approvals on different
 * instances leave exactly one decision (compare-and-set in a Lua script).
 */
export function redisSubjectStore(options: RedisSubjectStoreOptions): SubjectStore & { readonly kind: 'redis' } {
  const { client, prefix = 'onbehalf:subject:', historyLimit = 200 } = options;
  if (!(Number.isInteger(historyLimit) && historyLimit > 0)) throw optionError('redisSubjectStore: historyLimit must be a positive integer.');
  const send = commandSender(asCommandClient(client), timeoutOf(options))();
  const key = {
    access: (s: string) => `${prefix}{${s}}:access`,
    order: (s: string) => `${prefix}{${s}}:order`,
    dismissed: (s: string) => `${prefix}{${s}}:dismissed`,
    grants: (s: string) => `${prefix}{${s}}:grants`,
    request: (id: string) => `${prefix}request:${id}`,
    byActor: (id: string) => `${prefix}requests:actor:${id}`,
    bySubject: (id: string) => `${prefix}requests:subject:${id}`,
    byKind: (kind: string) => `${prefix}requests:kind:${kind}`,
  };
  const parseRequest = ([json, status, approver, decidedAt, expiresAt]: StoredRequest): AccessRequest | undefined =>
    json === null
      ? undefined
      : {
          ...(JSON.parse(json) as AccessRequest),
          status: status as AccessRequest['status'],
          expiresAt: Number(expiresAt),
          ...(approver && { approver: JSON.parse(approver) }),
          ...(decidedAt && { decidedAt: Number(decidedAt) }),
        };
  const readRequest = (id: string) => send<StoredRequest>(['HMGET', key.request(id), ...FIELDS]).then(parseRequest);
  const indexesOf = (r: AccessRequest) => [key.byActor(String(r.actor.id)), key.bySubject(String(r.subject.id)), key.byKind(r.kind)];
  /** Each key holds a single index (one slot on Redis Cluster); the request's TTL bounds the set's. */
  const index = (r: AccessRequest, ttlMs: number) => Promise.all(indexesOf(r).map((k) => INDEX(send, [k], [r.id, ttlMs])));
  /** The live requests one index names; the ids of the others (used, declined, expired, gone) are dropped from it. */
  async function listIndex(k: string, now: number): Promise<AccessRequest[]> {
    const ids = await send<string[]>(['SMEMBERS', k]);
    const found = await Promise.all(ids.map(readRequest));
    const dead = ids.filter((_, i) => !live(found[i], now));
    if (dead.length) await send(['SREM', k, ...dead]);
    return found.filter((r): r is AccessRequest => live(r, now));
  }

  return {
    kind: 'redis',
    async putAccess(entry) {
      const { dismissedAt: _, ...stored } = entry;
      const s = String(entry.subject.id);
      await PUT_ACCESS(send, [key.access(s), key.order(s), key.dismissed(s)], [entry.sessionId, JSON.stringify(stored), entry.startedAt, historyLimit]);
    },
    async listAccess(subjectId, limit) {
      const ids = await send<string[]>(['ZRANGE', key.order(subjectId), '+inf', '-inf', 'BYSCORE', 'REV', 'LIMIT', '0', String(limit)]);
      if (!ids.length) return [];
      const [entries, dismissed] = await Promise.all([
        send<Array<string | null>>(['HMGET', key.access(subjectId), ...ids]),
        send<Array<string | null>>(['HMGET', key.dismissed(subjectId), ...ids]),
      ]);
      return entries.flatMap((json, i) => (json === null ? [] : [{ ...(JSON.parse(json) as AccessEntry), ...(dismissed[i] && { dismissedAt: Number(dismissed[i]) }) }]));
    },
    async dismiss(subjectId, sessionId, at) {
      return (await DISMISS<number>(send, [key.access(subjectId), key.dismissed(subjectId)], [sessionId, at])) === 1;
    },
    async addGrant(grant) {
      await send(['HSET', key.grants(String(grant.subject.id)), grant.id, JSON.stringify(grant)]);
    },
    async listGrants(subjectId, now) {
      const all = await send<string[]>(['HVALS', key.grants(subjectId)]);
      const grants = all.map((g) => JSON.parse(g) as Grant);
      const expired = grants.filter((g) => g.expiresAt <= now).map((g) => g.id);
      if (expired.length) await send(['HDEL', key.grants(subjectId), ...expired]);
      return grants.filter((g) => g.expiresAt > now);
    },
    async removeGrant(subjectId, grantId) {
      const g = await REMOVE_GRANT<string | null>(send, [key.grants(subjectId)], [grantId]);
      return g ? (JSON.parse(g) as Grant) : undefined;
    },
    async addRequest(request) {
      const { status, approver: _a, decidedAt: _d, expiresAt, ...fixed } = request;
      const k = key.request(request.id);
      await send(['HSET', k, 'json', JSON.stringify(fixed), 'status', status, 'expiresAt', String(expiresAt)]);
      const ttl = Math.max(expiresAt - request.createdAt, 0) + REQUEST_GRACE_MS;
      await send(['PEXPIRE', k, String(ttl)]);
      await index(request, ttl);
    },
    getRequest: readRequest,
    async listRequests(filter, now) {
      // The narrowest index the filter names: the requester's, the subject's, else a kind's.
      const keys = filter.actorId ? [key.byActor(filter.actorId)] : filter.subjectId ? [key.bySubject(filter.subjectId)] : filter.kind ? [key.byKind(filter.kind)] : [key.byKind('consent'), key.byKind('approval')];
      const found = (await Promise.all(keys.map((k) => listIndex(k, now)))).flat();
      return found.filter(
        (r) => (!filter.subjectId || String(r.subject.id) === filter.subjectId) && (!filter.actorId || String(r.actor.id) === filter.actorId) && (!filter.kind || r.kind === filter.kind),
      );
    },
    async transition(id, from, decision, now): Promise<TransitionResult> {
      const ttl = decision.expiresAt === undefined ? '' : String(Math.max(decision.expiresAt - now, 0) + REQUEST_GRACE_MS);
      const answer = await TRANSITION<string | StoredRequest>(send, [key.request(id)], [
        from,
        now,
        decision.status,
        decision.approver ? JSON.stringify(decision.approver) : '',
        decision.decidedAt ?? '',
        decision.expiresAt ?? '',
        ttl,
      ]);
      if (typeof answer === 'string') return { ok: false, reason: answer as 'not-found' | 'expired' | 'decided' };
      const request = parseRequest(answer)!;
      // A later deadline: the indexes live as long. A failure here costs nothing before the grace runs out.
      if (ttl) await index(request, Number(ttl)).catch(() => undefined);
      return { ok: true, request };
    },
  };
}
