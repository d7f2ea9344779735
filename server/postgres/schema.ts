import { optionError } from '../../shared/index.js';

/** Names of the three tables of one chain, derived from the audit table's name. */
export interface ChainTables {
  /** Every line of the chain, as the file format writes it, plus indexed columns. */
  lines: string;
  /** The one row that says where the chain ends: taken FOR UPDATE by each batch. */
  head: string;
  /** A copy of every signed checkpoint (the chain holds the original). */
  checkpoints: string;
  /** One row per server process that the synchronous flush after each batch writes. */
  flushes: string;
  /** Prefix of the trigger function and index names. */
  base: string;
  /** The function that appends a batch of events after the head, in one statement. */
  append: string;
}

const IDENT = /^[a-z_][a-z0-9_]{0,40}$/;

/** `onbehalf_audit` or `audit.onbehalf` (schema-qualified): lowercase identifiers only, so no quoting is needed. */
export function chainTables(table = 'onbehalf_audit'): ChainTables {
  const parts = table.split('.');
  if (parts.length > 2 || !parts.every((p) => IDENT.test(p))) {
    throw optionError(`pgAudit table must be a lowercase SQL identifier, optionally schema-qualified (got ${JSON.stringify(table)}).`);
  }
  const base = parts.at(-1)!;
  return { lines: table, head: `${table}_head`, checkpoints: `${table}_checkpoints`, flushes: `${table}_flushes`, base, append: `${table}_append` };
}

/** The argument types of the append function, as GRANT and DROP name it. */
const APPEND_ARGS = 'text[], text[], text[], text[], text[], text[], timestamptz[], integer, integer';

/**
 * The DDL of a chain (PostgreSQL ≥ 14): the tables, the indexes the auditor's queries use, the
 * triggers that refuse UPDATE, DELETE and TRUNCATE on the lines and the checkpoint copies (and
 * DELETE/TRUNCATE on the head) for every role, the owner's included, and the append function.
 * Idempotent. The genesis header row is written by {@link pgAudit} (it needs the format's hash),
 * not here.
 *
 * `<table>_append(events, ids, types, actors, subjects, sessions, times, max_since, wait_ms)`
 * takes the head `FOR UPDATE`, builds each event's line exactly as the file format does
 * (`{"seq":N,"prev":"…","event":<event JSON>` then `,"hash":"<SHA-256 of the line so far with
 * its closing brace>"}`), inserts them and moves the head, in the one statement the caller sends
 * (its own transaction): the head is held for that statement and its commit, not for round trips.
 * It appends no more events than bring the count since the last checkpoint to `max_since` (0:
 * no limit), so that the caller can sign the checkpoint due at that place first.
 */
export function chainSchemaSql(table?: string): string {
  const t = chainTables(table);
  return `
CREATE TABLE IF NOT EXISTS ${t.lines} (
  seq         bigint PRIMARY KEY,
  line        text NOT NULL,
  kind        text NOT NULL CHECK (kind IN ('header', 'event', 'checkpoint')),
  event_id    text,
  event_type  text,
  actor_id    text,
  subject_id  text,
  session_id  text,
  event_time  timestamptz
);
CREATE INDEX IF NOT EXISTS ${t.base}_actor   ON ${t.lines} (actor_id, seq)   WHERE kind = 'event';
CREATE INDEX IF NOT EXISTS ${t.base}_subject ON ${t.lines} (subject_id, seq) WHERE kind = 'event';
CREATE INDEX IF NOT EXISTS ${t.base}_session ON ${t.lines} (session_id, seq) WHERE kind = 'event';
CREATE INDEX IF NOT EXISTS ${t.base}_time    ON ${t.lines} (event_time)      WHERE kind = 'event';

CREATE TABLE IF NOT EXISTS ${t.head} (
  id               boolean PRIMARY KEY DEFAULT true CHECK (id),
  seq              bigint NOT NULL,
  hash             text NOT NULL,
  since_checkpoint integer NOT NULL,
  checkpoint_at    timestamptz NOT NULL
);

-- One row per server process, written by each synchronous flush: a commit flushes the WAL only
-- when its transaction wrote some, so the flush that follows asynchronous appends must write.
CREATE TABLE IF NOT EXISTS ${t.flushes} (
  backend integer PRIMARY KEY,
  n       bigint NOT NULL
);

CREATE TABLE IF NOT EXISTS ${t.checkpoints} (
  seq    bigint PRIMARY KEY,
  prev   text NOT NULL,
  at     text NOT NULL,
  reason text NOT NULL,
  sig    text NOT NULL
);

CREATE OR REPLACE FUNCTION ${t.lines}_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION 'onbehalf audit: % on % is refused: the audit trail is append-only', TG_OP, TG_TABLE_NAME
    USING ERRCODE = 'insufficient_privilege';
END $$;
CREATE OR REPLACE TRIGGER ${t.base}_no_change   BEFORE UPDATE OR DELETE ON ${t.lines}       FOR EACH ROW       EXECUTE FUNCTION ${t.lines}_append_only();
CREATE OR REPLACE TRIGGER ${t.base}_no_truncate BEFORE TRUNCATE         ON ${t.lines}       FOR EACH STATEMENT EXECUTE FUNCTION ${t.lines}_append_only();
CREATE OR REPLACE TRIGGER ${t.base}_cp_no_change   BEFORE UPDATE OR DELETE ON ${t.checkpoints} FOR EACH ROW       EXECUTE FUNCTION ${t.lines}_append_only();
CREATE OR REPLACE TRIGGER ${t.base}_cp_no_truncate BEFORE TRUNCATE         ON ${t.checkpoints} FOR EACH STATEMENT EXECUTE FUNCTION ${t.lines}_append_only();
CREATE OR REPLACE TRIGGER ${t.base}_head_no_delete   BEFORE DELETE   ON ${t.head} FOR EACH ROW       EXECUTE FUNCTION ${t.lines}_append_only();
CREATE OR REPLACE TRIGGER ${t.base}_head_no_truncate BEFORE TRUNCATE ON ${t.head} FOR EACH STATEMENT EXECUTE FUNCTION ${t.lines}_append_only();

CREATE OR REPLACE FUNCTION ${t.append}(events text[], ids text[], types text[], actors text[], subjects text[], sessions text[], times timestamptz[], max_since integer, wait_ms integer)
RETURNS TABLE (appended integer, next_seq bigint, last_hash text, since integer, last_checkpoint timestamptz) LANGUAGE plpgsql AS $$
DECLARE
  h record;
  n integer := coalesce(array_length(events, 1), 0);
  built text[] := '{}';
  body text;
  prev text;
BEGIN
  -- Both last until this statement's transaction ends. The COMMIT does not wait for the WAL
  -- flush, so the head is free again at once; the caller acknowledges only after a flush (see pgAudit).
  PERFORM set_config('synchronous_commit', 'off', true), set_config('lock_timeout', wait_ms::text, true);
  SELECT * INTO h FROM ${t.head} FOR UPDATE;
  IF NOT FOUND THEN RAISE EXCEPTION '${t.head} has no row: the chain''s head is missing'; END IF;
  IF max_since > 0 THEN n := least(n, greatest(max_since - h.since_checkpoint, 0)); END IF;
  prev := h.hash;
  FOR i IN 1..n LOOP
    body := '{"seq":' || (h.seq + i - 1) || ',"prev":"' || prev || '","event":' || events[i] || '}';
    prev := encode(sha256(convert_to(body, 'UTF8')), 'hex');
    built[i] := left(body, -1) || ',"hash":"' || prev || '"}';
  END LOOP;
  IF n > 0 THEN
    INSERT INTO ${t.lines} (seq, line, kind, event_id, event_type, actor_id, subject_id, session_id, event_time)
      SELECT h.seq + x.o - 1, x.line, 'event', x.id, x.type, x.actor, x.subject, x.session, x.time
      FROM unnest(built, ids[1:n], types[1:n], actors[1:n], subjects[1:n], sessions[1:n], times[1:n]) WITH ORDINALITY AS x(line, id, type, actor, subject, session, time, o);
    UPDATE ${t.head} SET seq = h.seq + n, hash = prev, since_checkpoint = h.since_checkpoint + n;
  END IF;
  RETURN QUERY SELECT n, h.seq + n, prev, h.since_checkpoint + n, h.checkpoint_at;
END $$;
`;
}

/**
 * What the application's own role needs, and nothing more: read and append lines and checkpoint
 * copies, write the head once (the genesis) and move it. Run it as the tables' owner after {@link chainSchemaSql}; the app then
 * connects as `role`, which can neither change nor remove a line, nor drop the triggers.
 */
export function writerGrantsSql(role: string, table?: string): string {
  if (!IDENT.test(role)) throw new TypeError(`role must be a lowercase SQL identifier (got ${JSON.stringify(role)}).`);
  const t = chainTables(table);
  const schema = t.lines.includes('.') ? t.lines.split('.')[0] : undefined;
  return `
${schema ? `GRANT USAGE ON SCHEMA ${schema} TO ${role};\n` : ''}REVOKE ALL ON ${t.lines}, ${t.checkpoints}, ${t.head}, ${t.flushes} FROM ${role};
GRANT SELECT, INSERT ON ${t.lines}, ${t.checkpoints} TO ${role};
GRANT SELECT, INSERT, UPDATE ON ${t.head}, ${t.flushes} TO ${role};
GRANT EXECUTE ON FUNCTION ${t.append}(${APPEND_ARGS}) TO ${role};
`;
}
