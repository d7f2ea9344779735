import { readdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startPostgres, type PostgresProcess } from '../../helpers/postgres.js';
import { event, publicKeyPem, tempDir } from '../audit/fixtures.js';
import { newTable, opened } from '../postgres/fixtures.js';
import { cli } from './run.js';

describe('onbehalf audit --pg (CLI)', () => {
  let db: PostgresProcess;
  const table = newTable();
  const dir = tempDir('onbehalf-cli-pg-');
  const pub = join(dir, 'audit-public.pem');
  beforeAll(async () => {
    db = await startPostgres();
    writeFileSync(pub, publicKeyPem);
    const open = opened();
    const sink = open.sink({ connectionString: db.url, table });
    for (let i = 0; i < 25; i++) await sink.write(event());
    await open.close();
  });
  afterAll(() => { db?.stop(); rmSync(dir, { recursive: true, force: true }); });

  it('verify --pg: exit 0 on the chain in the database, and the export verifies the same', async () => {
    const r = await cli(['audit', 'verify', '--pg', db.url, '--table', table, '--public-key', pub]);
    expect(r.stderr).toBe('');
    expect(r.stdout).toBe(`OK ${table} in PostgreSQL, 25 events, 3 signed checkpoints, chain intact through record #28\n`);
    const out = join(dir, 'export');
    const e = await cli(['audit', 'export', '--pg', db.url, '--table', table, '--format', 'chain', '--out', out]);
    expect(e.code).toBe(0);
    expect(readdirSync(out).sort()).toEqual([expect.stringMatching(/^audit-000001-\d{8}\.jsonl$/), 'audit.checkpoints.jsonl']);
    const v = await cli(['audit', 'verify', ...readdirSync(out).map((f) => join(out, f)), '--public-key', pub]);
    expect(v.stdout).toBe('OK 1 file(s), 25 events, 3 signed checkpoints, chain intact through record #28\n');
  });

  it('verify --pg: exit 1 with the row when a superuser edited one', async () => {
    db.psql(`SET session_replication_role = replica; UPDATE ${table} SET line = replace(line, '"status":201', '"status":200') WHERE seq = 7`);
    const r = await cli(['audit', 'verify', '--pg', db.url, '--table', table, '--public-key', pub]);
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(new RegExp(`^BAD ${table}:8: record hash mismatch`));
  });

  it('verify --pg: exit 2 when the database is unreachable', async () => {
    const r = await cli(['audit', 'verify', '--pg', 'postgres://postgres@127.0.0.1:1/none']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/ECONNREFUSED/);
  });
});
