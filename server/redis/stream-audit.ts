import { auditEventSchema, optionError, type AuditEvent } from '../../shared/index.js';
import type { AuditPage, AuditQuery, AuditSink } from '../audit/types.js';
import { AuditError, unavailable } from '../audit/errors.js';
import { matches } from '../audit/memory.js';
import { asCommandClient, hasHashTag, isCluster, type RedisClient } from './cluster.js';
import { commandSender, luaScript, timeoutOf, type RedisTimeoutOptions } from './commands.js';

/** Options of {@link redisStreamAudit}. */
export interface RedisStreamAuditOptions extends Omit<RedisTimeoutOptions, 'commandTimeoutMs'> {
  /** A connected node-redis v5 client, or a Redis Cluster client (`createCluster()`). The sink does not close it. */
  client: RedisClient;
  /**
   * Stream key. Default `'onbehalf:audit'`. Event ids are kept in the set `<stream>:ids` (to add
   * each event once); on Redis Cluster in `{<stream>}:ids` when the stream's name has no hash
   * tag, so that both are on the stream's slot (one master holds the whole trail).
   */
  stream?: string;
  /**
   * Wait until this many replicas have the event before acknowledging (Redis `WAIT`), and reject
   * when fewer do in time. Default: don't wait (see the durability caveat in docs/audit.md).
   * Not on Redis Cluster (`WAIT` names no key, so it can't be routed to the stream's master).
   */
  replicas?: {
    /** How many replicas must confirm the event. */
    count: number;
    /** How long `WAIT` waits for them (ms). Default 1000. */
    timeoutMs?: number;
  };
}

/**
 * XADD unless an event with this id was added before. A write that timed out may still land
 * (its command had reached the server); the retry then finds its id and adds nothing, so
 * each event is in the stream once.
 */
const ADD_ONCE = luaScript(`if redis.call('SADD', KEYS[2], ARGV[1]) == 1 then return redis.call('XADD', KEYS[1], '*', 'event', ARGV[2]) end return false`);

/** How many entries a query reads from Redis per round trip. */
const SCAN_CHUNK = 500;
const STREAM_ID = /^\d+-\d+$/;

/**
 * Audit events in a Redis stream (XADD), one field `event` holding the same JSON as the file
 * sink's events, each event id at most once. For hosts with several instances. Not hash-chained: pair it with `fileAudit`
 * through `fanoutAudit` when you need tamper evidence.
 */
export function redisStreamAudit(options: RedisStreamAuditOptions): AuditSink & { query(q: AuditQuery): Promise<AuditPage> } {
  const stream = options.stream ?? 'onbehalf:audit';
  const cluster = isCluster(options.client);
  if (cluster && options.replicas) throw optionError('redisStreamAudit({ replicas }) is not available on Redis Cluster: WAIT can not be routed to the stream\'s master.');
  // A key without a hash tag hashes whole: `{<stream>}:ids` is then on the stream's slot.
  const ids = cluster && !hasHashTag(stream) ? `{${stream}}:ids` : `${stream}:ids`;
  // Each write or read has a budget of its own (an audit sink is not told the request): it rejects
  // at once while the client is disconnected, and when Redis does not answer in time.
  const send = commandSender(asCommandClient(options.client), timeoutOf(options))();
  return {
    async write(event: AuditEvent) {
      const parsed = auditEventSchema.safeParse(event);
      if (!parsed.success) throw new AuditError('AUDIT_UNAVAILABLE', `not a valid audit event: ${parsed.error.message}`);
      try {
        await ADD_ONCE(send, [stream, ids], [parsed.data.id, JSON.stringify(parsed.data)]);
        if (options.replicas) {
          const acked = await send<number>(['WAIT', String(options.replicas.count), String(options.replicas.timeoutMs ?? 1000)]);
          if (acked < options.replicas.count) throw new Error(`only ${acked} of ${options.replicas.count} replicas confirmed the event`);
        }
      } catch (e) {
        throw unavailable('the audit event could not be written to Redis', e);
      }
    },

    /** Events in stream order; the cursor is the last stream id looked at. */
    async query(q: AuditQuery): Promise<AuditPage> {
      if (q.cursor !== undefined && !STREAM_ID.test(q.cursor)) throw new AuditError('BAD_REQUEST', 'Unknown cursor.');
      const limit = q.limit ?? 100;
      const out: AuditEvent[] = [];
      let start = q.cursor === undefined ? '-' : `(${q.cursor}`;
      try {
        for (;;) {
          const entries = await send<Array<[id: string, fields: string[]]>>(['XRANGE', stream, start, '+', 'COUNT', String(SCAN_CHUNK)]);
          for (const [id, fields] of entries) {
            const parsed = auditEventSchema.safeParse(JSON.parse(fields[fields.indexOf('event') + 1]));
            if (!parsed.success || !matches(parsed.data, q)) continue;
            out.push(parsed.data);
            if (out.length === limit) return { events: out, nextCursor: id };
          }
          if (entries.length < SCAN_CHUNK) return { events: out };
          start = `(${entries.at(-1)![0]}`;
        }
      } catch (e) {
        throw unavailable('the audit stream could not be read', e);
      }
    },
  };
}
