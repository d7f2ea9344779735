import { appendFileSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { open } from 'node:fs/promises';
import { afterEach, describe, expect, it } from 'vitest';
import { fileAudit, verifyAuditFiles, type FileAudit } from '../../../server/audit/index.js';
import { event, filesIn, keys, logFilesIn, publicKeyPem, readLinesOf, tempDir } from './fixtures.js';

const dirs: string[] = [];
const sinks: FileAudit[] = [];
function sinkIn(dir: string, over: Parameters<typeof fileAudit>[0] = {}) {
  const s = fileAudit({ dir, checkpoint: { privateKey: keys.privateKey }, warn: () => {}, ...over });
  sinks.push(s);
  return s;
}
function newDir() {
  const d = tempDir();
  dirs.push(d);
  return d;
}
afterEach(async () => {
  await Promise.all(sinks.splice(0).map((s) => s.close()));
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

const verify = (dir: string) => verifyAuditFiles(filesIn(dir), { publicKey: publicKeyPem });

describe('fileAudit', () => {
  it('acknowledges an event only once it is in the file', async () => {
    const dir = newDir();
    const sink = sinkIn(dir);
    for (let i = 0; i < 5; i++) {
      const e = event();
      await sink.write(e);
      expect(readFileSync(logFilesIn(dir)[0], 'utf8')).toContain(`"id":"${e.id}"`);
    }
  });

  it('group-commits: 256 concurrent writes share a handful of fsyncs, and keep their order', async () => {
    const dir = newDir();
    const sink = sinkIn(dir);
    await sink.write(event()); // opens the file
    // Count real fdatasync calls on every file handle (a spy, not a fake: the calls still happen).
    const proto = Object.getPrototypeOf(await open(logFilesIn(dir)[0], 'r').then(async (h) => { await h.close(); return h; }));
    const original = proto.datasync;
    let syncs = 0;
    proto.datasync = function (this: unknown) { syncs += 1; return original.call(this); };
    try {
      const batch = Array.from({ length: 256 }, () => event());
      await Promise.all(batch.map((e) => sink.write(e)));
      expect(syncs).toBeGreaterThan(0);
      expect(syncs).toBeLessThanOrEqual(8);
      const ids = readLinesOf(logFilesIn(dir)[0]).map((l) => JSON.parse(l).event?.id).filter(Boolean);
      expect(ids.slice(1)).toEqual(batch.map((e) => e.id));
    } finally {
      proto.datasync = original;
    }
  });

  it('continues the same chain after a restart', async () => {
    const dir = newDir();
    const a = sinkIn(dir);
    for (let i = 0; i < 3; i++) await a.write(event());
    await a.close();
    const b = sinkIn(dir);
    for (let i = 0; i < 3; i++) await b.write(event());
    await b.close();
    expect(logFilesIn(dir)).toHaveLength(1);
    expect(await verify(dir)).toMatchObject({ ok: true, events: 6, unsignedTail: 0 });
  });

  it('rotates on a new UTC day, keeping the chain across files', async () => {
    const dir = newDir();
    let clock = Date.UTC(2026, 10, 25, 23, 59, 0);
    const sink = sinkIn(dir, { now: () => clock });
    await sink.write(event());
    clock += 2 * 60_000;
    await sink.write(event());
    await sink.close();
    const logs = logFilesIn(dir);
    expect(logs.map((f) => f.slice(-27))).toEqual(['audit-000001-20261125.jsonl', 'audit-000002-20261126.jsonl']);
    expect(readLinesOf(logs[0]).at(-1)).toContain('"reason":"rotate"');
    expect(await verify(dir)).toMatchObject({ ok: true, files: 2, events: 2 });
  });

  it('signs a checkpoint at least every everyMs while events arrive', async () => {
    const dir = newDir();
    const sink = sinkIn(dir, { checkpoint: { privateKey: keys.privateKey, everyMs: 50 } });
    await sink.write(event());
    await new Promise((r) => setTimeout(r, 1500));
    const r = await verify(dir);
    expect(r).toMatchObject({ ok: true, checkpoints: 1, unsignedTail: 0 });
  });

  it('at start-up, cuts a torn last line left by a crash, reports it, keeps its bytes, and never glues it to the next record', async () => {
    const dir = newDir();
    const a = sinkIn(dir);
    for (let i = 0; i < 3; i++) await a.write(event());
    await a.close();
    // A later run dies in the middle of writing a line.
    const log = logFilesIn(dir)[0];
    const torn = '{"seq":4,"prev":"9f86d081884c7d659a2feaa0c55ad015","event":{"id":"TORN-MARK';
    const offset = readFileSync(log).length;
    appendFileSync(log, torn);
    const warnings: string[] = [];
    const b = sinkIn(dir, { warn: (m) => warnings.push(m) });
    const after = event();
    await b.write(after);
    await b.close();
    expect(warnings.join('\n')).toMatch(/cut a torn last line/);
    expect(readFileSync(`${log}.torn-${offset}`, 'utf8')).toBe(torn);
    const lines = readLinesOf(log);
    expect(lines.filter((l) => l.includes('TORN-MARK'))).toEqual([]);
    expect(lines.some((l) => l.includes(`"id":"${after.id}"`))).toBe(true);
    expect(await verify(dir)).toMatchObject({ ok: true, events: 4 });
  });

  it('refuses a second writer on the same directory while the first is open', async () => {
    const dir = newDir();
    const first = sinkIn(dir, { lock: { staleMs: 2_000 } });
    await first.write(event());
    const second = sinkIn(dir, { lock: { staleMs: 2_000 } });
    await expect(second.write(event())).rejects.toThrow(/another live process is writing this audit log/);
    await first.close();
    await second.write(event());
    await second.close();
    expect(await verify(dir)).toMatchObject({ ok: true, events: 2 });
  });

  it('fails closed when the last record on disk is corrupt: writes reject with AUDIT_UNAVAILABLE', async () => {
    const dir = newDir();
    const a = sinkIn(dir);
    await a.write(event());
    await a.close();
    const log = logFilesIn(dir)[0];
    writeFileSync(log, readFileSync(log, 'utf8').replace(/"reason":"close"/, '"reason":"closE"'));
    const b = sinkIn(dir);
    await expect(b.write(event())).rejects.toMatchObject({ code: 'AUDIT_UNAVAILABLE' });
  });

  it('rejects what is not an audit event, and writes after close', async () => {
    const dir = newDir();
    const sink = sinkIn(dir);
    await expect(sink.write({ type: 'started' } as never)).rejects.toMatchObject({ code: 'AUDIT_UNAVAILABLE' });
    await sink.close();
    await expect(sink.write(event())).rejects.toMatchObject({ code: 'AUDIT_UNAVAILABLE' });
  });

  it('answers queries: filters, and cursor pages that together hold every match once, across rotated files', async () => {
    const dir = newDir();
    const sink = sinkIn(dir, { rotate: { maxBytes: 1500, daily: false } });
    for (let i = 0; i < 30; i++) await sink.write(event({ subject: { id: i % 3 === 0 ? 'bob' : 'ashley', name: 'x' } }));
    expect(logFilesIn(dir).length).toBeGreaterThan(2);
    const seen: string[] = [];
    let cursor: string | undefined;
    let pages = 0;
    do {
      const page = await sink.query({ subject: 'bob', limit: 3, cursor });
      seen.push(...page.events.map((e) => e.id));
      expect(page.events.every((e) => e.subject?.id === 'bob')).toBe(true);
      cursor = page.nextCursor;
      pages += 1;
    } while (cursor);
    expect(seen).toHaveLength(10);
    expect(new Set(seen).size).toBe(10);
    expect(pages).toBeGreaterThanOrEqual(4);
    await expect(sink.query({ cursor: 'abc' })).rejects.toMatchObject({ code: 'BAD_REQUEST' });
  });
});
