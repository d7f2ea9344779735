import { readFileSync, rmSync, truncateSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fileAudit } from '../../../server/audit/index.js';
import { cli } from './run.js';
import { event, filesIn, keys, logFilesIn, publicKeyPem, readLinesOf, tempDir, writeLinesTo } from '../audit/fixtures.js';

describe('onbehalf audit (CLI)', () => {
  const dir = tempDir('onbehalf-cli-');
  const pub = join(dir, 'audit-public.pem');
  let sinkDir: string;
  beforeAll(async () => {
    sinkDir = join(dir, 'logs');
    const sink = fileAudit({ dir: sinkDir, checkpoint: { privateKey: keys.privateKey, everyEvents: 10 }, rotate: { maxBytes: 2000, daily: false }, warn: () => {} });
    for (let i = 0; i < 40; i++) await sink.write(event({ actor: { id: i % 2 ? 'avery' : 'sam', name: 'x' }, reason: i === 3 ? '=1+2' : undefined }));
    await sink.close();
    writeFileSync(pub, publicKeyPem);
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('verify: exit 0 and a summary on a clean log across rotations', async () => {
    const r = await cli(['audit', 'verify', ...filesIn(sinkDir), '--public-key', pub]);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(new RegExp(`^OK ${logFilesIn(sinkDir).length} file\\(s\\), 40 events, \\d+ signed checkpoints, chain intact`));
    expect(logFilesIn(sinkDir).length).toBeGreaterThanOrEqual(3);
  });

  it('verify: exit 1 and the first bad line on an edited copy; a wrong key fails the checkpoints', async () => {
    const copy = tempDir('onbehalf-cli-bad-');
    try {
      const files = filesIn(sinkDir).map((f) => {
        const to = join(copy, f.slice(sinkDir.length + 1));
        writeFileSync(to, readFileSync(f));
        return to;
      });
      const log = logFilesIn(copy)[1];
      const lines = readLinesOf(log);
      lines[2] = lines[2].replace('"POST"', '"POSX"');
      writeLinesTo(log, lines);
      const r = await cli(['audit', 'verify', ...files, '--public-key', pub]);
      expect(r.code).toBe(1);
      expect(r.stdout).toBe(`BAD ${log}:3: record hash mismatch (the line was edited)\n`);

      const other = join(copy, 'other.pem');
      const { generateKeyPairSync } = await import('node:crypto');
      writeFileSync(other, generateKeyPairSync('ed25519').publicKey.export({ type: 'spki', format: 'pem' }));
      const wrongKey = await cli(['audit', 'verify', ...filesIn(sinkDir), '--public-key', other]);
      expect(wrongKey.code).toBe(1);
      expect(wrongKey.stdout).toMatch(/^BAD .*: checkpoint signature is invalid/);
    } finally {
      rmSync(copy, { recursive: true, force: true });
    }
  });

  it('verify: exit 1 when whole records were cut off the end after a checkpoint', async () => {
    const copy = tempDir('onbehalf-cli-cut-');
    try {
      for (const f of filesIn(sinkDir)) writeFileSync(join(copy, f.slice(sinkDir.length + 1)), readFileSync(f));
      const last = logFilesIn(copy).at(-1)!;
      const lines = readLinesOf(last);
      truncateSync(last, lines.slice(0, 2).join('\n').length + 1); // header + one record: whole lines
      const r = await cli(['audit', 'verify', ...filesIn(copy), '--public-key', pub]);
      expect(r.code).toBe(1);
      expect(r.stdout).toMatch(/^BAD .*audit\.checkpoints\.jsonl:\d+: records cut off the end/);
    } finally {
      rmSync(copy, { recursive: true, force: true });
    }
  });

  it('export: CSV (neutralised) and JSONL with filters', async () => {
    const csv = await cli(['audit', 'export', ...filesIn(sinkDir), '--format', 'csv']);
    expect(csv.code).toBe(0);
    const rows = csv.stdout.split('\r\n');
    expect(rows).toHaveLength(42);
    expect(csv.stdout).toContain(",'=1+2,");
    const jsonl = await cli(['audit', 'export', ...logFilesIn(sinkDir), '--actor', 'sam']);
    const events = jsonl.stdout.trim().split('\n').map((l) => JSON.parse(l));
    expect(events).toHaveLength(20);
    expect(events.every((e) => e.actor.id === 'sam')).toBe(true);
  });

  it('tail -f: prints the last events, then each event appended', async () => {
    const live = join(dir, 'live');
    const sink = fileAudit({ dir: live, checkpoint: { privateKey: keys.privateKey }, warn: () => {} });
    await sink.write(event({ id: 'old-1' }));
    await sink.write(event({ id: 'old-2' }));
    const file = logFilesIn(live)[0];
    const r = await cli(['audit', 'tail', '-f', '-n', '1', file], {
      until: (out) => out.includes('old-2'),
      then: async () => {
        await sink.write(event({ id: 'new-1' }));
        await new Promise((res) => setTimeout(res, 1000));
        (cli as unknown as { last: { kill(s: string): void } }).last.kill('SIGTERM');
      },
    });
    await sink.close();
    const ids = r.stdout.trim().split('\n').map((l) => JSON.parse(l).id);
    expect(ids).toEqual(['old-2', 'new-1']);
  });

  it('exits 2 with the usage on a bad command line', async () => {
    const r = await cli(['audit', 'export', 'x.jsonl', '--format', 'xml']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/--format must be jsonl or csv/);
    expect(r.stderr).toMatch(/usage:/);
    expect((await cli(['audit', 'verify', '--nope'])).code).toBe(2);
  });
});
