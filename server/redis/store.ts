import { optionError } from '../../shared/index.js';
import { commandSender, luaScript, timeoutOf, type RedisTimeoutOptions, type SendCommand } from './commands.js';
import { asCommandClient, isCluster, shardSubscriber, type RedisClient } from './cluster.js';
import type { ImpersonationRecord, ImpersonationStore } from '../impersonation/types.js';
import { recordCache, type SubscriberClient } from './store-cache.js';

/** Options of `redisStore()`. */
export interface RedisStoreOptions extends RedisTimeoutOptions {
  /**
   * A connected node-redis v5 client (`createClient({ url })` then `await client.connect()`),
   * e.g. the one connect-redis uses, or a Redis Cluster client (`createCluster()`, connected).
   * The store doesn't close it. Required.
   */
  client: RedisClient;
  /**
   * Prefix of every key the store writes. Default `'onbehalf:'`. The keys are
   * `<prefix>{impersonation}:…`: one hash tag, so that on Redis Cluster every script's keys are
   * on one slot.
   */
  prefix?: string;
  /**
   * How long Redis keeps a session past its hard limit (`expiresAt`) before deleting it. Within
   * that time onbehalf still sees the record, ends it and audits the end as `expired`; after it,
   * Redis removes what nobody ended (all instances down). Default 5 minutes.
   */
  expiryGraceMs?: number;
  /** Clock the TTLs are computed with: pass the same as `onBehalf({ now })`. Default `Date.now`. */
  now?: () => number;
  /**
   * Opt-in: keep live records in this process for up to this many ms, so an acting request
   * usually costs no Redis round trip. An end on any instance (exit, revoke, expiry) is
   * published in the same step that removes the record, and every instance drops it on receipt:
   * a revocation reaches the others in the time one pub/sub message takes, not at their next
   * read. The store opens a second connection for that (`client.duplicate()`; on Redis Cluster,
   * one to the master of the state's slot, with sharded pub/sub); while it is not subscribed, or
   * after any reconnect until it is again, every read goes to Redis. The TTL bounds how stale
   * another instance's idle-time activity can be (and is the worst case if the channel failed
   * without the connection noticing). Default 0: off, Redis is read on every acting request.
   * `close()` (or the middleware's `close()`) ends the second connection.
   */
  cacheTtlMs?: number;
  /** Where the cache reports that it could not subscribe. Default `console.warn`. */
  warn?: (message: string) => void;
}

// Keys, all under <prefix>{impersonation}: (one hash tag: on Redis Cluster every script's keys
// are on one slot, so each operation stays one atomic step): session:<id> is a hash { record: JSON, seen: lastSeenAt, actor, subject } (lastSeenAt
// apart so `touch` never re-encodes the record; actor and subject so `end` finds the index keys
// in the same step); actor:<actorId> holds the id of the actor's one session (the lock that makes
// create atomic); subject:<subjectId> and sessions are sets of ids (the indexes).

/** KEYS session, actor, subject, all; ARGV id, record, seen, ttlMs, actorId, subjectId. Returns 0 when the actor is acting. */
const CREATE = luaScript(`
if not redis.call('SET', KEYS[2], ARGV[1], 'NX', 'PX', ARGV[4]) then return 0 end
redis.call('HSET', KEYS[1], 'record', ARGV[2], 'seen', ARGV[3], 'actor', ARGV[5], 'subject', ARGV[6])
redis.call('PEXPIRE', KEYS[1], ARGV[4])
for i = 3, 4 do
  redis.call('SADD', KEYS[i], ARGV[1])
  -- An index lives at least as long as its longest-lived member, then Redis drops it.
  if redis.call('PTTL', KEYS[i]) < tonumber(ARGV[4]) then redis.call('PEXPIRE', KEYS[i], ARGV[4]) end
end
return 1`);

/** KEYS session; ARGV at. Moves lastSeenAt forward only (racing requests may arrive out of order). */
const TOUCH = luaScript(`
local seen = redis.call('HGET', KEYS[1], 'seen')
if seen and tonumber(ARGV[1]) > tonumber(seen) then redis.call('HSET', KEYS[1], 'seen', ARGV[1]) end
return 0`);

/**
 * KEYS session, actor, subject, all; ARGV id, channel, PUBLISH or SPUBLISH. Removes the session and its index entries
 * in one step and returns it; a caller that comes second gets nil, so exactly one audits the end.
 * Publishes the id on the channel in the same step, for every instance's cache. The actor and
 * subject keys are read from the record first (they never change for an id), so that the script
 * declares every key it touches, as Redis Cluster requires.
 */
const END = luaScript(`
local v = redis.call('HMGET', KEYS[1], 'record', 'seen')
if not v[1] then return false end
redis.call('DEL', KEYS[1])
if redis.call('GET', KEYS[2]) == ARGV[1] then redis.call('DEL', KEYS[2]) end
redis.call('SREM', KEYS[3], ARGV[1])
redis.call('SREM', KEYS[4], ARGV[1])
redis.call(ARGV[3], ARGV[2], ARGV[1])
return { v[1], v[2] }`);

type Stored = [record: string | null, seen: string | null];

/**
 * Impersonation sessions in Redis, shared by every instance of the host app: a session started on
 * one is honoured, expired and revoked on all of them at once. Expiry uses Redis TTLs (the hard
 * limit plus `expiryGraceMs`), so abandoned sessions disappear on their own.
 *
 * Fails fast: when the client is not connected every method rejects at once, and a call Redis
 * doesn't answer rejects when its request's deadline (`timeoutMs`) runs out, with
 * `RedisUnavailableError` (code `STORE_UNAVAILABLE`); onbehalf answers 503 and serves nobody as
 * the wrong user.
 */
export function redisStore(options: RedisStoreOptions): ImpersonationStore & { readonly kind: 'redis'; close(): Promise<void> } {
  const { client, prefix = 'onbehalf:', expiryGraceMs = 5 * 60_000, now = Date.now, cacheTtlMs = 0, warn = console.warn } = options;
  const duplicate = (client as Partial<{ duplicate(): SubscriberClient }>).duplicate;
  const cluster = isCluster(client);
  if (cacheTtlMs > 0 && !cluster && typeof duplicate !== 'function') {
    throw optionError('redisStore({ cacheTtlMs }) needs a node-redis client: it opens a second connection with client.duplicate().');
  }
  const commands = asCommandClient(client);
  const sender = commandSender(commands, timeoutOf(options));
  const tagged = `${prefix}{impersonation}:`;
  // On a cluster the channel is sharded and on the state's slot (its hash tag), so the end
  // script may publish on it; a single Redis keeps the plain channel (Redis before 7 has no SPUBLISH).
  const ended = cluster ? { channel: `${tagged}ended`, publish: 'SPUBLISH' } : { channel: `${prefix}ended`, publish: 'PUBLISH' };
  const key = {
    session: (id: string) => `${tagged}session:${id}`,
    actor: (actorId: string) => `${tagged}actor:${actorId}`,
    subject: (subjectId: string) => `${tagged}subject:${subjectId}`,
    all: `${tagged}sessions`,
  };
  const parse = ([record, seen]: Stored): ImpersonationRecord | undefined =>
    record === null ? undefined : { ...(JSON.parse(record) as ImpersonationRecord), lastSeenAt: Number(seen) };
  const read = (send: SendCommand, id: string) => send<Stored>(['HMGET', key.session(id), 'record', 'seen']).then(parse);
  const cache =
    cacheTtlMs > 0
      ? recordCache({ subscriber: cluster ? shardSubscriber(client, ended.channel) : duplicate!.call(client), channel: ended.channel, ttlMs: cacheTtlMs, now, warn })
      : undefined;

  /** The live records of an index set; ids whose record Redis expired are dropped from the set. */
  async function members(send: SendCommand, setKey: string): Promise<ImpersonationRecord[]> {
    const ids = await send<string[]>(['SMEMBERS', setKey]);
    const records = await Promise.all(ids.map((id) => read(send, id)));
    const gone = ids.filter((_, i) => !records[i]);
    // Safe without a transaction: ids are never reused, so a missing record never comes back.
    if (gone.length) await send(['SREM', setKey, ...gone]);
    return records.filter((r): r is ImpersonationRecord => r !== undefined);
  }

  return {
    kind: 'redis',
    async create(record, deadline) {
      const send = sender(deadline);
      const ttlMs = Math.max(record.expiresAt - now(), 0) + expiryGraceMs;
      const { lastSeenAt, ...rest } = record;
      const keys = [key.session(record.id), key.actor(record.actorId), key.subject(record.subjectId), key.all];
      return (await CREATE<number>(send, keys, [record.id, JSON.stringify(rest), lastSeenAt, ttlMs, record.actorId, record.subjectId])) === 1;
    },
    get(id, deadline) {
      const send = sender(deadline);
      if (!cache) return read(send, id);
      // Never from memory while this client can't reach Redis: the request gets 503, as uncached.
      return (commands.isReady && cache.hit(id)) || cache.fill(id, () => read(send, id));
    },
    async touch(id, at, deadline) {
      await TOUCH(sender(deadline), [key.session(id)], [at]);
      cache?.touched(id, at);
    },
    async end(id, deadline) {
      const send = sender(deadline);
      // Before and after: a read of this instance racing the end must not keep the record.
      cache?.drop(id);
      const [actorId, subjectId] = await send<[string | null, string | null]>(['HMGET', key.session(id), 'actor', 'subject']);
      const removed = actorId === null || subjectId === null ? null : await END<Stored | null>(send, [key.session(id), key.actor(actorId), key.subject(subjectId), key.all], [id, ended.channel, ended.publish]);
      cache?.drop(id);
      return removed ? parse(removed) : undefined;
    },
    async list(filter = {}, deadline) {
      const send = sender(deadline);
      let records: ImpersonationRecord[];
      if (filter.actorId) {
        const id = await send<string | null>(['GET', key.actor(filter.actorId)]);
        const r = id === null ? undefined : await read(send, id);
        records = r ? [r] : [];
      } else {
        records = await members(send, filter.subjectId ? key.subject(filter.subjectId) : key.all);
      }
      return records
        .filter((r) => !filter.subjectId || r.subjectId === filter.subjectId)
        .sort((a, b) => a.startedAt - b.startedAt);
    },
    async close() {
      await cache?.close();
    },
  };
}
