import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { verifyPgAudit } from '../../../server/postgres/index.js';
import { startHost } from '../../helpers/host.js';
import { startPostgres, tcpProxy, type PostgresProcess } from '../../helpers/postgres.js';
import { event, privateKeyPem, publicKeyPem } from '../audit/fixtures.js';
import { newTable, opened } from './fixtures.js';

const WRITER = fileURLToPath(new URL('./crash-writer.ts', import.meta.url));

let db: PostgresProcess;
beforeAll(async () => { db = await startPostgres(); });
afterAll(() => db?.stop());
const open = opened();
afterEach(() => open.close());

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const idsIn = (table: string) => new Set(db.psql(`SELECT event_id FROM ${table} WHERE kind = 'event'`).trim().split('\n'));
const verify = (table: string) => verifyPgAudit({ connectionString: db.url, table }, { publicKey: publicKeyPem });

/** An app instance in its own process, writing under load; `acked` fills as its writes resolve. */
function writerProcess(url: string, table: string, run: string) {
  const acked: string[] = [];
  let rejected = 0;
  const child: ChildProcess = spawn(process.execPath, ['--import', 'tsx', WRITER, url, table, run], {
    stdio: ['ignore', 'pipe', 'inherit'],
    env: { ...process.env, ONBEHALF_AUDIT_KEY: privateKeyPem },
  });
  let partial = '';
  child.stdout!.on('data', (d: Buffer) => {
    const lines = (partial + d.toString()).split('\n');
    partial = lines.pop()!;
    for (const l of lines) if (l === '!') rejected += 1; else acked.push(l);
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  return {
    acked,
    get rejected() { return rejected; },
    async untilAcked(n: number) { while (acked.length < n) await sleep(20); },
    async kill() { child.kill('SIGKILL'); await exited; },
  };
}

describe('pgAudit under faults', () => {
  it('kill -9 of writer instances under load, while another instance races them: every acknowledged event is kept, one chain', async () => {
    const table = newTable();
    const survivor = open.sink({ connectionString: db.url, table });
    const survivorAcked: string[] = [];
    let stop = false;
    const survivorLoad = Promise.all(Array.from({ length: 8 }, async () => {
      while (!stop) { const e = event(); await survivor.write(e); survivorAcked.push(e.id); }
    }));
    const acked: string[] = [];
    for (let round = 0; round < 4; round++) {
      const w = writerProcess(db.url, table, `kill${round}`);
      await w.untilAcked(100 + Math.floor(Math.random() * 200));
      await w.kill();
      acked.push(...w.acked);
    }
    stop = true;
    await survivorLoad;
    const ids = idsIn(table);
    const lost = [...acked, ...survivorAcked].filter((id) => !ids.has(id));
    expect(lost).toEqual([]);
    const r = await verify(table);
    expect(r.ok).toBe(true);
    expect(r.events).toBe(ids.size);
  });

  it('PostgreSQL restarts (a crash, then a clean stop) under load: writes fail closed while it is away, recover by themselves, nothing acknowledged is lost', async () => {
    const table = newTable();
    const w = writerProcess(db.url, table, 'restart');
    try {
      await w.untilAcked(200);
      db.stop('immediate'); // like a crash: WAL recovery on the way back
      const rejectedBefore = w.rejected;
      await sleep(1500);
      expect(w.rejected).toBeGreaterThan(rejectedBefore);
      db.start();
      const n = w.acked.length;
      await w.untilAcked(n + 200); // the same process writes again, without a restart
      db.stop('fast');
      await sleep(1000);
      db.start();
      await w.untilAcked(w.acked.length + 100);
    } finally {
      await w.kill();
    }
    const ids = idsIn(table);
    expect(w.acked.filter((id) => !ids.has(id))).toEqual([]);
    expect(await verify(table)).toMatchObject({ ok: true, events: ids.size });
  });

  it('a cut connection: 503 AUDIT_UNAVAILABLE from the app while it is cut, normal service once restored, without restarting the app', async () => {
    const table = newTable();
    const proxy = await tcpProxy(db.port);
    const audit = open.sink({ connectionString: `postgres://postgres@127.0.0.1:${proxy.port}/postgres`, table, timeoutMs: 1000 });
    const host = await startHost({ audit });
    try {
      const avery = await host.signIn('avery');
      const first = await avery.start('ashley');
      expect(first.status, JSON.stringify(first.json)).toBe(200);
      expect((await avery.stop()).status).toBe(200);
      proxy.cut();
      const t = performance.now();
      const r = await avery.start('ashley');
      expect(r.status).toBe(503);
      expect(r.json.error.code).toBe('AUDIT_UNAVAILABLE');
      expect(performance.now() - t).toBeLessThan(5000); // answers within the deadline, does not hang
      expect((await avery.status()).active).toBe(false);
      proxy.restore();
      expect((await avery.start('ashley')).status).toBe(200);
      expect((await avery.get('/whoami')).json.onBehalf).toMatchObject({ active: true, userId: 'ashley' });
    } finally {
      await host.close();
      await proxy.close();
    }
    const r = await verify(table);
    expect(r.ok).toBe(true);
    const types = (await open.sink({ connectionString: db.url, table }).query({})).events.map((e) => e.type);
    expect(types.filter((x) => x === 'started')).toHaveLength(2); // the refused start left no event
  });
});
