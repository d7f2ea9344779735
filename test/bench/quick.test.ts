import { spawnSync } from 'node:child_process';
import { readFileSync, statSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const root = fileURLToPath(new URL('../../', import.meta.url));
const file = (p: string) => `${root}${p}`;

/** The smoke run the README promises: every benchmark runs end to end; nothing about speed is asserted. */
describe('npm run bench -- --quick', () => {
  it('runs every benchmark, every host variant answers without an error, and the committed figures are left alone', () => {
    const committed = ['bench/results.json', 'docs/img/bench-host.svg'].map((p) => [p, readFileSync(file(p), 'utf8')] as const);
    const before = Date.now();
    const run = spawnSync('npm', ['run', 'bench', '--', '--quick'], { cwd: root, encoding: 'utf8', timeout: 280_000 });
    expect(run.status, `${run.stdout}\n${run.stderr}`).toBe(0);

    expect(statSync(file('bench/results.local.json')).mtimeMs).toBeGreaterThanOrEqual(before - 1_000);
    const results = JSON.parse(readFileSync(file('bench/results.local.json'), 'utf8'));
    expect(results.quick).toBe(true);
    const rows = results.host.map((r: { variant: string; store: string }) => `${r.variant} (${r.store})`);
    for (const store of ['memory', 'redis', 'redis cached']) {
      for (const variant of ['onbehalf idle', 'acting GET + can()', 'acting write (fsync)']) expect(rows).toContain(`${variant} (${store})`);
    }
    expect(rows).toEqual(expect.arrayContaining(['node:http (-)', 'host (memory)', 'host (redis)']));
    // A variant answering 4xx/5xx (a start that failed, a 503 from the store) would be measuring the wrong thing.
    for (const r of results.host) {
      expect(r.errors, `${r.variant} (${r.store})`).toBe(0);
      expect(r.rps, `${r.variant} (${r.store})`).toBeGreaterThan(0);
    }
    expect(results.okr.pageRecords.checksPerSec).toBeGreaterThan(0);
    expect(results.audit.map((a: { writers: number }) => a.writers)).toEqual([1, 16, 256]);
    const shared = results.auditShared.map((a: { sink: string; instances: number; writers: number; verified: boolean }) => `${a.sink} ×${a.instances} ${a.writers} ${a.verified}`);
    expect(shared).toEqual(['file', 'postgres', 'postgres'].flatMap((s, i) => [1, 16, 256].map((w) => `${s} ×${i === 2 ? 4 : 1} ${w} true`)));
    expect(results.extension.bannerVisibleAfterDomContentLoadedMs.median).toBeGreaterThan(0);
    expect(results.tokens.map((r: { variant: string }) => r.variant)).toEqual(['API handler alone', 'verify (remembered token)', 'verify (signature every request)']);
    // A 401 would mean the verifier refused the bench's token: measuring a refusal, not a verification.
    for (const r of results.tokens) expect(r.errors, r.variant).toBe(0);

    for (const [p, text] of committed) expect(readFileSync(file(p), 'utf8'), `${p} was overwritten by a quick run`).toBe(text);
  }, 300_000);
});
