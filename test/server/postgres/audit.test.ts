import { rmSync } from 'node:fs';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { AuditEvent } from '../../../shared/index.js';
import { fileAudit } from '../../../server/audit/index.js';
import { verifyPgAudit } from '../../../server/postgres/index.js';
import { querySql } from '../../../server/postgres/audit.js';
import { startPostgres, type PostgresProcess } from '../../helpers/postgres.js';
import { event, keys, publicKeyPem, tempDir } from '../audit/fixtures.js';
import { newTable, opened } from './fixtures.js';

let db: PostgresProcess;
beforeAll(async () => { db = await startPostgres(); });
afterAll(() => db?.stop());
const open = opened();
afterEach(() => open.close());

const verify = (table: string) => verifyPgAudit({ connectionString: db.url, table }, { publicKey: publicKeyPem });

describe('pgAudit', () => {
  it('acknowledges an event only once it is committed: another connection sees it at once', async () => {
    const table = newTable();
    const sink = open.sink({ connectionString: db.url, table });
    for (let i = 0; i < 3; i++) {
      const e = event();
      await sink.write(e);
      expect(db.psql(`SELECT count(*) FROM ${table} WHERE event_id = '${e.id}'`).trim()).toBe('1');
    }
  });

  it('writes to a chain made before the flushes table existed: the sink adds it', async () => {
    const table = newTable();
    await open.sink({ connectionString: db.url, table }).write(event());
    db.psql(`DROP TABLE ${table}_flushes`);
    const e = event();
    await open.sink({ connectionString: db.url, table }).write(e);
    expect(db.psql(`SELECT count(*) FROM ${table} WHERE event_id = '${e.id}'`).trim()).toBe('1');
    expect(await verify(table)).toMatchObject({ ok: true, events: 2 });
  });

  it('chains the events of four instances into one chain that verifies, each event once', async () => {
    const table = newTable();
    const sinks = Array.from({ length: 4 }, () => open.sink({ connectionString: db.url, table }));
    const written: AuditEvent[][] = sinks.map(() => []);
    // Four instances racing for the head, each with 32 concurrent writers.
    await Promise.all(sinks.flatMap((s, i) => Array.from({ length: 32 }, async () => {
      for (let k = 0; k < 5; k++) {
        const e = event({ actor: { id: `admin-${i}`, name: `Admin ${i}` } });
        await s.write(e);
        written[i].push(e);
      }
    })));
    const r = await verify(table);
    expect(r).toMatchObject({ ok: true, files: 1, events: 4 * 32 * 5 });
    expect(r.checkpoints).toBeGreaterThanOrEqual(60); // one per 10 events of the chain, whoever wrote them
    const ids = db.psql(`SELECT event_id FROM ${table} WHERE kind = 'event' ORDER BY seq`).trim().split('\n');
    expect(new Set(ids).size).toBe(ids.length);
    expect(ids.sort()).toEqual(written.flat().map((e) => e.id).sort());
    // Each instance's own events keep the order in which it acknowledged them.
    for (let i = 0; i < 4; i++) {
      const page = await sinks[(i + 1) % 4].query({ actor: `admin-${i}`, limit: 1000 });
      expect(new Set(page.events.map((e) => e.id))).toEqual(new Set(written[i].map((e) => e.id)));
    }
  });

  it('continues the chain after every instance restarted, with the header written once', async () => {
    const table = newTable();
    const a = open.sink({ connectionString: db.url, table });
    await a.write(event());
    await a.close();
    const b = open.sink({ connectionString: db.url, table });
    await b.write(event());
    await b.close();
    expect(db.psql(`SELECT count(*) FROM ${table} WHERE kind = 'header'`).trim()).toBe('1');
    expect(await verify(table)).toMatchObject({ ok: true, events: 2, checkpoints: 2, unsignedTail: 0 });
  });

  it('answers the same filters and cursors as the file sink, from any instance', async () => {
    const table = newTable();
    const dir = tempDir();
    const file = fileAudit({ dir, checkpoint: { privateKey: keys.privateKey }, warn: () => {} });
    const writer = open.sink({ connectionString: db.url, table });
    const reader = open.sink({ connectionString: db.url, table });
    try {
      const people = ['avery', 'blake', 'casey'];
      for (let i = 0; i < 60; i++) {
        const e = event({
          actor: { id: people[i % 3], name: people[i % 3] },
          subject: { id: people[(i + 1) % 3], name: 'x' },
          sessionId: `s-${i % 4}`,
          type: i % 5 === 0 ? 'denied' : 'action',
          time: new Date(Date.UTC(2026, 10, 25, 9, i)).toISOString(),
        });
        await writer.write(e);
        await file.write(e);
      }
      const filters = [
        {}, { actor: 'blake' }, { subject: 'avery', type: 'action' as const }, { sessionId: 's-2' },
        { from: Date.UTC(2026, 10, 25, 9, 10), to: Date.UTC(2026, 10, 25, 9, 30) }, { actor: 'nobody' },
      ];
      for (const f of filters) {
        const all = async (sink: typeof file | typeof reader) => {
          const ids: string[][] = [];
          let cursor: string | undefined;
          do {
            const page = await sink.query({ ...f, limit: 7, cursor });
            ids.push(page.events.map((e) => e.id));
            cursor = page.nextCursor;
          } while (cursor);
          return ids;
        };
        expect(await all(reader)).toEqual(await all(file));
      }
      await expect(reader.query({ cursor: 'abc' })).rejects.toMatchObject({ code: 'BAD_REQUEST' });
    } finally {
      await file.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('answers each filter from its index, not a scan of the table', async () => {
    const table = newTable();
    const sink = open.sink({ connectionString: db.url, table, checkpoint: undefined });
    await sink.write(event()); // creates the schema
    // 20 000 rows of 200 actors, subjects and sessions over a day, then fresh statistics.
    db.psql(`INSERT INTO ${table} (seq, line, kind, event_id, event_type, actor_id, subject_id, session_id, event_time)
      SELECT g, '{}', 'event', 'e' || g, 'action', 'a' || (g % 200), 's' || (g % 200), 'x' || (g % 200), timestamptz '2026-11-25' + g * interval '4 seconds'
      FROM generate_series(2, 20001) g; ANALYZE ${table};`);
    const plan = (q: Parameters<typeof querySql>[1]) => {
      const { text, values } = querySql(table, q, 0, 100);
      const sql = values.reduceRight<string>((s, v, i) => s.replaceAll(`$${i + 1}`, typeof v === 'number' ? String(v) : `'${v}'`), text);
      return db.psql(`EXPLAIN ${sql}`);
    };
    const usesIndex = (name: string) => new RegExp(`(Index Scan using|Bitmap Index Scan on) ${table}_${name}\\b`);
    for (const [q, index] of [
      [{ actor: 'a7' }, 'actor'], [{ subject: 's7' }, 'subject'], [{ sessionId: 'x7' }, 'session'],
      [{ from: Date.parse('2026-11-25T10:00:00Z'), to: Date.parse('2026-11-25T10:05:00Z') }, 'time'],
    ] as const) {
      const p = plan(q);
      expect(p).toMatch(usesIndex(index));
      expect(p).not.toMatch(/Seq Scan/);
    }
  });
});
