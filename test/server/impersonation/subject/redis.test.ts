import { randomUUID } from 'node:crypto';
import type { RedisClientType } from 'redis';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { AccessNotice, SubjectOptions } from '../../../../server/index.js';
import { redisStreamAudit, redisSubjectStore } from '../../../../server/redis/index.js';
import { controlledAudit } from '../../../helpers/audit.js';
import { startRedis, type RedisProcess } from '../../../helpers/redis.js';
import { Browser, redisClient, startScaleHost, type ScaleHost } from '../../scale/redis-host.js';

let redis: RedisProcess;
let open: ScaleHost[] = [];
let clients: RedisClientType[] = [];

beforeAll(async () => {
  redis = await startRedis();
});
afterEach(async () => {
  const hosts = open;
  open = [];
  await Promise.all(hosts.map((h) => h.close()));
  for (const c of clients) if (c.isOpen) c.destroy();
  clients = [];
  for (const h of hosts) expect(h.unexpected, `${h.name}: errors answered 500`).toEqual([]);
});
afterAll(async () => {
  await redis?.stop(true);
});

/**
 * Instances A and B on one Redis: impersonation store, sessions, subject store and the audit
 * (a Redis stream, so each instance reads the writes made on the other).
 */
async function pair(subject: SubjectOptions = {}, cacheTtlMs = 0) {
  const prefix = `s${randomUUID().slice(0, 8)}:`;
  const told: AccessNotice[] = [];
  const sinks: Record<string, ReturnType<typeof controlledAudit>> = {};
  const make = async (name: string) => {
    const client = await redisClient(redis.url);
    clients.push(client);
    // The stream sink is typed for createClient()'s default modules; redisClient() makes a plain one.
    const audit = (sinks[name] = controlledAudit(redisStreamAudit({ client: client as unknown as Parameters<typeof redisStreamAudit>[0]['client'], stream: `${prefix}audit` })));
    const host = await startScaleHost(name, {
      sessionUrl: redis.url,
      prefix,
      cacheTtlMs,
      onBehalf: {
        audit,
        subject: { store: redisSubjectStore({ client, prefix: `${prefix}subject:` }), notify: (n) => void told.push(n), ...subject },
      },
    });
    open.push(host);
    return host;
  };
  const [A, B] = await Promise.all([make('A'), make('B')]);
  for (const h of [A, B]) for (const id of ['olga', 'aud']) h.users.get(id)!.permissions!.push('impersonate:approve');
  return { A, B, told, sinks };
}

describe('the subject’s side across instances (Redis)', () => {
  it('a session started on A and ended on B is in the subject’s history on A, with the writes made on B, told once', async () => {
    const { A, B, told } = await pair();
    const avery = await Browser.signedIn(A, 'avery');
    expect((await avery.at(A).start('ashley', 'Ticket 12: check-in fails')).status).toBe(200);
    expect((await avery.at(B).request('POST', '/notes', { body: {}, headers: { 'x-csrf-token': await avery.at(B).csrf() } })).status).toBe(201);
    expect((await avery.at(B).stop()).status).toBe(200);
    await Promise.all([A.ob.settled(), B.ob.settled()]);

    const ashley = await Browser.signedIn(A, 'ashley');
    const [entry] = (await ashley.at(A).get('/onbehalf/me/access')).json.sessions;
    expect(entry).toMatchObject({ actor: { id: 'avery' }, reason: 'Ticket 12: check-in fails', cause: 'exit', actions: [expect.objectContaining({ method: 'POST', path: '/notes', status: 201 })] });
    expect(told).toHaveLength(1);
    // Dismissed on B, gone from A's notices, kept in A's history.
    expect((await ashley.at(B).post(`/onbehalf/me/notices/${entry.sessionId}/dismiss`)).status).toBe(200);
    expect((await ashley.at(A).get('/onbehalf/me/access')).json.sessions[0].dismissedAt).toBeGreaterThan(0);
  });

  it.each([0, 60_000])('a grant revoked on B ends the session on A at once (store cache %i ms)', async (cacheTtlMs) => {
    const { A, B } = await pair({ consent: true }, cacheTtlMs);
    const ashley = await Browser.signedIn(B, 'ashley');
    const grant = (await ashley.at(B).post('/onbehalf/me/grants', { hours: 1 })).json.grant;
    const avery = await Browser.signedIn(A, 'avery');
    expect((await avery.at(A).start('ashley')).status).toBe(200);
    expect((await avery.at(A).get('/whoami')).json.servedAs.userId).toBe('ashley');
    expect((await ashley.at(B).post(`/onbehalf/me/grants/${grant.id}/revoke`)).status).toBe(200);
    expect((await avery.at(A).get('/whoami')).json.servedAs).toEqual({ active: false, userId: 'avery' });
    expect((await avery.at(A).start('ashley')).json.error.code).toBe('CONSENT_REQUIRED');
  });

  it('racing approvals on A and B: exactly one wins; the start uses it once', async () => {
    const { A, B } = await pair({ approval: true });
    const avery = await Browser.signedIn(A, 'avery');
    const id = (await avery.at(A).start('bob')).json.error.request.id;
    const [olga, aud] = await Promise.all([Browser.signedIn(A, 'olga'), Browser.signedIn(B, 'aud')]);
    const [tOlga, tAud] = await Promise.all([olga.at(A).csrf(), aud.at(B).csrf()]);
    const answers = await Promise.all(
      Array.from({ length: 6 }, (_, i) =>
        i % 2 ? aud.at(B).request('POST', `/onbehalf/approvals/${id}/approve`, { body: {}, headers: { 'x-csrf-token': tAud } }) : olga.at(A).request('POST', `/onbehalf/approvals/${id}/approve`, { body: {}, headers: { 'x-csrf-token': tOlga } }),
      ),
    );
    expect(answers.map((a) => a.status).sort()).toEqual([200, 409, 409, 409, 409, 409]);
    const started = await avery.at(B).start('bob');
    expect(started.status).toBe(200);
    await avery.at(B).stop();
    expect((await avery.at(A).start('bob')).json.error.code).toBe('APPROVAL_REQUIRED');
  });

  it('an approval A’s audit refuses is released in Redis: B sees it pending and approves it; the start uses that one', async () => {
    const { A, B, sinks } = await pair({ approval: true });
    const avery = await Browser.signedIn(A, 'avery');
    const id = (await avery.at(A).start('bob')).json.error.request.id;
    const [olga, aud] = await Promise.all([Browser.signedIn(A, 'olga'), Browser.signedIn(B, 'aud')]);
    sinks.A.refuse = (e) => e.type === 'request-approved';
    const refused = await olga.at(A).post(`/onbehalf/approvals/${id}/approve`);
    expect([refused.status, refused.json.error.code]).toEqual([503, 'AUDIT_UNAVAILABLE']);
    expect((await B.ob.approvals()).map((r) => [r.id, r.status, r.approver])).toEqual([[id, 'pending', undefined]]);
    expect((await aud.at(B).post(`/onbehalf/approvals/${id}/approve`)).json.request).toMatchObject({ status: 'approved', approver: { id: 'aud' } });
    expect((await avery.at(A).start('bob')).status).toBe(200);
    // One approval on the audit, Audrey's: the refused one left no record.
    const { events } = await sinks.A.query!({ type: 'request-approved' });
    expect(events.map((e) => [e.requestId, e.approver?.id])).toEqual([[id, 'aud']]);
  });

  it('answers 503, never 500, when Redis is down', async () => {
    const { A } = await pair();
    const ashley = await Browser.signedIn(A, 'ashley');
    redis.pause();
    try {
      const r = await ashley.at(A).get('/onbehalf/me/access');
      expect(r.status).toBe(503);
      expect(r.json.error.code).toBe('STORE_UNAVAILABLE');
    } finally {
      redis.resume();
    }
  });
});
