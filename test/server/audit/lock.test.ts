import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { AuditLockedError, fileAudit, verifyAuditFiles } from '../../../server/audit/index.js';
import { readEvents } from '../../../server/audit/read.js';
import { event, filesIn, logFilesIn, tempDir } from './fixtures.js';

const holder = fileURLToPath(new URL('./lock-holder.ts', import.meta.url));
const STALE = 2_000;
const children: ChildProcess[] = [];
const dirs: string[] = [];
afterEach(() => {
  for (const c of children.splice(0)) c.kill('SIGKILL');
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});
const newDir = () => {
  const d = tempDir('onbehalf-lock-');
  dirs.push(d);
  return d;
};
const sinkIn = (dir: string) => fileAudit({ dir, lock: { staleMs: STALE }, warn: () => {} });

/** Another process holding the directory's lock, alive until killed. */
function holdIn(dir: string): Promise<ChildProcess> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', holder, dir, String(STALE)], { stdio: ['ignore', 'pipe', 'pipe'] });
    children.push(child);
    let err = '';
    child.stderr!.on('data', (d: Buffer) => (err += d.toString()));
    child.stdout!.on('data', (d: Buffer) => d.toString().includes('held') && resolve(child));
    child.on('exit', (code) => reject(new Error(`the holder exited (${code}): ${err}`)));
  });
}

const ids = async (dir: string) => {
  const out: string[] = [];
  for await (const e of readEvents(logFilesIn(dir))) out.push(e.id);
  return out;
};

describe('the audit directory lock', () => {
  it('a pid-file lock naming this very process (a restarted container is pid 1 again) is a previous incarnation’s: taken over', async () => {
    const dir = newDir();
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, 'audit.lock'), String(process.pid));
    const sink = sinkIn(dir);
    await sink.write(event({ id: 'after-restart' }));
    await sink.close();
    expect(await ids(dir)).toEqual(['after-restart']);
  });

  it('a lock its writer stopped refreshing (a dead writer, whatever its pid) is taken over at once when it is stale', async () => {
    const dir = newDir();
    const lock = join(dir, 'audit.lock');
    mkdirSync(lock, { recursive: true });
    const past = new Date(Date.now() - 60_000);
    utimesSync(lock, past, past);
    const started = Date.now();
    const sink = sinkIn(dir);
    await sink.write(event({ id: 'taken-over' }));
    expect(Date.now() - started).toBeLessThan(STALE);
    await sink.close();
    expect(await ids(dir)).toEqual(['taken-over']);
  });

  it('two live processes on one directory: the second refuses with AuditLockedError (503 AUDIT_UNAVAILABLE)', async () => {
    const dir = newDir();
    await holdIn(dir);
    const sink = sinkIn(dir);
    const refused = await sink.write(event({ id: 'second-writer' })).catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(AuditLockedError);
    expect(refused).toMatchObject({ code: 'AUDIT_UNAVAILABLE', lockPath: join(dir, 'audit.lock') });
    expect((refused as Error).message).toMatch(/another live process is writing this audit log/);
    // Later writes are refused at once (only the first open waits for a stale lock).
    const t = Date.now();
    await expect(sink.write(event())).rejects.toBeInstanceOf(AuditLockedError);
    expect(Date.now() - t).toBeLessThan(STALE);
    await sink.close();
    expect((await ids(dir)).filter((id) => id === 'second-writer')).toEqual([]);
  }, 20_000);

  it('kill -9 of the holder: a new writer takes the lock over once it is stale, and the chain goes on and verifies', async () => {
    const dir = newDir();
    const child = await holdIn(dir);
    child.kill('SIGKILL');
    await new Promise((r) => child.once('exit', r));
    const sink = sinkIn(dir);
    await sink.write(event({ id: 'after-kill' }));
    await sink.close();
    expect((await ids(dir)).at(-1)).toBe('after-kill');
    expect((await verifyAuditFiles(filesIn(dir))).ok).toBe(true);
    // Released on close: the next writer needs no wait.
    const again = sinkIn(dir);
    const t = Date.now();
    await again.write(event({ id: 'next' }));
    expect(Date.now() - t).toBeLessThan(STALE);
    await again.close();
  }, 20_000);
});
