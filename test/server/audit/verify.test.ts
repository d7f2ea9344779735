import { generateKeyPairSync, sign } from 'node:crypto';
import { truncateSync, statSync, rmSync } from 'node:fs';
import { beforeEach, describe, expect, it } from 'vitest';
import { fileAudit, verifyAuditFiles } from '../../../server/audit/index.js';
import { checkpointPayload } from '../../../server/audit/format.js';
import { event, filesIn, keys, logFilesIn, publicKeyPem, readLinesOf, rechain, tempDir, writeLinesTo } from './fixtures.js';

/** A closed log of `count` events written one by one, a checkpoint every 10 events. */
async function writeLog(count: number, rotateBytes = 0) {
  const dir = tempDir();
  const sink = fileAudit({ dir, checkpoint: { privateKey: keys.privateKey, everyEvents: 10 }, rotate: { maxBytes: rotateBytes, daily: false }, warn: () => {} });
  for (let i = 0; i < count; i++) await sink.write(event({ reason: `Reason number ${i}, for ticket SUP-${i}` }));
  await sink.close();
  return dir;
}

const verify = (paths: string[]) => verifyAuditFiles(paths, { publicKey: publicKeyPem });

describe('verifyAuditFiles', () => {
  let dir: string;
  let log: string;
  let lines: string[];
  beforeEach(async () => {
    dir = await writeLog(30);
    [log] = logFilesIn(dir);
    lines = readLinesOf(log);
    return () => rmSync(dir, { recursive: true, force: true });
  });

  it('passes an untouched log and counts what it holds', async () => {
    const r = await verify(filesIn(dir));
    expect(r).toMatchObject({ ok: true, files: 1, events: 30, checkpoints: 3, unsignedTail: 0 });
    expect(r.warnings).toEqual([]);
  });

  it('catches one changed byte, at the edited line', async () => {
    expect(lines[5]).toContain('Reason number 4');
    lines[5] = lines[5].replace('Reason number 4', 'Reason number 5');
    writeLinesTo(log, lines);
    const r = await verify(filesIn(dir));
    expect(r.ok).toBe(false);
    expect(r.problem).toMatchObject({ file: log, line: 6 });
    expect(r.problem!.message).toMatch(/edited/);
  });

  it('catches a removed line', async () => {
    lines.splice(5, 1);
    writeLinesTo(log, lines);
    const r = await verify(filesIn(dir));
    expect(r.problem).toMatchObject({ file: log, line: 6 });
    expect(r.problem!.message).toMatch(/removed/);
  });

  it('catches two swapped lines', async () => {
    [lines[5], lines[6]] = [lines[6], lines[5]];
    writeLinesTo(log, lines);
    expect((await verify(filesIn(dir))).problem).toMatchObject({ file: log, line: 6 });
  });

  it('catches an inserted line (a copy of an earlier record)', async () => {
    lines.splice(5, 0, lines[2]);
    writeLinesTo(log, lines);
    expect((await verify(filesIn(dir))).problem).toMatchObject({ file: log, line: 6 });
  });

  it('catches an insertion even when the chain after it is recomputed: the next signed checkpoint no longer matches', async () => {
    const forged = JSON.stringify({ seq: 0, prev: '0'.repeat(64), event: event({ reason: 'planted record' }), hash: '' });
    lines.splice(5, 0, forged);
    const rewritten = rechain(lines, 5);
    writeLinesTo(log, rewritten);
    const r = await verify(filesIn(dir));
    expect(r.ok).toBe(false);
    // Lines 1..10 are header + 10 events (one planted); the first checkpoint follows the 10th original event.
    const firstCheckpoint = rewritten.findIndex((l) => l.includes('"checkpoint"')) + 1;
    expect(r.problem).toMatchObject({ file: log, line: firstCheckpoint });
    expect(r.problem!.message).toMatch(/signature is invalid/);
  });

  it('catches a file cut mid-line', async () => {
    const keep = lines.slice(0, 7).join('\n').length + 1 + 20; // 20 bytes into line 8
    truncateSync(log, keep);
    const r = await verify(filesIn(dir));
    expect(r.problem).toMatchObject({ file: log, line: 8 });
    expect(r.problem!.message).toMatch(/cut mid-line/);
  });

  it('catches whole records cut off the end beyond a signed checkpoint (from the checkpoint file)', async () => {
    const lastCheckpoint = lines.findLastIndex((l) => l.includes('"checkpoint"'));
    writeLinesTo(log, lines.slice(0, lastCheckpoint - 3)); // cut whole lines: the chain left is intact
    const r = await verify(filesIn(dir));
    expect(r.ok).toBe(false);
    expect(r.problem!.file).toMatch(/audit\.checkpoints\.jsonl$/);
    expect(r.problem!.message).toMatch(/cut off the end/);
  });

  it('catches a forged checkpoint (signed with another key) in the log', async () => {
    const i = lines.findIndex((l) => l.includes('"checkpoint"'));
    const o = JSON.parse(lines[i]);
    const other = generateKeyPairSync('ed25519').privateKey;
    o.checkpoint.sig = sign(null, checkpointPayload(o.seq, o.prev, o.checkpoint.at), other).toString('base64');
    lines[i] = JSON.stringify(o);
    writeLinesTo(log, rechain(lines, i));
    const r = await verify(logFilesIn(dir));
    expect(r.problem).toMatchObject({ file: log, line: i + 1 });
    expect(r.problem!.message).toMatch(/forged/);
  });

  it('catches a forged entry in the checkpoint file', async () => {
    const cpFile = filesIn(dir).find((f) => f.endsWith('.checkpoints.jsonl'))!;
    const cps = readLinesOf(cpFile);
    const o = JSON.parse(cps[1]);
    o.at = '2020-01-01T00:00:00.000Z';
    cps[1] = JSON.stringify(o);
    writeLinesTo(cpFile, cps);
    const r = await verify(filesIn(dir));
    expect(r.problem).toMatchObject({ file: cpFile, line: 2 });
    expect(r.problem!.message).toMatch(/forged/);
  });

  it('warns, without failing, when it is given no key and no checkpoint file', async () => {
    const r = await verifyAuditFiles(logFilesIn(dir));
    expect(r.ok).toBe(true);
    expect(r.warnings.join('\n')).toMatch(/no public key/);
    expect(r.warnings.join('\n')).toMatch(/no checkpoint file/);
  });
});

describe('verifyAuditFiles across rotations', () => {
  it('passes a clean log spread over several files, in any order given', async () => {
    const dir = await writeLog(40, 2000);
    const logs = logFilesIn(dir);
    expect(logs.length).toBeGreaterThanOrEqual(3);
    const r = await verify([...filesIn(dir)].reverse());
    expect(r).toMatchObject({ ok: true, files: logs.length, events: 40 });
    rmSync(dir, { recursive: true, force: true });
  });

  it('catches a whole file missing from the middle, and a missing first file', async () => {
    const dir = await writeLog(40, 2000);
    const logs = logFilesIn(dir);
    const middle = await verify(logs.filter((_, i) => i !== 1));
    expect(middle.problem).toMatchObject({ file: logs[2], line: 1 });
    expect(middle.problem!.message).toMatch(/expected file 2/);
    const first = await verify(logs.slice(1));
    expect(first.problem!.message).toMatch(/earlier files are missing/);
    rmSync(dir, { recursive: true, force: true });
  });

  it('catches records cut off the end of a rotated file', async () => {
    const dir = await writeLog(40, 2000);
    const logs = logFilesIn(dir);
    const l = readLinesOf(logs[0]);
    truncateSync(logs[0], statSync(logs[0]).size - l.at(-1)!.length - 1);
    const r = await verify(filesIn(dir));
    expect(r.problem).toMatchObject({ file: logs[1], line: 1 });
    rmSync(dir, { recursive: true, force: true });
  });
});
