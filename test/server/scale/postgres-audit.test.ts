import { randomUUID } from 'node:crypto';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { AccessEntry, AuditEvent } from '../../../shared/index.js';
import { pgAudit } from '../../../server/postgres/index.js';
import { redisSubjectStore } from '../../../server/redis/index.js';
import { startPostgres, type PostgresProcess } from '../../helpers/postgres.js';
import { startRedis, type RedisProcess } from '../../helpers/redis.js';
import type { Client } from '../../helpers/http.js';
import { Browser, redisClient, startScaleHost, type ScaleHost } from './redis-host.js';

let db: PostgresProcess;
let redis: RedisProcess;
beforeAll(async () => { [db, redis] = await Promise.all([startPostgres(), startRedis()]); });
afterAll(async () => { await redis?.stop(); db?.stop(); });

let open: ScaleHost[] = [];
afterEach(async () => {
  const hosts = open;
  open = [];
  await Promise.all(hosts.map((h) => h.close()));
  for (const h of hosts) expect(h.unexpected, `${h.name}: errors answered 500`).toEqual([]);
});

/**
 * Instances A and B: sessions, impersonation and the subject's side in one Redis, the audit in
 * one PostgreSQL chain (`pgAudit`): neither instance keeps an event in memory.
 */
async function pair() {
  const prefix = `p${randomUUID().slice(0, 8)}:`;
  const table = `audit_${prefix.slice(0, -1)}`;
  const subjectClient = await redisClient(redis.url);
  const hosts = await Promise.all(['A', 'B'].map((name) => startScaleHost(name, {
    sessionUrl: redis.url,
    prefix,
    onBehalf: {
      audit: pgAudit({ connectionString: db.url, table, warn: () => {} }),
      subject: { store: redisSubjectStore({ client: subjectClient, prefix: `${prefix}subject:` }) },
    },
  })));
  open.push(...hosts);
  const [A, B] = hosts;
  const close = B.close;
  B.close = async () => { await close(); subjectClient.destroy(); };
  return { A, B, table };
}

/** Every page of `GET /onbehalf/audit?<filter>` through its cursors, as an auditor's client reads them. */
async function pages(client: Client, filter: Record<string, string>, limit: number): Promise<string[][]> {
  const out: string[][] = [];
  let cursor: string | null = null;
  do {
    const q = new URLSearchParams({ ...filter, limit: String(limit), ...(cursor && { cursor }) });
    const r = await client.get(`/onbehalf/audit?${q}`);
    expect(r.status, r.text).toBe(200);
    out.push(r.json.events.map((e: AuditEvent) => `${e.type}:${e.actor?.id}>${e.subject?.id ?? ''}`));
    cursor = r.json.nextCursor;
  } while (cursor);
  return out;
}

describe('two instances on one pgAudit chain: every reader sees every event', () => {
  it("the subject's access history on B shows a session started, acted in and ended on A, with its writes", async () => {
    const { A, B } = await pair();
    const avery = await Browser.signedIn(A, 'avery');
    const ashley = await Browser.signedIn(B, 'ashley');
    const start = await avery.at(A).start('ashley', 'Fixing her check-in, ticket 4411');
    expect(start.status, start.text).toBe(200);
    const sessionId = start.json.session.sessionId;
    expect((await avery.at(A).request('POST', '/notes', { body: {} })).status).toBe(201);

    // Live: B builds the entry from the store and reads its writes from PostgreSQL.
    const live = await ashley.at(B).get('/onbehalf/me/access');
    expect(live.status, live.text).toBe(200);
    expect(live.json.sessions).toHaveLength(1);
    expect(live.json.sessions[0]).toMatchObject({ sessionId, actor: { id: 'avery' }, reason: 'Fixing her check-in, ticket 4411', actions: [{ method: 'POST', path: '/notes', status: 201 }] });
    expect(live.json.sessions[0].endedAt).toBeUndefined();

    expect((await avery.at(A).stop()).status).toBe(200);
    await A.ob.close(); // A wrote the ended session's entry, then stopped: B answers alone from here
    const after = await ashley.at(B).get('/onbehalf/me/access');
    expect(after.status, after.text).toBe(200);
    const [entry] = after.json.sessions as AccessEntry[];
    expect(after.json.sessions).toHaveLength(1);
    expect(entry).toMatchObject({ sessionId, cause: 'exit', actions: [{ method: 'POST', path: '/notes', status: 201 }] });
    expect(entry.endedAt).toBeGreaterThanOrEqual(entry.startedAt);

    // The auditor's view of her history, on B, is the same entry.
    const auditor = await Browser.signedIn(B, 'aud');
    const view = await auditor.at(B).get('/onbehalf/subjects/ashley/access');
    expect(view.status, view.text).toBe(200);
    expect(view.json.sessions).toEqual(after.json.sessions);
  });

  it('the auditor API answers the same pages on A and B for every filter, whichever instance wrote the events', async () => {
    const { A, B } = await pair();
    const t0 = Date.now();
    // avery acts for ashley on A, sam for bob on B, each with two writes; the starts race.
    const avery = await Browser.signedIn(A, 'avery');
    const sam = await Browser.signedIn(B, 'sam');
    const [a, s] = await Promise.all([avery.at(A).start('ashley'), sam.at(B).start('bob')]);
    expect([a.status, s.status]).toEqual([200, 200]);
    for (let i = 0; i < 2; i++) {
      expect((await avery.at(A).request('POST', '/notes', { body: {} })).status).toBe(201);
      expect((await sam.at(B).request('POST', '/notes', { body: {} })).status).toBe(201);
    }
    expect((await avery.at(B).stop()).status).toBe(200); // avery's exit lands on B
    expect((await sam.at(A).stop()).status).toBe(200);

    const auditor = await Browser.signedIn(A, 'aud');
    const all = (await pages(auditor.at(A), {}, 1000)).flat();
    expect(all.filter((e) => e.startsWith('started:'))).toHaveLength(2);
    expect(all.filter((e) => e.startsWith('action:'))).toHaveLength(4);
    expect(all.filter((e) => e.startsWith('ended:'))).toHaveLength(2);
    const filters: Array<Record<string, string>> = [
      {}, { actor: 'avery' }, { subject: 'bob' }, { type: 'action' }, { sessionId: a.json.session.sessionId },
      { actor: 'sam', type: 'outcome' }, { from: new Date(t0).toISOString(), to: new Date().toISOString() }, { actor: 'nobody' },
    ];
    for (const f of filters) {
      const onA = await pages(auditor.at(A), f, 2);
      expect(await pages(auditor.at(B), f, 2), JSON.stringify(f)).toEqual(onA);
      // Pages of 2 hold the same events, in the same order, as one page.
      expect(onA.flat()).toEqual((await pages(auditor.at(B), f, 1000)).flat());
    }
    expect((await pages(auditor.at(B), { actor: 'avery' }, 1000)).flat()).toEqual([
      'started:avery>ashley', 'action:avery>ashley', 'outcome:avery>ashley', 'action:avery>ashley', 'outcome:avery>ashley', 'ended:avery>ashley',
    ]);
    // One session's page, on the other instance than the one that started it.
    const session = await auditor.at(B).get(`/onbehalf/audit/sessions/${a.json.session.sessionId}`);
    expect(session.status, session.text).toBe(200);
    expect(JSON.stringify(session.json)).toContain('"/notes"');
  });
});
