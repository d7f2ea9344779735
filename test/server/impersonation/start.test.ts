import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { AuditSink } from '../../../server/index.js';
import { startHost, type TestHost } from '../../helpers/host.js';

let host: TestHost;
afterEach(async () => host?.close());

describe('start', () => {
  beforeEach(async () => {
    host = await startHost();
  });

  it('starts with a reason, lands on the landing path, and serves the next request as the subject', async () => {
    const avery = await host.signIn('avery');
    const r = await avery.start('ashley', '  Ashley cannot find her OKRs (ticket 123)  ', { ticket: 'SUP-123' });
    expect(r.status).toBe(200);
    expect(r.json.redirect).toBe('/');
    expect(r.json.session.subject).toEqual({ id: 'ashley', name: 'Ashley', email: 'ashley@contoso.test' });
    expect(r.json.session.actor.id).toBe('avery');
    expect(r.json.session.reason).toBe('Ashley cannot find her OKRs (ticket 123)');
    const who = (await avery.get('/whoami')).json.onBehalf;
    expect(who).toMatchObject({ active: true, userId: 'ashley', actor: { id: 'avery' }, subject: { id: 'ashley' }, ticket: 'SUP-123' });
    const started = host.audit.events.filter((e) => e.type === 'started');
    expect(started).toHaveLength(1);
    expect(started[0]).toMatchObject({ actor: { id: 'avery' }, subject: { id: 'ashley' }, reason: 'Ashley cannot find her OKRs (ticket 123)', ticket: 'SUP-123', sessionId: r.json.session.sessionId });
    expect(started[0].ip).toBeTruthy();
  });

  it('rotates the session id on start and on stop', async () => {
    const avery = await host.signIn('avery');
    await avery.status();
    const before = avery.cookie();
    expect((await avery.start('ashley')).status).toBe(200);
    const acting = avery.cookie();
    expect(acting).not.toBe(before);
    expect((await avery.stop()).status).toBe(200);
    expect(avery.cookie()).not.toBe(acting);
    // The old cookie is worthless: it was destroyed, not just replaced.
    const replay = host.client();
    replay.setCookie('connect.sid', acting!);
    expect((await replay.get('/whoami')).json.onBehalf).toEqual({ active: false });
  });

  it('refuses GET on start and stop with 405', async () => {
    const avery = await host.signIn('avery');
    for (const path of ['/onbehalf/start', '/onbehalf/stop']) {
      const r = await avery.get(path);
      expect(r.status).toBe(405);
      expect(r.json.error.code).toBe('METHOD_NOT_ALLOWED');
    }
    expect((await avery.status()).active).toBe(false);
  });

  it('refuses a POST without a CSRF token, with a wrong one, or from a foreign origin', async () => {
    const avery = await host.signIn('avery');
    const body = { userId: 'ashley', reason: 'Investigating a support ticket' };
    const none = await avery.request('POST', '/onbehalf/start', { body });
    expect(none.status).toBe(403);
    expect(none.json.error.code).toBe('CSRF');
    const wrong = await avery.request('POST', '/onbehalf/start', { body, headers: { 'x-csrf-token': 'forged' } });
    expect(wrong.json.error.code).toBe('CSRF');
    const token = await avery.csrf();
    const foreign = await avery.request('POST', '/onbehalf/start', { body, headers: { 'x-csrf-token': token, origin: 'https://evil.test' } });
    expect(foreign.status).toBe(403);
    expect(foreign.json.error.code).toBe('CSRF');
    const crossSite = await avery.request('POST', '/onbehalf/start', { body, headers: { 'x-csrf-token': token, 'sec-fetch-site': 'cross-site' } });
    expect(crossSite.json.error.code).toBe('CSRF');
    expect((await avery.status()).active).toBe(false);
    // The same request from the page's own origin works.
    const ok = await avery.request('POST', '/onbehalf/start', { body, headers: { 'x-csrf-token': token, origin: host.url, 'sec-fetch-site': 'same-origin' } });
    expect(ok.status).toBe(200);
  });

  it('treats "Origin: null" (a no-referrer form post) as same-origin only when Sec-Fetch-Site says so', async () => {
    const avery = await host.signIn('avery');
    const token = await avery.csrf();
    const form = { userId: 'ashley', reason: 'Helping with check-ins', _csrf: token };
    const bare = await avery.request('POST', '/onbehalf/start', { form, headers: { origin: 'null' } });
    expect(bare.status).toBe(403);
    const crossSite = await avery.request('POST', '/onbehalf/start', { form, headers: { origin: 'null', 'sec-fetch-site': 'cross-site' } });
    expect(crossSite.status).toBe(403);
    const same = await avery.request('POST', '/onbehalf/start', { form, headers: { origin: 'null', 'sec-fetch-site': 'same-origin' } });
    expect(same.status).toBe(303);
  });

  it('accepts a no-JS form post with _csrf and answers with a 303 to the landing page', async () => {
    const avery = await host.signIn('avery');
    const token = await avery.csrf();
    const r = await avery.request('POST', '/onbehalf/start', { form: { userId: 'ashley', reason: 'Helping with check-ins', _csrf: token, readOnly: 'on' } });
    expect(r.status).toBe(303);
    expect(r.headers.get('location')).toBe('/');
    expect((await avery.status()).session.readOnly).toBe(true);
  });

  it('a reason typed over several lines (Enter in the reason box) is kept on one line, with spaces', async () => {
    const avery = await host.signIn('avery');
    const r = await avery.post('/onbehalf/start', { userId: 'ashley', reason: '  Ticket SUP-1:\r\n  she cannot\n\ncheck in  ' });
    expect(r.status).toBe(200);
    expect((await avery.status()).session.reason).toBe('Ticket SUP-1: she cannot check in');
  });

  it.each([
    ['ashley', 'a', 'INVALID_REASON'],
    ['ashley', '   too short  ', 'INVALID_REASON'],
    ['ashley', 'x'.repeat(501), 'INVALID_REASON'],
    ['ashley', 'reason with a \u0007 bell in it', 'INVALID_REASON'],
    ['ashley', undefined, 'INVALID_REASON'],
    ['ashley', 42, 'INVALID_REASON'],
  ])('refuses a bad reason (%s, %j) with %s and starts nothing', async (userId, reason, code) => {
    const avery = await host.signIn('avery');
    const r = await avery.post('/onbehalf/start', { userId, reason });
    expect(r.status).toBe(400);
    expect(r.json.error.code).toBe(code);
    expect(r.json.error.message).toMatch(/reason/i);
    expect((await avery.status()).active).toBe(false);
    expect(host.audit.events.filter((e) => e.type === 'started')).toHaveLength(0);
  });

  it.each([
    [{ userId: 'ashley', reason: 'Valid reason here', returnTo: 'https://evil.test/' }, 'INVALID_RETURN_TO'],
    [{ userId: 'ashley', reason: 'Valid reason here', returnTo: '//evil.test/x' }, 'INVALID_RETURN_TO'],
    [{ userId: 'ashley', reason: 'Valid reason here', returnTo: '/\\evil.test' }, 'INVALID_RETURN_TO'],
    [{ userId: 'ashley', reason: 'Valid reason here', returnTo: 'javascript:alert(1)' }, 'INVALID_RETURN_TO'],
    [{ userId: 'ashley', reason: 'Valid reason here', ticket: 'T\u0000' }, 'INVALID_TICKET'],
    [{ userId: 1.5, reason: 'Valid reason here' }, 'BAD_REQUEST'],
    [{ userId: '', reason: 'Valid reason here' }, 'BAD_REQUEST'],
    [{ userId: ['ashley'], reason: 'Valid reason here' }, 'BAD_REQUEST'],
    [{ userId: 'ashley', reason: 'Valid reason here', readOnly: 'maybe' }, 'BAD_REQUEST'],
  ])('refuses bad input %j with %s and no state change', async (body, code) => {
    const avery = await host.signIn('avery');
    const r = await avery.post('/onbehalf/start', body);
    expect(r.status).toBe(400);
    expect(r.json.error.code).toBe(code);
    expect((await avery.status()).active).toBe(false);
  });

  it('answers malformed JSON, huge bodies and wrong content types with 4xx JSON, never a 500', async () => {
    const avery = await host.signIn('avery');
    const token = await avery.csrf();
    const headers = { 'x-csrf-token': token, 'content-type': 'application/json' };
    const malformed = await avery.request('POST', '/onbehalf/start', { raw: '{"userId": "ashley",', headers });
    expect(malformed.status).toBe(400);
    expect(malformed.json.error.code).toBe('BAD_REQUEST');
    expect(malformed.text).not.toMatch(/at .*\.js/);
    const huge = await avery.request('POST', '/onbehalf/start', { raw: JSON.stringify({ userId: 'ashley', reason: 'x'.repeat(100_000) }), headers });
    expect(huge.status).toBe(413);
    expect(huge.json.error.code).toBe('PAYLOAD_TOO_LARGE');
    const text = await avery.request('POST', '/onbehalf/start', { raw: 'userId=ashley', headers: { 'x-csrf-token': token, 'content-type': 'text/plain' } });
    expect(text.status).toBe(400);
    const unknownEndpoint = await avery.get('/onbehalf/nope');
    expect(unknownEndpoint.status).toBe(404);
    expect(unknownEndpoint.json.error.code).toBe('NOT_FOUND');
    expect((await avery.status()).active).toBe(false);
  });

  it.each([
    ['bob', 'ashley', 'NOT_ALLOWED', 403],
    ['avery', 'avery', 'TARGET_SELF', 403],
    ['avery', 'ivan', 'TARGET_INACTIVE', 403],
    ['avery', 'priya', 'TARGET_PRIVATE_OBJECTIVES', 403],
    ['avery', 'sam', 'TARGET_PRIVILEGED', 403], // holds the impersonation permission
    ['sam', 'avery', 'TARGET_PRIVILEGED', 403],
    ['sam', 'tess', 'TARGET_PRIVILEGED', 403], // a tenant administrator outranks a support agent
    ['avery', 'aud', 'TARGET_PRIVILEGED', 403], // auditors are protected too
    ['avery', 'nobody', 'USER_NOT_FOUND', 404],
  ])('%s → %s is refused with %s, audited as denied, session unchanged', async (actor, target, code, status) => {
    const c = await host.signIn(actor);
    const before = await c.get('/whoami');
    const r = await c.start(target);
    expect(r.status).toBe(status);
    expect(r.json.error.code).toBe(code);
    expect((await c.get('/whoami')).json).toEqual(before.json);
    const denied = host.audit.events.filter((e) => e.type === 'denied');
    expect(denied).toHaveLength(1);
    expect(denied[0]).toMatchObject({ code, actor: { id: actor, name: host.users.get(actor)!.name }, subject: { id: target } });
    if (host.users.has(target)) expect(denied[0].subject!.name).toBe(host.users.get(target)!.name);
  });

  it('refuses anyone not signed in with 401', async () => {
    const anon = host.client();
    const r = await anon.start('ashley');
    expect(r.status).toBe(401);
    expect(r.json.error.code).toBe('NOT_SIGNED_IN');
  });

  it('role matrix: actor × target', async () => {
    // Rows: actors. Columns: targets. ✓ = may start, otherwise the refusal code.
    const targets = ['ashley', 'olga', 'tess', 'sam', 'avery', 'aud', 'ivan', 'priya'] as const;
    const matrix: Record<string, string[]> = {
      avery: ['✓', '✓', 'TARGET_PRIVILEGED', 'TARGET_PRIVILEGED', 'TARGET_SELF', 'TARGET_PRIVILEGED', 'TARGET_INACTIVE', 'TARGET_PRIVATE_OBJECTIVES'],
      sam: ['✓', '✓', 'TARGET_PRIVILEGED', 'TARGET_SELF', 'TARGET_PRIVILEGED', 'TARGET_PRIVILEGED', 'TARGET_INACTIVE', 'TARGET_PRIVATE_OBJECTIVES'],
      olga: Array(8).fill('NOT_ALLOWED'),
      ashley: Array(8).fill('NOT_ALLOWED'),
      aud: Array(8).fill('NOT_ALLOWED'),
    };
    for (const [actor, row] of Object.entries(matrix)) {
      const c = await host.signIn(actor);
      for (const [i, target] of targets.entries()) {
        const r = await c.start(target, 'Role matrix check for support');
        const got = r.status === 200 ? '✓' : r.json.error.code;
        expect(`${actor}→${target}: ${got}`).toBe(`${actor}→${target}: ${row[i]}`);
        if (r.status === 200) await c.stop();
      }
    }
  });

  it('refuses nesting: while acting, a second start is ALREADY_ACTING and the first actor is kept', async () => {
    const avery = await host.signIn('avery');
    await avery.start('ashley');
    const nested = await avery.start('bob');
    expect(nested.status).toBe(409);
    expect(nested.json.error.code).toBe('ALREADY_ACTING');
    const s = await avery.status();
    expect(s.session.actor.id).toBe('avery');
    expect(s.session.subject.id).toBe('ashley');
    await avery.stop();
    expect((await avery.get('/whoami')).json.onBehalf).toEqual({ active: false, userId: 'avery' });
  });

  it('two racing starts leave one consistent state', async () => {
    const avery = await host.signIn('avery');
    const token = await avery.csrf();
    const post = (userId: string) =>
      avery.request('POST', '/onbehalf/start', { body: { userId, reason: 'Racing starts on purpose' }, headers: { 'x-csrf-token': token } });
    const results = await Promise.all([post('ashley'), post('bob'), post('olga')]);
    expect(results.filter((r) => r.status === 200)).toHaveLength(1);
    expect(results.filter((r) => r.status !== 200).every((r) => ['ALREADY_ACTING', 'CSRF'].includes(r.json.error.code))).toBe(true);
    const winner = results.find((r) => r.status === 200)!.json.session;
    expect(await host.ob.revoke({ actorId: 'avery' })).toBe(1);
    expect(host.audit.events.filter((e) => e.type === 'started').map((e) => e.sessionId)).toEqual([winner.sessionId]);
  });

  it('fails closed: when the audit write fails, start answers 503 AUDIT_UNAVAILABLE and nothing changes', async () => {
    await host.close();
    const failing: AuditSink = { write: async () => Promise.reject(new Error('disk full')) };
    host = await startHost({ audit: failing });
    const avery = await host.signIn('avery');
    const r = await avery.start('ashley');
    expect(r.status).toBe(503);
    expect(r.json.error.code).toBe('AUDIT_UNAVAILABLE');
    expect((await avery.get('/whoami')).json.onBehalf).toEqual({ active: false, userId: 'avery' });
    // Not half-started either: a later start with a healthy audit is not refused as nesting.
    expect((await avery.status()).active).toBe(false);
  });

  it('never trusts a user id from the body or a header for who the actor is', async () => {
    const bob = await host.signIn('bob');
    const r = await bob.post('/onbehalf/start', { userId: 'ashley', reason: 'Pretending to be Avery', actorId: 'avery' }, { 'x-user-id': 'avery', 'x-forwarded-user': 'avery' });
    expect(r.status).toBe(403);
    expect(r.json.error.code).toBe('NOT_ALLOWED');
  });

  it('needs step-up when the host asks for it', async () => {
    await host.close();
    host = await startHost({ stepUp: (req) => req.get('x-totp') === '123456' });
    const avery = await host.signIn('avery');
    const r = await avery.start('ashley');
    expect(r.status).toBe(401);
    expect(r.json.error.code).toBe('STEP_UP_REQUIRED');
    const ok = await avery.post('/onbehalf/start', { userId: 'ashley', reason: 'Investigating a ticket' }, { 'x-totp': '123456' });
    expect(ok.status).toBe(200);
  });

  it('rate-limits start attempts per actor', async () => {
    await host.close();
    host = await startHost({ rateLimit: { limit: 3 } });
    const bob = await host.signIn('bob');
    const codes: string[] = [];
    for (let i = 0; i < 5; i++) codes.push((await bob.start('ashley')).json.error.code);
    expect(codes).toEqual(['NOT_ALLOWED', 'NOT_ALLOWED', 'NOT_ALLOWED', 'RATE_LIMITED', 'RATE_LIMITED']);
  });

  it('requires a ticket when the host says so', async () => {
    await host.close();
    host = await startHost({ reason: { requireTicket: true, minLength: 20 } });
    const avery = await host.signIn('avery');
    expect((await avery.start('ashley', 'Investigating missing OKRs')).json.error.code).toBe('INVALID_TICKET');
    expect((await avery.start('ashley', 'Too short reason', { ticket: 'T-1' })).json.error.code).toBe('INVALID_REASON');
    expect((await avery.start('ashley', 'Investigating missing OKRs', { ticket: 'T-1' })).status).toBe(200);
  });
});

describe('users (picker search)', () => {
  beforeEach(async () => {
    host = await startHost();
  });

  it('lists candidates with eligibility and the reason in words', async () => {
    const avery = await host.signIn('avery');
    const r = await avery.get('/onbehalf/users?q=&limit=50');
    expect(r.status).toBe(200);
    const byId = Object.fromEntries(r.json.users.map((u: any) => [u.id, u]));
    expect(byId.ashley).toMatchObject({ eligible: true, name: 'Ashley' });
    expect(byId.ivan).toMatchObject({ eligible: false, code: 'TARGET_INACTIVE', message: 'This user is not active.' });
    expect(byId.priya.code).toBe('TARGET_PRIVATE_OBJECTIVES');
    expect(byId.avery.code).toBe('TARGET_SELF');
    expect((await avery.get('/onbehalf/users?q=ash')).json.users.map((u: any) => u.id)).toEqual(['ashley']);
  });

  it('refuses non-admins and bad queries', async () => {
    const bob = await host.signIn('bob');
    expect((await bob.get('/onbehalf/users?q=a')).status).toBe(403);
    const avery = await host.signIn('avery');
    expect((await avery.get('/onbehalf/users?limit=100000')).json.error.code).toBe('BAD_REQUEST');
    expect((await avery.get('/onbehalf/users?limit=abc')).status).toBe(400);
    expect((await avery.get('/onbehalf/users?q=a&q=b')).status).toBe(400);
  });
});
