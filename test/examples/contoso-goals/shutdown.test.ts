import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { AuditEvent } from '../../../shared/index.js';
import { verifyAuditFiles } from '../../../server/audit/index.js';
import { readEvents } from '../../../server/audit/read.js';
import { Client } from '../../helpers/http.js';
import { freePort } from '../../helpers/redis.js';
import { runMain } from './run-main.js';

const dirs: string[] = [];
afterAll(async () => {
  for (const d of dirs) await rm(d, { recursive: true, force: true });
});

async function newDataDir() {
  const d = await mkdtemp(join(tmpdir(), 'onbehalf-shutdown-'));
  dirs.push(d);
  return d;
}

/** The demo's audit as it is on disk, and whether its chain verifies. */
async function auditOf(dataDir: string): Promise<{ events: AuditEvent[]; ok: boolean }> {
  const dir = join(dataDir, 'audit');
  const files = (await readdir(dir)).filter((f) => f.endsWith('.jsonl')).map((f) => join(dir, f));
  const events: AuditEvent[] = [];
  for await (const e of readEvents(files.filter((f) => !f.endsWith('.checkpoints.jsonl')))) events.push(e);
  return { events, ok: (await verifyAuditFiles(files)).ok };
}

/** Sessions as `started`/`ended:<cause>` sequences, by session id. */
function lifecycles(events: AuditEvent[]) {
  const out = new Map<string, string[]>();
  for (const e of events) {
    if (!e.sessionId || (e.type !== 'started' && e.type !== 'ended')) continue;
    out.set(e.sessionId, [...(out.get(e.sessionId) ?? []), e.type === 'ended' ? `ended:${e.cause}` : e.type]);
  }
  return out;
}

async function startActing(url: string, subject: string) {
  const avery = new Client(url);
  expect((await avery.request('POST', '/login', { body: { email: 'avery@contoso.test', password: 'demo' } })).status).toBe(200);
  const r = await avery.start(subject, 'Checking the shutdown from a test');
  expect(r.status).toBe(200);
  return { avery, sessionId: r.json.session.sessionId as string };
}

describe('the demo process: no started is left without an end', () => {
  it('SIGTERM ends a live impersonation (memory store) as `shutdown`, on the record before the process exits', async () => {
    const dataDir = await newDataDir();
    const port = await freePort();
    const demo = await runMain(port, { ONBEHALF_DATA_DIR: dataDir });
    const { sessionId } = await startActing(demo.url, 'ashley');
    demo.child.kill('SIGTERM');
    expect(await demo.exited).toEqual({ code: 0, signal: null });
    const { events, ok } = await auditOf(dataDir);
    expect(ok).toBe(true);
    expect(lifecycles(events).get(sessionId)).toEqual(['started', 'ended:shutdown']);
    expect(events.at(-1)).toMatchObject({ type: 'ended', cause: 'shutdown', actor: { id: 'avery' }, subject: { id: 'ashley' }, sessionId });
  }, 60_000);

  it('kill -9: the next start-up on the same data directory audits the session the dead process left live as `lost`, once', async () => {
    const dataDir = await newDataDir();
    const port = await freePort();
    const first = await runMain(port, { ONBEHALF_DATA_DIR: dataDir });
    const { sessionId } = await startActing(first.url, 'ashley');
    first.child.kill('SIGKILL');
    expect((await first.exited).signal).toBe('SIGKILL');
    expect(lifecycles((await auditOf(dataDir)).events).get(sessionId)).toEqual(['started']);

    const second = await runMain(port, { ONBEHALF_DATA_DIR: dataDir });
    // The new process works as usual: a new impersonation starts (after the accounting).
    const next = await startActing(second.url, 'chris');
    second.child.kill('SIGTERM');
    expect(await second.exited).toEqual({ code: 0, signal: null });
    expect(second.out).toContain('audited 1 session(s) an earlier process left live');
    const { events, ok } = await auditOf(dataDir);
    expect(ok).toBe(true);
    const all = lifecycles(events);
    expect(all.get(sessionId)).toEqual(['started', 'ended:lost']);
    expect(all.get(next.sessionId)).toEqual(['started', 'ended:shutdown']);
    expect([...all.values()].every((l) => l.length === 2)).toBe(true);
    expect(events.find((e) => e.cause === 'lost')).toMatchObject({ actor: { id: 'avery' }, subject: { id: 'ashley' }, reason: 'Checking the shutdown from a test' });
  }, 90_000);
});
