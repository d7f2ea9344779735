/**
 * Audit sink throughput: durable events/s and acknowledgement latency with 1, 16 and 256
 * concurrent writers (group commit shares one fdatasync, or one COMMIT, per batch). Signed
 * checkpoints on, as in production. The file sink, and the PostgreSQL chain written by one
 * instance and by 4 (4 sinks with their own pools, the writers spread over them), verified after.
 * Run: `npx tsx bench/audit.ts [--quick]`.
 */
import { generateKeyPairSync } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { fileAudit } from '../server/audit/index.js';
import type { AuditSink } from '../server/index.js';
import { pgAudit, verifyPgAudit } from '../server/postgres/index.js';
import type { AuditEvent } from '../shared/index.js';
import { startPostgres } from '../test/helpers/postgres.js';

export interface AuditBenchRow {
  writers: number;
  events: number;
  eventsPerSecond: number;
  p50Ms: number;
  p99Ms: number;
}

const percentile = (sorted: number[], p: number) => sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];

export interface SharedAuditBenchRow extends AuditBenchRow {
  sink: 'file' | 'postgres';
  instances: number;
  /** The chain verified after the round (signatures included). */
  verified: boolean;
}

const { privateKey, publicKey } = generateKeyPairSync('ed25519');

/** `writers` concurrent writers spread over `sinks` for `durationMs`; the sinks are closed after. */
async function round(writers: number, durationMs: number, sinks: Array<AuditSink & { close(): Promise<void> }>): Promise<AuditBenchRow> {
  const base: Omit<AuditEvent, 'id' | 'time'> = {
    type: 'action', actor: { id: 'avery', name: 'Avery Admin' }, subject: { id: 'ashley', name: 'Ashley' },
    sessionId: 'bench-session', method: 'POST', path: '/okrs/42/checkins', status: 201,
  };
  await Promise.all(sinks.map((sink, i) => sink.write({ ...base, id: `warm-up-${i}`, time: new Date().toISOString() })));
  const latencies: number[] = [];
  let n = 0;
  const start = performance.now();
  const end = start + durationMs;
  await Promise.all(
    Array.from({ length: writers }, async (_, w) => {
      const sink = sinks[w % sinks.length];
      while (performance.now() < end) {
        const t = performance.now();
        await sink.write({ ...base, id: `e${n++}`, time: new Date().toISOString() });
        latencies.push(performance.now() - t);
      }
    }),
  );
  const elapsed = performance.now() - start;
  await Promise.all(sinks.map((sink) => sink.close()));
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
      rows.push(await round(writers, quick ? 1000 : 5000, [fileAudit({ dir: d, checkpoint: { privateKey }, warn: () => {} })]));
    } finally {
      rmSync(d, { recursive: true, force: true });
    }
  }
  return rows;
}

/**
 * The shared rows: the PostgreSQL chain with 1, 16 and 256 writers on one instance and over 4,
 * each chain verified after its round, beside the file sink's rows. Needs a PostgreSQL server:
 * `connectionString`, else a throwaway one is started.
 */
export async function runSharedAuditBench({ quick = false, file, connectionString }: { quick?: boolean; file: AuditBenchRow[]; connectionString?: string }): Promise<SharedAuditBenchRow[]> {
  const db = connectionString ? undefined : await startPostgres();
  const url = connectionString ?? db!.url;
  const rows: SharedAuditBenchRow[] = file.map((r) => ({ sink: 'file', instances: 1, ...r, verified: true }));
  try {
    let n = 0;
    for (const instances of [1, 4]) {
      for (const writers of [1, 16, 256]) {
        const table = `bench_audit_${process.pid}_${++n}`;
        const sinks = Array.from({ length: instances }, () => pgAudit({ connectionString: url, table, checkpoint: { privateKey }, warn: () => {} }));
        const row = await round(writers, quick ? 1000 : 5000, sinks);
        const v = await verifyPgAudit({ connectionString: url, table }, { publicKey });
        rows.push({ sink: 'postgres', instances, ...row, verified: v.ok && v.events === row.events + instances });
      }
    }
  } finally {
    db?.stop();
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
  const shared = await runSharedAuditBench({ quick, file: rows });
  console.log('file sink beside pgAudit (1 and 4 instances), chains verified after each round');
  console.table(shared);
  const pg4 = shared.find((r) => r.sink === 'postgres' && r.instances === 4 && r.writers === 256)!;
  console.log(`pgAudit, 256 writers over 4 instances: ${pg4.eventsPerSecond} events/s (target >= 10000): ${pg4.eventsPerSecond >= 10_000 ? 'met' : 'NOT met'}`);
}
