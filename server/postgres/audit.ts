import pg from 'pg';
import { optionError, setupMessage, type AuditEvent } from '../../shared/index.js';
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
 * arrive while its batch is in flight go into the next one. A batch is one statement (the
 * schema's append function: head row `FOR UPDATE`, which serialises the instances, lines built
 * and hashed after it, head moved, committed without waiting for the flush, so the head is free
 * at once), then a synchronous commit that flushes the WAL past it; `write` resolves only after
 * that. Nothing of the chain is cached between batches, so a batch whose outcome is unknown (a
 * cut connection) can't fork it: the next one reads the head the database has.
 */
export function pgAudit(options: PgAuditOptions): PgAudit {
  if (!options.pool && !options.connectionString) throw optionError('pgAudit needs `pool` or `connectionString`.');
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
  if (!signer) warn(setupMessage('AUDIT_UNSIGNED', `onbehalf audit: ${t.lines} is hash-chained but not signed (no checkpoint.privateKey): records cut off the end can't be detected.`));

  let ready: Promise<void> | undefined;
  /** What this instance last saw of the head: only to decide when to look for a checkpoint. */
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
      // A chain made by an earlier build lacks the flushes table; the DDL is idempotent.
      const current = exists && (await c.query('SELECT to_regclass($1) AS t', [t.flushes])).rows[0].t !== null;
      if (!current && options.createSchema === false) throw new Error(`${t.flushes} does not exist: run the migration (chainSchemaSql) again`);
      if (!current) await c.query(chainSchemaSql(options.table));
      if ((await c.query(`SELECT 1 FROM ${t.head}`)).rowCount) return;
      const created = new Date(now()).toISOString();
      const header = encodeLine(0, GENESIS, { header: { format: FORMAT, v: FORMAT_VERSION, file: 1, created } });
      await c.query(`INSERT INTO ${t.lines} (${INSERT_COLUMNS}) SELECT * FROM ${UNNEST}`, columns([{ seq: 0, line: header.text, kind: 'header' }]));
      await c.query(`INSERT INTO ${t.head} (seq, hash, since_checkpoint, checkpoint_at) VALUES (1, $1, 0, $2)`, [header.hash, created]);
    }).catch((e) => { ready = undefined; throw e; });
    return ready;
  }

  /** The head row, locked until the transaction ends. */
  async function lockHead(c: pg.PoolClient): Promise<Head> {
    const r = (await c.query(`SELECT seq, hash, since_checkpoint, checkpoint_at FROM ${t.head} FOR UPDATE`)).rows[0];
    if (!r) throw new Error(`${t.head} has no row: the chain's head is missing`);
    return { seq: Number(r.seq), hash: r.hash, since: r.since_checkpoint, checkpointAt: (r.checkpoint_at as Date).getTime() };
  }

  /**
   * Append events after the head in one statement, its own transaction (see `chainSchemaSql`):
   * as many as fit before the next count checkpoint. Returns how many went in.
   */
  async function append(c: pg.PoolClient, events: AuditEvent[]): Promise<number> {
    const rows = events.map((event) => ({ seq: 0, line: JSON.stringify(event), kind: 'event' as const, event }));
    const [, lines, , ...indexed] = columns(rows);
    const { rows: [r] } = await c.query({
      name: `onbehalf-append-${t.lines}`,
      text: `SELECT appended, next_seq, last_hash, since, last_checkpoint FROM ${t.append}($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[], $7::timestamptz[], $8::integer, $9::integer)`,
      values: [lines, ...indexed, signer ? everyEvents : 0, timeoutMs],
      query_timeout: timeoutMs,
    } as pg.QueryConfig);
    seen = { seq: Number(r.next_seq), hash: r.last_hash, since: r.since, checkpointAt: (r.last_checkpoint as Date).getTime() };
    return r.appended;
  }

  /**
   * Wait until everything committed so far is flushed: a synchronous commit that wrote WAL (its
   * own row in the flushes table: a transaction that writes nothing commits without a flush)
   * flushes the WAL up to its commit record, so past every commit before it (and, with
   * synchronous standbys, waits for them too). It runs on the connection that appended: a server
   * that crashed and came back in between has lost the unflushed commits, and only that
   * connection's death says so (a new connection would flush the new server's WAL).
   */
  async function flushed(c: pg.PoolClient) {
    await c.query({
      name: `onbehalf-flush-${t.flushes}`,
      // synchronous_commit on for this statement's own transaction, whatever the server's default.
      text: `WITH sync AS (SELECT set_config('synchronous_commit', 'on', true))
             INSERT INTO ${t.flushes} (backend, n) SELECT pg_backend_pid(), 1 FROM sync
             ON CONFLICT (backend) DO UPDATE SET n = ${t.flushes}.n + 1`,
      query_timeout: timeoutMs,
    } as pg.QueryConfig);
  }

  /**
   * Sign a checkpoint at `h` and write it in one statement that moves the head only if the head
   * is still `h` (else another instance signed it first: nothing is written). `durably` false
   * commits without waiting for the flush, for a caller that flushes after it.
   */
  async function signAt(c: pg.ClientBase, h: Head, reason: CheckpointReason, durably: boolean): Promise<Head | undefined> {
    const at = new Date(now()).toISOString();
    const sig = signCheckpoint(signer!, h.seq, h.hash, at);
    const l = encodeLine(h.seq, h.hash, { checkpoint: { at, reason, sig } });
    const { rows: [r] } = await c.query({
      name: `onbehalf-checkpoint-${t.lines}`,
      text: `WITH sync AS (SELECT set_config('synchronous_commit', $17, true)),
              moved AS (UPDATE ${t.head} SET seq = $15, hash = $16, since_checkpoint = 0, checkpoint_at = $12::text::timestamptz
                        FROM sync WHERE seq = $10 AND hash = $11 RETURNING 1),
              lines AS (INSERT INTO ${t.lines} (${INSERT_COLUMNS}) SELECT u.* FROM ${UNNEST} AS u, moved),
              copy AS (INSERT INTO ${t.checkpoints} (seq, prev, at, reason, sig) SELECT $10, $11, $12::text, $13, $14 FROM moved)
         SELECT count(*)::int AS n FROM moved`,
      values: [...columns([{ seq: h.seq, line: l.text, kind: 'checkpoint' }]), h.seq, h.hash, at, reason, sig, h.seq + 1, l.hash, durably ? 'on' : 'off'],
      query_timeout: timeoutMs,
    } as pg.QueryConfig);
    return r.n ? { seq: h.seq + 1, hash: l.hash, since: 0, checkpointAt: Date.parse(at) } : undefined;
  }

  /**
   * Sign a checkpoint at the head when it is still due once the head is locked (another instance
   * may have written it meanwhile): `interval` after `everyMs`, `close` whenever events are
   * unsigned. Committed synchronously (nothing flushes after it).
   */
  async function checkpoint(reason: 'interval' | 'close') {
    if (!signer) return;
    seen = await transaction(async (c) => {
      const h = await lockHead(c);
      const due = h.since > 0 && (reason === 'close' || now() - h.checkpointAt >= everyMs);
      return (due && (await signAt(c, h, reason, true))) || h;
    });
  }

  /** Append one batch after the head, each count checkpoint signed at its place, then the one asked for. */
  async function commit(events: AuditEvent[], forceCheckpoint: 'interval' | 'close' | undefined) {
    await ensureSchema();
    if (events.length) {
      const c = await pool.connect();
      const ignore = () => {};
      c.on('error', ignore);
      try {
        let rest = events;
        while (rest.length) {
          rest = rest.slice(await append(c, rest));
          // The appends stop at the count checkpoint's place until it is written, so the head
          // this append saw is that place; whoever signs it first wins, the others write nothing.
          // Its commit is flushed by the flush below (or by the batch of whoever signed it).
          if (signer && seen!.since >= everyEvents) await signAt(c, seen!, 'count', false);
        }
        await flushed(c);
      } catch (e) {
        c.off('error', ignore);
        c.release(true);
        throw e;
      }
      c.off('error', ignore);
      c.release();
    }
    if (forceCheckpoint) await checkpoint(forceCheckpoint);
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
