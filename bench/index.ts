/**
 * `npm run bench [-- --quick]`: every figure in one run, as ratios against the host's own stack
 * where there is one. Prints tables, writes bench/results.json and docs/img/bench-host.svg.
 * `--quick` uses tiny sizes: a smoke run that asserts nothing about speed.
 */
import { cpus, totalmem } from 'node:os';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { startRedis } from '../test/helpers/redis.js';
import { runAuditBench, runSharedAuditBench } from './audit.js';
import { hostOverheadSvg } from './chart.js';
import { runExtensionBench } from './extension.js';
import { runHostBench } from './host.js';
import { runOkrBench } from './okr.js';
import { runTokenBench } from './tokens.js';

const quick = process.argv.includes('--quick');
const out = (name: string) => fileURLToPath(new URL(name, import.meta.url));
const machine = `${cpus().length}× ${cpus()[0]?.model.trim() ?? 'cpu'}, ${Math.round(totalmem() / 2 ** 30)} GiB, Node ${process.version}`;
const pct = (x: number) => `${(x * 100).toFixed(1)}%`;
const resultsFile = out(quick ? 'results.local.json' : 'results.json');

console.log(`onbehalf benchmarks${quick ? ' (quick: tiny sizes, figures mean nothing)' : ''} on ${machine}\n`);

async function auditSection() {
  console.log("3. Audit (fsync'd events through group commit)");
  const audit = await runAuditBench({ quick });
  console.table(audit);
  console.log('   the same beside pgAudit, one instance and 4 (a throwaway PostgreSQL), each chain verified after its round');
  const auditShared = await runSharedAuditBench({ quick, file: audit });
  console.table(auditShared.map(({ sink, instances, writers, eventsPerSecond, p50Ms, p99Ms, verified }) => ({ sink, instances, writers, 'events/s': eventsPerSecond, 'p50 ms': p50Ms, 'p99 ms': p99Ms, verified })));
  return { audit, auditShared };
}

async function hostSection(redisUrl: string) {
  console.log(`1. Host overhead (autocannon, 10 connections, ${quick ? 3 : 7} interleaved rounds, all variants in one server process; ratios vs the host app without onbehalf on the same session store, round by round)`);
  const host = await runHostBench({ quick, redisUrl });
  console.table(
    host.map((r) => ({
      variant: r.variant,
      store: r.store,
      'req/s (median)': Math.round(r.rps),
      spread: `${Math.round(r.rpsMin)}–${Math.round(r.rpsMax)}`,
      'CPU µs/req': r.cpuUsPerReq.toFixed(0),
      'throughput vs host': pct(r.vsHost),
      'vs host spread': `${pct(r.vsHostMin)}–${pct(r.vsHostMax)}`,
      'CPU vs host': pct(r.cpuVsHost),
      'session writes/req': r.sessionWritesPerReq.toFixed(2),
      errors: r.errors,
    })),
  );
  return { host };
}

// `--only audit` / `--only host`: that section alone, its rows replacing those of the results file
// (dated apart); the other sections' rows and the chart stay as the last full run wrote them.
if (process.argv.includes('--only')) {
  const section = process.argv[process.argv.indexOf('--only') + 1];
  if (section !== 'audit' && section !== 'host') throw new Error(`--only: unknown section ${section} (known: audit, host)`);
  const previous = existsSync(resultsFile) ? JSON.parse(readFileSync(resultsFile, 'utf8')) : {};
  const hostAlone = async () => {
    const redis = await startRedis();
    try {
      return await hostSection(redis.url);
    } finally {
      await redis.stop(true);
    }
  };
  const rows = section === 'audit' ? await auditSection() : await hostAlone();
  const results = { ...previous, ...rows, [`${section}Date`]: new Date().toISOString(), [`${section}Machine`]: machine };
  writeFileSync(resultsFile, `${JSON.stringify(results, null, 2)}\n`);
  console.log(`${section} rows written to bench/${quick ? 'results.local.json' : 'results.json'}`);
  process.exit(0);
}

const redis = await startRedis();
try {
  const { host } = await hostSection(redis.url);

  console.log('2. Permission checks (can(), one core)');
  const okr = await runOkrBench({ quick });
  console.table({
    'onbehalf can() (page-shaped, records held by the host)': { 'checks/s': Math.round(okr.pageRecords.checksPerSec), 'p99 ns/check': okr.pageRecords.p99PerCheckNs },
    'onbehalf can() (page-shaped, ids)': { 'checks/s': Math.round(okr.page.checksPerSec), 'p99 ns/check': okr.page.p99PerCheckNs },
    'onbehalf can() (uniform random, ids)': { 'checks/s': Math.round(okr.uniform.checksPerSec), 'p99 ns/check': okr.uniform.p99PerCheckNs },
    '@casl/ability (page-shaped)': { 'checks/s': Math.round(okr.casl.checksPerSec), 'p99 ns/check': okr.casl.p99PerCheckNs },
  });
  console.log(`   dataset ${okr.dataset.users} users / ${okr.dataset.okrs} OKRs, heap ${okr.heapUsedMB} MB, onbehalf ÷ CASL = ${okr.ratio.toFixed(1)}×\n`);

  const { audit, auditShared } = await auditSection();

  console.log('4. Extension (headless Chromium)');
  const extension = await runExtensionBench({ quick });
  console.table({
    'DOMContentLoaded → banner visible (ms)': extension.bannerVisibleAfterDomContentLoadedMs,
    [`picker round trip, ${extension.directoryUsers} users (ms)`]: extension.pickerRoundTripMs,
    'keystroke → results incl. 200 ms debounce (ms)': extension.pickerKeystrokeToResultsMs,
  });
  console.table(Object.fromEntries(Object.entries(extension.bundleBytes).map(([name, bytes]) => [`${name}.js (minified, kB)`, { kB: Math.round(bytes / 100) / 10 }])));

  console.log('5. Acting tokens: verifyActingTokens() in front of a minimal API handler (autocannon, 10 connections, one process, ratios round by round)');
  const tokens = await runTokenBench({ quick, redisUrl: redis.url });
  console.table(
    tokens.map((r) => ({
      variant: r.variant,
      'req/s (median)': Math.round(r.rps),
      'CPU µs/req': r.cpuUsPerReq.toFixed(0),
      'throughput vs handler': pct(r.vsHandler),
      spread: `${pct(r.vsHandlerMin)}–${pct(r.vsHandlerMax)}`,
      'CPU vs handler': pct(r.cpuVsHandler),
      errors: r.errors,
    })),
  );

  const results = { date: new Date().toISOString(), machine, quick, host, okr, audit, auditShared, extension, tokens };
  // A quick run must not overwrite the committed full figures.
  writeFileSync(resultsFile, `${JSON.stringify(results, null, 2)}\n`);
  if (!quick) writeFileSync(out('../docs/img/bench-host.svg'), hostOverheadSvg(host, `${results.date.slice(0, 10)} · ${machine}`));
  console.log(`results written to bench/${quick ? 'results.local.json' : 'results.json'}`);
} finally {
  await redis.stop(true);
}
