import { createWriteStream } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { once } from 'node:events';
import { join } from 'node:path';
import pg from 'pg';
import type { AuditEvent } from '../../shared/index.js';
import { decodeLine, fileName, type CheckpointEntry } from '../audit/format.js';
import type { RawLine } from '../audit/lines.js';
import { verifyChain, type VerifyOptions, type VerifyResult } from '../audit/verify.js';
import { eventTime } from './audit.js';
import { chainTables } from './schema.js';

/** Where a chain in PostgreSQL is: a pool or a connection string, and its table. */
export interface PgChainSource {
  pool?: pg.Pool;
  connectionString?: string;
  /** Default `'onbehalf_audit'`. */
  table?: string;
}

/** A row of the lines table as the verifier reads it; `line` is its 1-based place in seq order. */
interface StoredLine extends RawLine {
  columns: { seq: string; kind: string; event_id: string | null; event_type: string | null; actor_id: string | null; subject_id: string | null; session_id: string | null; event_time: Date | null };
}

const PAGE = 2000;

async function withPool<T>(source: PgChainSource, run: (pool: pg.Pool) => Promise<T>): Promise<T> {
  if (source.pool) return run(source.pool);
  const pool = new pg.Pool({ connectionString: source.connectionString, max: 1 });
  try { return await run(pool); } finally { await pool.end(); }
}

/** The rows of a table in seq order, a page at a time (keyset paging: no long-open cursor). */
async function* pages<R extends { seq: string }>(pool: pg.Pool, columns: string, table: string): AsyncGenerator<R> {
  let after = '-1';
  for (;;) {
    const { rows } = await pool.query<R>(`SELECT ${columns} FROM ${table} WHERE seq > $1 ORDER BY seq LIMIT ${PAGE}`, [after]);
    yield* rows;
    if (rows.length < PAGE) return;
    after = rows.at(-1)!.seq;
  }
}

function chainOf(pool: pg.Pool, table: string) {
  const t = chainTables(table);
  async function* lines(): AsyncGenerator<StoredLine> {
    let n = 0;
    const rows = pages<StoredLine['columns'] & { line: string }>(pool, 'seq, line, kind, event_id, event_type, actor_id, subject_id, session_id, event_time', t.lines);
    for await (const { line, ...columns } of rows) {
      n += 1;
      yield { text: line, line: n, offset: Number(columns.seq), complete: true, columns };
    }
  }
  async function* checkpoints(): AsyncGenerator<RawLine> {
    let n = 0;
    for await (const r of pages<{ seq: string; prev: string; at: string; reason: CheckpointEntry['reason']; sig: string }>(pool, 'seq, prev, at, reason, sig', t.checkpoints)) {
      const entry: CheckpointEntry = { seq: Number(r.seq), prev: r.prev, at: r.at, reason: r.reason, file: t.lines, sig: r.sig };
      yield { text: JSON.stringify(entry), line: ++n, offset: 0, complete: true };
    }
  }
  return { t, lines, checkpoints };
}

/**
 * The indexed columns must say what the line says: a changed `actor_id` would hide an event from
 * the auditor's queries while its line still verifies.
 */
function columnsAgree(line: ReturnType<typeof decodeLine>, raw: StoredLine): string | undefined {
  const c = raw.columns;
  if (Number(c.seq) !== line.seq) return `the row's seq (${c.seq}) is not the record's (#${line.seq})`;
  if (c.kind !== line.kind) return `the row's kind (${c.kind}) is not the record's (${line.kind})`;
  const e: AuditEvent | undefined = line.kind === 'event' ? line.event : undefined;
  const expected = {
    event_id: e?.id ?? null, event_type: e?.type ?? null, actor_id: e?.actor?.id ?? null,
    subject_id: e?.subject?.id ?? null, session_id: e?.sessionId ?? null,
  };
  for (const [k, v] of Object.entries(expected)) {
    if (c[k as keyof typeof expected] !== v) return `the row's ${k} (${c[k as keyof typeof expected]}) is not the record's (${v}): queries would return the wrong events`;
  }
  const time = c.event_time ? c.event_time.toISOString() : null;
  if (time !== eventTime(e)) return `the row's event_time (${time}) is not the record's (${eventTime(e)}): queries would return the wrong events`;
  return undefined;
}

/**
 * Verify a chain in PostgreSQL with the file format's verifier: the lines in seq order are the
 * log (one "file"), `<table>_checkpoints` is the checkpoint copy, and every row's indexed
 * columns must agree with its line. `problem.line` is the row's place in seq order (1-based),
 * the same as the line number in an export of the chain.
 */
export function verifyPgAudit(source: PgChainSource, options: Pick<VerifyOptions, 'publicKey'> = {}): Promise<VerifyResult> {
  return withPool(source, (pool) => {
    const { t, lines, checkpoints } = chainOf(pool, source.table ?? 'onbehalf_audit');
    return verifyChain([{ file: t.lines, lines: lines() }], [{ file: t.checkpoints, lines: checkpoints() }], {
      publicKey: options.publicKey,
      check: columnsAgree,
      copies: `${t.checkpoints} table`,
    });
  });
}

async function writeAll(path: string, lines: AsyncIterable<string>) {
  const out = createWriteStream(path, { flags: 'wx' });
  const failed = once(out, 'error').then(([e]) => { throw e; });
  for await (const l of lines) {
    if (!out.write(`${l}\n`)) await Promise.race([once(out, 'drain'), failed]);
  }
  out.end();
  await Promise.race([once(out, 'finish'), failed]);
}

/**
 * Export the chain as the file sink would have written it: `<dir>/audit-000001-<date>.jsonl`
 * (every line, byte for byte) and `<dir>/audit.checkpoints.jsonl`. `onbehalf audit verify` on
 * those files gives the result {@link verifyPgAudit} gives on the database. Returns the paths.
 */
export function exportPgChain(source: PgChainSource, dir: string): Promise<string[]> {
  return withPool(source, async (pool) => {
    const { lines, checkpoints } = chainOf(pool, source.table ?? 'onbehalf_audit');
    await mkdir(dir, { recursive: true });
    const first = (await pool.query<{ line: string }>(`SELECT line FROM ${chainTables(source.table).lines} ORDER BY seq LIMIT 1`)).rows[0];
    let created = new Date();
    try {
      const h = first && decodeLine(first.line);
      if (h && h.kind === 'header') created = new Date(h.header.created);
    } catch {
      // A broken first line is exported as it is, for the verifier to report.
    }
    const log = join(dir, fileName('audit', 1, created));
    const copies = join(dir, 'audit.checkpoints.jsonl');
    await writeAll(log, (async function* () { for await (const l of lines()) yield l.text; })());
    await writeAll(copies, (async function* () {
      for await (const l of checkpoints()) yield JSON.stringify({ ...JSON.parse(l.text), file: log.slice(dir.length + 1) });
    })());
    return [log, copies];
  });
}
