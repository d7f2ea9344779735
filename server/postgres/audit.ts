import pg from 'pg';
import type { AuditEvent } from '../../shared/index.js';
import type { AuditQuery } from '../audit/types.js';
import { unavailable } from '../audit/errors.js';
import { encodeLine, FORMAT, FORMAT_VERSION, GENESIS, signCheckpoint, type CheckpointReason } from '../audit/format.js';
import { groupCommit, seqCursor, type ChainedAuditSink, type ChainedSinkHooks } from '../audit/group-commit.js';
import { ed25519Key, type CheckpointSigning } from '../audit/keys.js';
import { chainSchemaSql, chainTables } from './schema.js';

/** Options of {@link pgAudit}. */
export interface PgAuditOptions extends ChainedSinkHooks {
  /** A `pg` Pool of the host's (not closed by the sink). Give `pool` or `connectionString`. */
  pool?: pg.Pool;
  /** `postgres://…`: the sink makes its own pool (closed by `close()`). */
  connectionString?: string;
  /**
   * The lines table; `<table>_head` and `<table>_checkpoints` go beside it. Lowercase,
   * optionally schema-qualified. Default `'onbehalf_audit'`.
   */
  table?: string;
  /**
   * Create the tables, indexes and triggers when they are missing (the app's role then owns
   * them). Default `true`. Set `false` when the schema is migrated by another role and the app
   * connects with only the grants of `writerGrantsSql()`, so it can't drop the triggers.
   */
  createSchema?: boolean;
  /**
   * Signed checkpoints, written into the chain and copied to `<table>_checkpoints`; the count
   * is of the chain's events, all instances together. Give every instance the same key.
   * Default: none (a warning at start-up).
   */
  checkpoint?: CheckpointSigning;
  /**
   * Deadline (ms) for connecting, waiting for the chain's head, each statement, and a
   * transaction left idle by a writer that vanished (PostgreSQL then ends it and frees the head).
   * A write that misses it rejects with `AUDIT_UNAVAILABLE`. Default 5000.
   */
  timeoutMs?: number;
}

/** Its `query` reads the events of every instance, in chain order, through the indexes; the cursor is a seq. */
export type PgAudit = ChainedAuditSink;

interface Head {
  seq: number;
  hash: string;
  since: number;
  checkpointAt: number;
}

/** One row of the lines table, as `unnest` takes them. */
interface Row {
  seq: number;
  line: string;
  kind: 'header' | 'event' | 'checkpoint';
  event?: AuditEvent;
}

const columns = (rows: Row[]) => [
  rows.map((r) => r.seq),
  rows.map((r) => r.line),
  rows.map((r) => r.kind),
  rows.map((r) => r.event?.id ?? null),
  rows.map((r) => r.event?.type ?? null),
  rows.map((r) => r.event?.actor?.id ?? null),
  rows.map((r) => r.event?.subject?.id ?? null),
  rows.map((r) => r.event?.sessionId ?? null),
  rows.map((r) => eventTime(r.event)),
];

/** The indexed time of an event: its `time` when that parses, else none (the line still has it). */
export function eventTime(event: AuditEvent | undefined): string | null {
  const t = event ? Date.parse(event.time) : NaN;
  return Number.isNaN(t) ? null : new Date(t).toISOString();
}

const INSERT_COLUMNS = 'seq, line, kind, event_id, event_type, actor_id, subject_id, session_id, event_time';
const UNNEST = 'unnest($1::bigint[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[], $7::text[], $8::text[], $9::timestamptz[])';

/**
 * The shared audit sink: every instance appends to one hash chain in PostgreSQL, in the file
 * format's lines (so one verifier serves both). Each instance group-commits: the events that
 * arrive while its transaction is in flight go into the next one. A transaction takes the
 * chain's head row `FOR UPDATE`, which serialises the instances, appends its lines after it,
 * moves the head and commits with `synchronous_commit = on`; `write` resolves only after that
 * COMMIT returned. Nothing of the chain is cached between batches, so a batch whose outcome is
 * unknown (a cut connection) can't fork it: the next one reads the head the database has.
 */
export function pgAudit(options: PgAuditOptions): PgAudit {
  if (!options.pool && !options.connectionString) throw new TypeError('pgAudit needs `pool` or `connectionString`.');
  const t = chainTables(options.table);
  const timeoutMs = options.timeoutMs ?? 5000;
  const warn = options.warn ?? ((m: string) => console.warn(m));
  const now = options.now ?? Date.now;
  const ownPool = !options.pool;
  const pool = options.pool ?? new pg.Pool({
    connectionString: options.connectionString,
    connectionTimeoutMillis: timeoutMs,
    query_timeout: timeoutMs,
    max: 4,
  });
  // An idle connection that the server drops (a restart) is reported here; the next batch reconnects.
  if (ownPool) pool.on('error', (e) => warn(`onbehalf audit: PostgreSQL connection lost: ${e.message}`));
  const cp = options.checkpoint;
  const signer = cp ? ed25519Key(cp.privateKey, 'private') : undefined;
  const everyEvents = cp?.everyEvents ?? 1000;
  const everyMs = cp?.everyMs ?? 60_000;
  if (!signer) warn(`onbehalf audit: ${t.lines} is hash-chained but not signed (no checkpoint.privateKey): records cut off the end can't be detected.`);

  let ready: Promise<void> | undefined;
  /** What this instance last saw of the head: only to decide when to look for an interval checkpoint. */
  let seen: Head | undefined;


  /** Run `work` in one transaction on one connection; a connection that failed is thrown away. */
  async function transaction<T>(work: (c: pg.PoolClient) => Promise<T>): Promise<T> {
    const c = await pool.connect();
    // A connection lost mid-transaction is an 'error' event too; the query rejects with it anyway.
    const ignore = () => {};
    c.on('error', ignore);
    try {
      await c.query(`BEGIN; SET LOCAL synchronous_commit = on; SET LOCAL lock_timeout = ${timeoutMs}; SET LOCAL statement_timeout = ${timeoutMs}; SET LOCAL idle_in_transaction_session_timeout = ${timeoutMs}`);
      const out = await work(c);
      await c.query('COMMIT');
      c.off('error', ignore);
      c.release();
      return out;
    } catch (e) {
      c.off('error', ignore);
      c.release(true);
      throw e;
    }
  }

  /** Create the schema and the genesis header row when missing (once, whichever instance is first). */
  function ensureSchema(): Promise<void> {
    ready ??= transaction(async (c) => {
      await c.query('SELECT pg_advisory_xact_lock(hashtext($1))', [t.lines]);
      const exists = (await c.query('SELECT to_regclass($1) AS t', [t.head])).rows[0].t !== null;
      if (!exists && options.createSchema === false) throw new Error(`${t.head} does not exist: run the migration (chainSchemaSql) first`);
      if (!exists) await c.query(chainSchemaSql(options.table));
      if ((await c.query(`SELECT 1 FROM ${t.head}`)).rowCount) return;
      const created = new Date(now()).toISOString();
      const header = encodeLine(0, GENESIS, { header: { format: FORMAT, v: FORMAT_VERSION, file: 1, created } });
      await c.query(`INSERT INTO ${t.lines} (${INSERT_COLUMNS}) SELECT * FROM ${UNNEST}`, columns([{ seq: 0, line: header.text, kind: 'header' }]));
      await c.query(`INSERT INTO ${t.head} (seq, hash, since_checkpoint, checkpoint_at) VALUES (1, $1, 0, $2)`, [header.hash, created]);
    }).catch((e) => { ready = undefined; throw e; });
    return ready;
  }

  /** Append one batch after the head, with the checkpoints it is due. */
  async function commit(events: AuditEvent[], forceCheckpoint: CheckpointReason | undefined) {
    await ensureSchema();
    const head = await transaction(async (c) => {
      const r = (await c.query(`SELECT seq, hash, since_checkpoint, checkpoint_at FROM ${t.head} FOR UPDATE`)).rows[0];
      if (!r) throw new Error(`${t.head} has no row: the chain's head is missing`);
      const h: Head = { seq: Number(r.seq), hash: r.hash, since: r.since_checkpoint, checkpointAt: (r.checkpoint_at as Date).getTime() };
      const rows: Row[] = [];
      const checkpoints: Array<{ seq: number; prev: string; at: string; reason: CheckpointReason; sig: string }> = [];
      const addCheckpoint = (reason: CheckpointReason) => {
        const at = new Date(now()).toISOString();
        const sig = signCheckpoint(signer!, h.seq, h.hash, at);
        const l = encodeLine(h.seq, h.hash, { checkpoint: { at, reason, sig } });
        checkpoints.push({ seq: h.seq, prev: h.hash, at, reason, sig });
        rows.push({ seq: h.seq, line: l.text, kind: 'checkpoint' });
        h.seq += 1; h.hash = l.hash; h.since = 0; h.checkpointAt = Date.parse(at);
      };
      for (const event of events) {
        const l = encodeLine(h.seq, h.hash, { event });
        rows.push({ seq: h.seq, line: l.text, kind: 'event', event });
        h.seq += 1; h.hash = l.hash; h.since += 1;
        if (signer && h.since >= everyEvents) addCheckpoint('count');
      }
      // An interval checkpoint another instance already wrote is not written twice.
      const due = forceCheckpoint === 'close' || now() - h.checkpointAt >= everyMs;
      if (signer && forceCheckpoint && due && h.since > 0) addCheckpoint(forceCheckpoint);
      if (!rows.length) return h;
      await c.query(
        `WITH lines AS (INSERT INTO ${t.lines} (${INSERT_COLUMNS}) SELECT * FROM ${UNNEST}),
              copies AS (INSERT INTO ${t.checkpoints} (seq, prev, at, reason, sig) SELECT * FROM unnest($10::bigint[], $11::text[], $12::text[], $13::text[], $14::text[]))
         UPDATE ${t.head} SET seq = $15, hash = $16, since_checkpoint = $17, checkpoint_at = $18`,
        [
          ...columns(rows),
          checkpoints.map((x) => x.seq), checkpoints.map((x) => x.prev), checkpoints.map((x) => x.at),
          checkpoints.map((x) => x.reason), checkpoints.map((x) => x.sig),
          h.seq, h.hash, h.since, new Date(h.checkpointAt).toISOString(),
        ],
      );
      return h;
    });
    seen = head;
  }

  const batches = groupCommit(
    (events, checkpointWanted) => commit(events, checkpointWanted ? 'interval' : undefined),
    (e) => unavailable('the audit event could not be written to PostgreSQL', e),
    warn,
    signer && { everyMs, due: () => seen !== undefined && seen.since > 0 && now() - seen.checkpointAt >= everyMs },
  );

  return {
    write: (event) => batches.write(event),

    async query(q) {
      const { from, limit } = seqCursor(q);
      const { text, values } = querySql(t.lines, q, from, limit);
      try {
        await ensureSchema();
        const { rows } = await pool.query<{ seq: string; line: string }>(text, values);
        const events = rows.map((r) => (JSON.parse(r.line) as { event: AuditEvent }).event);
        return { events, nextCursor: rows.length === limit ? String(Number(rows.at(-1)!.seq) + 1) : undefined };
      } catch (e) {
        throw unavailable('the audit trail could not be read from PostgreSQL', e);
      }
    },

    async close() {
      if (!(await batches.close())) return;
      try {
        if (signer && seen && seen.since > 0) await commit([], 'close');
      } catch (e) {
        warn(`onbehalf audit: no closing checkpoint: ${(e as Error).message}`);
      } finally {
        if (ownPool) await pool.end();
      }
    },
  };
}

/** The query of {@link PgAudit.query}: each filter is a column with an index, in seq order. */
export function querySql(table: string, q: AuditQuery, from: number, limit: number) {
  const values: unknown[] = [from];
  const where = [`kind = 'event'`, 'seq >= $1'];
  const add = (sql: string, v: unknown) => { values.push(v); where.push(sql.replace('?', `$${values.length}`)); };
  if (q.actor) add('actor_id = ?', q.actor);
  if (q.subject) add('subject_id = ?', q.subject);
  if (q.sessionId) add('session_id = ?', q.sessionId);
  if (q.type) add('event_type = ?', q.type);
  if (q.from !== undefined) add('event_time >= ?', new Date(q.from).toISOString());
  if (q.to !== undefined) add('event_time <= ?', new Date(q.to).toISOString());
  values.push(limit);
  return { text: `SELECT seq, line FROM ${table} WHERE ${where.join(' AND ')} ORDER BY seq LIMIT $${values.length}`, values };
}
