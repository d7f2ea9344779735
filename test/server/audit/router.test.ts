import { rmSync } from 'node:fs';
import express from 'express';
import session from 'express-session';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { auditRouter, fileAudit, memoryAudit, type FileAudit } from '../../../server/audit/index.js';
import type { AuditSink } from '../../../server/impersonation/types.js';
import type { AuditEvent } from '../../../shared/index.js';
import { Client, listen } from '../../helpers/http.js';
import { keys, tempDir } from './fixtures.js';

const T0 = Date.UTC(2026, 10, 25, 9, 0, 0);
const at = (min: number) => new Date(T0 + min * 60_000).toISOString();
const avery = { id: 'avery', name: 'Avery Admin' };
const sam = { id: 'sam', name: 'Sam Support' };
const ashley = { id: 'ashley', name: 'Ashley' };
const bob = { id: 'bob', name: 'Bob' };

const EVENTS: AuditEvent[] = [
  { id: 'e1', time: at(0), type: 'started', actor: avery, subject: ashley, sessionId: 's-1', reason: 'Ticket SUP-1: cannot find her OKR', ticket: 'SUP-1' },
  { id: 'e2', time: at(1), type: 'action', actor: avery, subject: ashley, sessionId: 's-1', method: 'POST', path: '/okrs/1/checkins', status: 201 },
  { id: 'e3', time: at(2), type: 'action', actor: avery, subject: ashley, sessionId: 's-1', method: 'PATCH', path: '/okrs/1', status: 200 },
  { id: 'e4', time: at(3), type: 'denied', actor: sam, subject: avery, code: 'TARGET_PRIVILEGED' },
  { id: 'e5', time: at(4), type: 'started', actor: sam, subject: bob, sessionId: 's-2', reason: '=HYPERLINK("http://evil.test","click me")' },
  { id: 'e6', time: at(5), type: 'action', actor: sam, subject: bob, sessionId: 's-2', method: 'POST', path: '+cmd|calc', status: 201 },
  { id: 'e7', time: at(6), type: 'action', actor: avery, subject: ashley, sessionId: 's-1', method: 'DELETE', path: '@SUM(1)', status: 204 },
  { id: 'e8', time: at(10), type: 'ended', actor: avery, subject: ashley, sessionId: 's-1', cause: 'exit' },
  { id: 'e9', time: at(11), type: 'ended', actor: sam, subject: bob, sessionId: 's-2', cause: 'expired', reason: '-2+3' },
];

/** A real host: express-session, its own sign-in, the audit API for holders of audit:read. */
async function startApp(sink: AuditSink) {
  const perms: Record<string, string[]> = { aud: ['audit:read'], bob: [] };
  const app = express();
  app.use(session({ secret: 't', resave: false, saveUninitialized: false }));
  app.post('/login', express.json(), (req, res) => {
    (req.session as any).userId = req.body.userId;
    res.json({ ok: true });
  });
  app.use('/onbehalf', auditRouter({ sink, canRead: (req) => perms[(req.session as any).userId]?.includes('audit:read') ?? false }));
  const { url, close } = await listen(app);
  const as = async (userId?: string) => {
    const c = new Client(url);
    if (userId) await c.request('POST', '/login', { body: { userId } });
    return c;
  };
  return { as, close };
}

describe('auditRouter', () => {
  const dir = tempDir();
  let sink: FileAudit;
  let app: Awaited<ReturnType<typeof startApp>>;
  let auditor: Client;
  beforeAll(async () => {
    sink = fileAudit({ dir, checkpoint: { privateKey: keys.privateKey }, warn: () => {} });
    for (const e of EVENTS) await sink.write(e);
    app = await startApp(sink);
    auditor = await app.as('aud');
  });
  afterAll(async () => {
    await app.close();
    await sink.close();
    rmSync(dir, { recursive: true, force: true });
  });
  const ids = (r: { json: { events: AuditEvent[] } }) => r.json.events.map((e) => e.id);

  it('refuses non-auditors and signed-out users with 403 NOT_ALLOWED JSON, on every route', async () => {
    for (const who of [await app.as('bob'), await app.as()]) {
      for (const path of ['/onbehalf/audit', '/onbehalf/audit/export?format=csv', '/onbehalf/audit/sessions/s-1']) {
        const r = await who.get(path);
        expect(r.status).toBe(403);
        expect(r.json).toEqual({ error: { code: 'NOT_ALLOWED', message: expect.any(String) } });
        expect(r.text).not.toContain('Ashley');
      }
    }
  });

  it('filters by actor, subject, type and time', async () => {
    expect(ids(await auditor.get('/onbehalf/audit?actor=sam'))).toEqual(['e4', 'e5', 'e6', 'e9']);
    expect(ids(await auditor.get('/onbehalf/audit?subject=ashley&type=action'))).toEqual(['e2', 'e3', 'e7']);
    expect(ids(await auditor.get(`/onbehalf/audit?from=${encodeURIComponent(at(2))}&to=${T0 + 5 * 60_000}`))).toEqual(['e3', 'e4', 'e5', 'e6']);
    expect(ids(await auditor.get('/onbehalf/audit?type=denied'))).toEqual(['e4']);
    const r = await auditor.get('/onbehalf/audit');
    expect(r.headers.get('cache-control')).toBe('no-store');
  });

  it('filters numeric ids (recorded as the host has them) by their text in the query, in the API and the export', async () => {
    const numeric = memoryAudit();
    await numeric.write({ id: 'n1', time: at(0), type: 'started', actor: { id: 42, name: 'Avery' }, subject: { id: 7, name: 'Ashley' }, sessionId: 's-n', reason: 'Ticket SUP-7: her OKRs' });
    await numeric.write({ id: 'n2', time: at(1), type: 'started', actor: { id: 420, name: 'Other' }, subject: { id: 70, name: 'Other' }, sessionId: 's-m', reason: 'Ticket SUP-8: his OKRs' });
    const other = await startApp(numeric);
    try {
      const aud = await other.as('aud');
      expect(ids(await aud.get('/onbehalf/audit?actor=42'))).toEqual(['n1']);
      expect(ids(await aud.get('/onbehalf/audit?subject=7'))).toEqual(['n1']);
      expect((await aud.get('/onbehalf/audit/export?format=jsonl&subject=7')).text.trim().split('\n').map((l) => JSON.parse(l).id)).toEqual(['n1']);
    } finally {
      await other.close();
    }
  });

  it('pages with a cursor: every event once, in order', async () => {
    const seen: string[] = [];
    let cursor: string | null = null;
    let pages = 0;
    do {
      const r = await auditor.get(`/onbehalf/audit?limit=2${cursor ? `&cursor=${cursor}` : ''}`);
      expect(r.status).toBe(200);
      expect(r.json.events.length).toBeLessThanOrEqual(2);
      seen.push(...ids(r));
      cursor = r.json.nextCursor;
      pages += 1;
    } while (cursor);
    expect(seen).toEqual(EVENTS.map((e) => e.id));
    expect(pages).toBeGreaterThanOrEqual(5);
  });

  it('answers 400 JSON for a bad query, never 500', async () => {
    for (const q of ['limit=0', 'limit=abc', 'limit=5000', 'type=bogus', 'from=yesterday', 'foo=1', 'actor=a&actor=b', `from=${T0 + 1}&to=${T0}`, 'cursor=%3Cscript%3E', 'cursor=999999999999999999999', 'actor=%00x']) {
      const r = await auditor.get(`/onbehalf/audit?${q}`);
      expect(r.status, q).toBe(400);
      expect(r.json.error.code, q).toBe('BAD_REQUEST');
      expect(r.text).not.toMatch(/at .*\.ts/);
    }
    expect((await auditor.get('/onbehalf/audit/export?format=xml')).status).toBe(400);
  });

  it('exports JSONL with the same filters', async () => {
    const r = await auditor.get('/onbehalf/audit/export?format=jsonl&actor=avery');
    expect(r.status).toBe(200);
    expect(r.headers.get('content-type')).toMatch(/application\/x-ndjson/);
    expect(r.headers.get('content-disposition')).toMatch(/attachment; filename="?onbehalf-audit.jsonl"?/);
    const lines = r.text.trim().split('\n').map((l) => JSON.parse(l));
    expect(lines).toEqual(EVENTS.filter((e) => e.actor?.id === 'avery'));
  });

  it('exports CSV with formula injection neutralised (= + - @ get a leading quote)', async () => {
    const r = await auditor.get('/onbehalf/audit/export?format=csv');
    expect(r.status).toBe(200);
    expect(r.headers.get('content-type')).toMatch(/text\/csv/);
    const rows = r.text.split('\r\n');
    expect(rows[0]).toMatch(/^id,time,type,actor_id,actor_name,subject_id,subject_name,reason,/);
    expect(rows).toHaveLength(EVENTS.length + 2); // header + events + the empty string after the last CRLF
    const row = (id: string) => rows.find((l) => l.startsWith(`${id},`))!;
    expect(row('e5')).toContain(`"'=HYPERLINK(""http://evil.test"",""click me"")"`);
    expect(row('e6')).toContain(",'+cmd|calc,");
    expect(row('e7')).toContain(",'@SUM(1),");
    expect(row('e9')).toContain(",'-2+3,");
    expect(r.text).not.toMatch(/(^|,)[=+@-]/m);
  });

  it('shows one session: reason, duration, cause and every action', async () => {
    const r = await auditor.get('/onbehalf/audit/sessions/s-1');
    expect(r.status).toBe(200);
    expect(r.json.session).toMatchObject({
      sessionId: 's-1', actor: avery, subject: ashley, reason: 'Ticket SUP-1: cannot find her OKR', ticket: 'SUP-1',
      startedAt: at(0), endedAt: at(10), cause: 'exit', durationMs: 10 * 60_000, active: false,
    });
    expect(r.json.actions.map((e: AuditEvent) => `${e.method} ${e.path}`)).toEqual(['POST /okrs/1/checkins', 'PATCH /okrs/1', 'DELETE @SUM(1)']);
    const missing = await auditor.get('/onbehalf/audit/sessions/nope');
    expect(missing.status).toBe(404);
    expect(missing.json.error.code).toBe('SESSION_NOT_FOUND');
  });

  it('answers 503 AUDIT_UNAVAILABLE when the log can not be read', async () => {
    const broken = await startApp({ write: async () => {}, query: () => Promise.reject(new Error('EIO')) });
    try {
      const r = await (await broken.as('aud')).get('/onbehalf/audit');
      expect(r.status).toBe(503);
      expect(r.json.error.code).toBe('AUDIT_UNAVAILABLE');
      expect(r.text).not.toContain('EIO');
    } finally {
      await broken.close();
    }
  });
});
