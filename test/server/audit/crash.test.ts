import { spawn } from 'node:child_process';
import { rmSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { fileAudit, verifyAuditFiles } from '../../../server/audit/index.js';
import { readEvents } from '../../../server/audit/read.js';
import { filesIn, logFilesIn, privateKeyPem, publicKeyPem, tempDir } from './fixtures.js';

const writer = fileURLToPath(new URL('./crash-writer.ts', import.meta.url));
const KILLS = 12;

/** Run the writer until it has acknowledged some events, then SIGKILL it at a random moment. */
function runAndKill(dir: string, run: number): Promise<{ acked: string[]; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', writer, dir, `r${run}`], {
      env: { ...process.env, ONBEHALF_AUDIT_KEY: privateKeyPem },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    let stderr = '';
    let timer: NodeJS.Timeout | undefined;
    child.stdout.on('data', (d: Buffer) => {
      out += d.toString();
      // Kill somewhere between 0 and 400 ms after the first acknowledgement, mid-load.
      timer ??= setTimeout(() => child.kill('SIGKILL'), Math.random() * 400);
    });
    child.stderr.on('data', (d: Buffer) => { stderr += d.toString(); });
    const guard = setTimeout(() => { child.kill('SIGKILL'); reject(new Error(`writer never acknowledged: ${stderr}`)); }, 20_000);
    child.on('close', (_code, signal) => {
      clearTimeout(guard);
      if (signal !== 'SIGKILL') return reject(new Error(`writer exited by itself: ${stderr}`));
      // Only whole lines are acknowledgements; a line cut by the kill was not printed in full.
      resolve({ acked: out.split('\n').slice(0, -1), stderr });
    });
  });
}

describe('fileAudit under SIGKILL', () => {
  const dir = tempDir('onbehalf-crash-');
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it(`keeps every acknowledged event and a verifiable chain across ${KILLS} kills at random moments`, async () => {
    const acked: string[] = [];
    for (let run = 0; run < KILLS; run++) {
      const r = await runAndKill(dir, run);
      expect(r.acked.length).toBeGreaterThan(0);
      acked.push(...r.acked);
    }
    // Recovery happens when a sink opens the directory again (and signs what the crash left unsigned).
    const sink = fileAudit({ dir, checkpoint: { privateKey: privateKeyPem }, lock: { staleMs: 2_000 }, warn: () => {} });
    await sink.write({ id: 'after-crashes', time: new Date().toISOString(), type: 'action' });
    await sink.close();

    const result = await verifyAuditFiles(filesIn(dir), { publicKey: publicKeyPem });
    expect(result.problem).toBeUndefined();
    expect(result.ok).toBe(true);
    expect(result.unsignedTail).toBe(0);
    const stored = new Set<string>();
    for await (const e of readEvents(logFilesIn(dir))) stored.add(e.id);
    const lost = acked.filter((id) => !stored.has(id));
    expect(lost).toEqual([]);
    expect(stored.size).toBeGreaterThanOrEqual(acked.length);
    expect(logFilesIn(dir).length).toBeGreaterThan(1); // the kills also hit rotations in progress
  }, 240_000);
});
