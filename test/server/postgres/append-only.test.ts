import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { chainSchemaSql, writerGrantsSql } from '../../../server/postgres/index.js';
import { startPostgres, type PostgresProcess } from '../../helpers/postgres.js';
import { event } from '../audit/fixtures.js';
import { newTable, opened } from './fixtures.js';

let db: PostgresProcess;
beforeAll(async () => { db = await startPostgres(); db.psql('CREATE ROLE onbehalf_writer LOGIN'); });
afterAll(() => db?.stop());
const open = opened();
afterEach(() => open.close());

/** Run SQL as a role; the error text when PostgreSQL refuses it. */
function refusal(sql: string, role = 'postgres'): string {
  try {
    db.psql(`SET ROLE ${role}; ${sql}`);
  } catch (e) {
    return String((e as { stderr?: string }).stderr);
  }
  throw new Error(`PostgreSQL accepted: ${sql}`);
}

describe('the chain tables are append-only in the database', () => {
  it('the writer role of the documented migration can append, and nothing else', async () => {
    const table = newTable();
    db.psql(chainSchemaSql(table) + writerGrantsSql('onbehalf_writer', table));
    const writerUrl = db.url.replace('postgres@', 'onbehalf_writer@');
    const sink = open.sink({ connectionString: writerUrl, table, createSchema: false });
    for (let i = 0; i < 12; i++) await sink.write(event());
    expect(Number(db.psql(`SELECT count(*) FROM ${table}`))).toBe(14); // header, 12 events, a checkpoint
    for (const t of [table, `${table}_checkpoints`]) {
      expect(refusal(`UPDATE ${t} SET seq = seq WHERE seq = 1`, 'onbehalf_writer')).toMatch(/permission denied/);
      expect(refusal(`DELETE FROM ${t}`, 'onbehalf_writer')).toMatch(/permission denied/);
      expect(refusal(`TRUNCATE ${t}`, 'onbehalf_writer')).toMatch(/permission denied/);
      expect(refusal(`ALTER TABLE ${t} DISABLE TRIGGER ALL`, 'onbehalf_writer')).toMatch(/must be owner/);
      expect(refusal(`DROP TABLE ${t}`, 'onbehalf_writer')).toMatch(/must be owner/);
    }
    expect(refusal(`DELETE FROM ${table}_head`, 'onbehalf_writer')).toMatch(/permission denied/);
    expect(Number(db.psql(`SELECT count(*) FROM ${table}`))).toBe(14);
  });

  it('the trigger refuses UPDATE, DELETE and TRUNCATE even to the owner and a superuser', async () => {
    const table = newTable();
    const sink = open.sink({ connectionString: db.url, table }); // the app's role creates and owns the schema
    for (let i = 0; i < 12; i++) await sink.write(event());
    for (const t of [table, `${table}_checkpoints`]) {
      expect(refusal(`UPDATE ${t} SET seq = seq`)).toMatch(/append-only/);
      expect(refusal(`DELETE FROM ${t} WHERE seq = 11`)).toMatch(/append-only/);
      expect(refusal(`TRUNCATE ${t}`)).toMatch(/append-only/);
    }
    expect(refusal(`DELETE FROM ${table}_head`)).toMatch(/append-only/);
    expect(refusal(`TRUNCATE ${table}_head`)).toMatch(/append-only/);
    expect(Number(db.psql(`SELECT count(*) FROM ${table}`))).toBe(14);
  });
});
