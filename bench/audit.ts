/**
 * Audit file sink throughput: fsync'd events/s and acknowledgement latency with 1, 16 and 256
 * concurrent writers (group commit shares one fdatasync per batch). Signed checkpoints on, as
 * in production. Run: `npx tsx bench/audit.ts [--quick]`.
 */
import { generateKeyPairSync } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { fileAudit } from '../server/audit/index.js';
import type { AuditEvent } from '../shared/index.js';

export interface AuditBenchRow {
  writers: number;
  events: number;
  eventsPerSecond: number;
  p50Ms: number;
  p99Ms: number;
}

const percentile = (sorted: number[], p: number) => sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];

async function round(writers: number, durationMs: number, dir: string): Promise<AuditBenchRow> {
  const { privateKey } = generateKeyPairSync('ed25519');
  const sink = fileAudit({ dir, checkpoint: { privateKey }, warn: () => {} });
  const base: Omit<AuditEvent, 'id' | 'time'> = {
    type: 'action', actor: { id: 'avery', name: 'Avery Admin' }, subject: { id: 'ashley', name: 'Ashley' },
    sessionId: 'bench-session', method: 'POST', path: '/okrs/42/checkins', status: 201,
  };
  await sink.write({ ...base, id: 'warm-up', time: new Date().toISOString() });
  const latencies: number[] = [];
  let n = 0;
  const start = performance.now();
  const end = start + durationMs;
  await Promise.all(
    Array.from({ length: writers }, async () => {
      while (performance.now() < end) {
        const t = performance.now();
        await sink.write({ ...base, id: `e${n++}`, time: new Date().toISOString() });
        latencies.push(performance.now() - t);
      }
    }),
  );
  const elapsed = performance.now() - start;
  await sink.close();
  latencies.sort((a, b) => a - b);
  return {
    writers,
    events: latencies.length,
    eventsPerSecond: Math.round(latencies.length / (elapsed / 1000)),
    p50Ms: +percentile(latencies, 50).toFixed(2),
    p99Ms: +percentile(latencies, 99).toFixed(2),
  };
}

/** Run the three rounds; `quick` runs each for 1 s instead of 5 s. `dir` defaults to a temp dir. */
export async function runAuditBench({ quick = false, dir }: { quick?: boolean; dir?: string } = {}): Promise<AuditBenchRow[]> {
  const rows: AuditBenchRow[] = [];
  for (const writers of [1, 16, 256]) {
    const d = mkdtempSync(join(dir ?? tmpdir(), 'onbehalf-bench-audit-'));
    try {
      rows.push(await round(writers, quick ? 1000 : 5000, d));
    } finally {
      rmSync(d, { recursive: true, force: true });
    }
  }
  return rows;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const quick = process.argv.includes('--quick');
  const dirArg = process.argv.indexOf('--dir');
  const rows = await runAuditBench({ quick, dir: dirArg > 0 ? process.argv[dirArg + 1] : undefined });
  console.log('fileAudit, fdatasync per batch, signed checkpoints every 1000 events');
  console.table(rows);
  const at256 = rows.find((r) => r.writers === 256)!;
  console.log(`256 writers: ${at256.eventsPerSecond} events/s (target >= 20000): ${at256.eventsPerSecond >= 20_000 ? 'met' : 'NOT met'}`);
}
