/** Names of the three tables of one chain, derived from the audit table's name. */
export interface ChainTables {
  /** Every line of the chain, as the file format writes it, plus indexed columns. */
  lines: string;
  /** The one row that says where the chain ends: taken FOR UPDATE by each batch. */
  head: string;
  /** A copy of every signed checkpoint (the chain holds the original). */
  checkpoints: string;
  /** Prefix of the trigger function and index names. */
  base: string;
}

const IDENT = /^[a-z_][a-z0-9_]{0,40}$/;

/** `onbehalf_audit` or `audit.onbehalf` (schema-qualified): lowercase identifiers only, so no quoting is needed. */
export function chainTables(table = 'onbehalf_audit'): ChainTables {
  const parts = table.split('.');
  if (parts.length > 2 || !parts.every((p) => IDENT.test(p))) {
    throw new TypeError(`pgAudit table must be a lowercase SQL identifier, optionally schema-qualified (got ${JSON.stringify(table)}).`);
  }
  const base = parts.at(-1)!;
  return { lines: table, head: `${table}_head`, checkpoints: `${table}_checkpoints`, base };
}

/**
 * The DDL of a chain (PostgreSQL ≥ 14): the tables, the indexes the auditor's queries use, and
 * the triggers that refuse UPDATE, DELETE and TRUNCATE on the lines and the checkpoint copies
 * (and DELETE/TRUNCATE on the head) for every role, the owner's included. Idempotent. The
 * genesis header row is written by {@link pgAudit} (it needs the format's hash), not here.
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
${schema ? `GRANT USAGE ON SCHEMA ${schema} TO ${role};\n` : ''}REVOKE ALL ON ${t.lines}, ${t.checkpoints}, ${t.head} FROM ${role};
GRANT SELECT, INSERT ON ${t.lines}, ${t.checkpoints} TO ${role};
GRANT SELECT, INSERT, UPDATE ON ${t.head} TO ${role};
`;
}
