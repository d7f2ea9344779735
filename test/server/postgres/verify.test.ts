import { rmSync } from 'node:fs';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { verifyAuditFiles, type VerifyResult } from '../../../server/audit/index.js';
import { exportPgChain, verifyPgAudit } from '../../../server/postgres/index.js';
import { startPostgres, type PostgresProcess } from '../../helpers/postgres.js';
import { event, publicKeyPem, rechain, tempDir } from '../audit/fixtures.js';
import { newTable, opened } from './fixtures.js';

let db: PostgresProcess;
beforeAll(async () => { db = await startPostgres(); });
afterAll(() => db?.stop());
const open = opened();

/** What a superuser can do: switch the triggers off for the session, then change rows. */
const tamper = (sql: string) => db.psql(`SET session_replication_role = replica; ${sql}`);
const row = (table: string, seq: number) => db.psql(`SELECT line FROM ${table} WHERE seq = ${seq}`).trim();
const sqlText = (s: string) => `'${s.replaceAll("'", "''")}'`;

/** Verify in the database and through an export; both must say the same. */
async function verifyBoth(table: string): Promise<VerifyResult> {
  const inDb = await verifyPgAudit({ connectionString: db.url, table }, { publicKey: publicKeyPem });
  const dir = tempDir();
  try {
    const files = await exportPgChain({ connectionString: db.url, table }, dir);
    const exported = await verifyAuditFiles(files, { publicKey: publicKeyPem });
    const summary = (r: VerifyResult) => ({ ok: r.ok, events: r.events, checkpoints: r.checkpoints, lastSeq: r.lastSeq, unsignedTail: r.unsignedTail, line: r.problem?.line, warnings: r.warnings.length });
    expect(summary(exported)).toEqual(summary(inDb));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  return inDb;
}

describe('verifyPgAudit', () => {
  let table: string;
  // Rows: seq 0 header, 1–10 events, 11 checkpoint, 12–21 events, 22 checkpoint, 23–32 events, 33 checkpoint.
  beforeEach(async () => {
    table = newTable();
    const sink = open.sink({ connectionString: db.url, table });
    for (let i = 0; i < 30; i++) await sink.write(event({ reason: `Reason number ${i}, for ticket SUP-${i}` }));
    await open.close();
  });
  afterEach(() => open.close());

  it('passes an untouched chain, in the database and exported', async () => {
    const r = await verifyBoth(table);
    expect(r).toMatchObject({ ok: true, files: 1, events: 30, checkpoints: 3, unsignedTail: 0, lastSeq: 33 });
    expect(r.warnings).toEqual([]);
  });

  it('catches an edited record', async () => {
    tamper(`UPDATE ${table} SET line = replace(line, 'Reason number 4', 'Reason number 5') WHERE seq = 5`);
    const r = await verifyBoth(table);
    expect(r.problem).toMatchObject({ file: table, line: 6 });
    expect(r.problem!.message).toMatch(/edited/);
  });

  it('catches a deleted row', async () => {
    tamper(`DELETE FROM ${table} WHERE seq = 5`);
    const r = await verifyBoth(table);
    expect(r.problem).toMatchObject({ line: 6 });
    expect(r.problem!.message).toMatch(/removed/);
  });

  it('catches two rows swapped', async () => {
    tamper(`UPDATE ${table} SET seq = -1 WHERE seq = 5; UPDATE ${table} SET seq = 5 WHERE seq = 6; UPDATE ${table} SET seq = 6 WHERE seq = -1`);
    expect((await verifyBoth(table)).problem).toMatchObject({ line: 6 });
  });

  it('catches an inserted row (a copy of an earlier record)', async () => {
    tamper(`UPDATE ${table} SET seq = seq + 1000 WHERE seq >= 5; UPDATE ${table} SET seq = seq - 999 WHERE seq >= 1000;
      INSERT INTO ${table} SELECT 5, line, kind, event_id, event_type, actor_id, subject_id, session_id, event_time FROM ${table} WHERE seq = 3`);
    expect((await verifyBoth(table)).problem).toMatchObject({ line: 6 });
  });

  it('catches an inserted record even when every hash after it is recomputed: the next signed checkpoint fails', async () => {
    const lines = db.psql(`SELECT line FROM ${table} ORDER BY seq`).trim().split('\n');
    lines.splice(5, 0, JSON.stringify({ seq: 0, prev: '0'.repeat(64), event: event({ reason: 'planted' }), hash: '' }));
    const forged = rechain(lines, 5);
    tamper(`DELETE FROM ${table} WHERE seq >= 5; INSERT INTO ${table} (seq, line, kind, event_id, event_type, actor_id, subject_id, session_id, event_time) VALUES ${forged.slice(5).map((l, i) => {
      const o = JSON.parse(l);
      const kind = o.event ? 'event' : 'checkpoint';
      const e = o.event;
      return `(${5 + i}, ${sqlText(l)}, '${kind}', ${e ? `'${e.id}', '${e.type}', '${e.actor.id}', '${e.subject.id}', '${e.sessionId}', '${e.time}'` : 'NULL, NULL, NULL, NULL, NULL, NULL'})`;
    }).join(', ')}`);
    const r = await verifyBoth(table);
    expect(r.problem).toMatchObject({ line: 13 }); // the first checkpoint, moved one row down
    expect(r.problem!.message).toMatch(/signature is invalid/);
  });

  it('catches an indexed column changed to hide an event from the queries', async () => {
    tamper(`UPDATE ${table} SET actor_id = 'someone-else' WHERE seq = 5`);
    const r = await verifyPgAudit({ connectionString: db.url, table }, { publicKey: publicKeyPem });
    expect(r.problem).toMatchObject({ line: 6 });
    expect(r.problem!.message).toMatch(/actor_id/);
  });

  it('catches a cut tail that a signed checkpoint covers', async () => {
    expect(row(table, 22)).toContain('"checkpoint"');
    tamper(`DELETE FROM ${table} WHERE seq >= 20; UPDATE ${table}_head SET seq = 20`);
    const r = await verifyBoth(table);
    expect(r.ok).toBe(false);
    expect(r.problem).toMatchObject({ file: `${table}_checkpoints`, line: 2 });
    expect(r.problem!.message).toMatch(/cut off the end/);
  });

  it('catches a forged checkpoint', async () => {
    tamper(`UPDATE ${table}_checkpoints SET sig = 'AAAA' || substr(sig, 5) WHERE seq = 22`);
    expect((await verifyBoth(table)).problem!.message).toMatch(/checkpoint signature is invalid/);
  });
});
