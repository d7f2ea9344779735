import { afterEach, describe, expect, it } from 'vitest';
import { memoryStore, type AuditSink, type ImpersonationStore } from '../../../server/index.js';
import { clock } from '../../helpers/clock.js';
import { startHost, type TestHost } from '../../helpers/host.js';

let host: TestHost;
afterEach(async () => host?.close());

const MIN = 60_000;

describe('while acting', () => {
  it('serves every request as the subject, records writes as actions with the true actor', async () => {
    host = await startHost();
    const avery = await host.signIn('avery');
    await avery.start('ashley');
    const saved = await avery.post('/notes', { text: 'check-in' });
    expect(saved.status).toBe(201);
    expect(saved.json.savedAs).toBe('ashley');
    const actions = host.audit.events.filter((e) => e.type === 'action');
    expect(actions).toHaveLength(1);
    expect(actions[0]).toMatchObject({ method: 'POST', path: '/notes', actor: { id: 'avery' }, subject: { id: 'ashley' } });
    expect(host.audit.events.filter((e) => e.type === 'outcome')).toMatchObject([{ actionId: actions[0].id, status: 201, actor: { id: 'avery' } }]);
    // Reads are not actions.
    await avery.get('/whoami');
    expect(host.audit.events.filter((e) => e.type === 'action')).toHaveLength(1);
  });

  it('answers a write with 503 when its action cannot be audited', async () => {
    let fail = false;
    const inner: AuditSink = { write: async () => (fail ? Promise.reject(new Error('disk')) : undefined) };
    host = await startHost({ audit: inner });
    const avery = await host.signIn('avery');
    await avery.start('ashley');
    fail = true;
    const r = await avery.post('/notes', { text: 'x' });
    expect(r.status).toBe(503);
    expect(r.json.error.code).toBe('AUDIT_UNAVAILABLE');
  });

  it('read-only mode refuses unsafe methods but allows reads and exit', async () => {
    host = await startHost();
    const avery = await host.signIn('avery');
    await avery.start('ashley', 'Looking only, read-only please', { readOnly: true });
    const w = await avery.post('/notes', { text: 'x' });
    expect(w.status).toBe(403);
    expect(w.json.error.code).toBe('READ_ONLY');
    expect((await avery.get('/whoami')).json.onBehalf.readOnly).toBe(true);
    // A no-JS form post gets a page a person can read, not JSON.
    const token = await avery.csrf();
    const form = await avery.request('POST', '/notes', { form: { text: 'x', _csrf: token } });
    expect(form.status).toBe(403);
    expect(form.headers.get('content-type')).toMatch(/text\/html/);
    expect(form.text).toContain('This session is read-only');
    expect((await avery.stop()).status).toBe(200);
  });

  it('refuses blocked routes and the admin API while acting', async () => {
    host = await startHost();
    const avery = await host.signIn('avery');
    await avery.start('ashley');
    for (const path of ['/account/password', '/Account/Password', '/account/password/', '/onbehalf/users?q=a', '/OnBehalf/users?q=a', '/onbehalf/sessions']) {
      const r = await avery.get(path);
      expect(r.status, path).toBe(403);
      expect(r.json.error.code).toBe('BLOCKED_WHILE_ACTING');
    }
    // Before and after acting, the same page is fine.
    await avery.stop();
    expect((await avery.get('/account/password')).status).toBe(200);
  });

  it('keeps session data apart: nothing set while acting reaches the actor, nor the actor’s the subject', async () => {
    host = await startHost();
    const avery = await host.signIn('avery');
    await avery.post('/prefs', { pref: 'avery-pref' });
    await avery.start('ashley');
    expect((await avery.get('/whoami')).json.pref).toBeUndefined();
    await avery.post('/prefs', { pref: 'set-while-acting' });
    expect((await avery.get('/whoami')).json.pref).toBe('set-while-acting');
    await avery.stop();
    const after = (await avery.get('/whoami')).json;
    expect(after.pref).toBe('avery-pref');
    expect(after.onBehalf).toEqual({ active: false, userId: 'avery' });
  });
});

describe('exit', () => {
  it('returns to the actor, on the page they started from', async () => {
    host = await startHost();
    const avery = await host.signIn('avery');
    await avery.start('ashley', 'Investigating a ticket', { returnTo: '/admin/users?page=2' });
    const r = await avery.stop();
    expect(r.json.redirect).toBe('/admin/users?page=2');
    expect((await avery.get('/whoami')).json.onBehalf).toEqual({ active: false, userId: 'avery' });
    const ended = host.audit.events.filter((e) => e.type === 'ended');
    expect(ended).toEqual([expect.objectContaining({ cause: 'exit', actor: expect.objectContaining({ id: 'avery' }) })]);
    expect((await avery.stop()).json.error.code).toBe('NOT_ACTING');
  });

  it('returns only to the actor recorded server-side: no parameter or header chooses who', async () => {
    host = await startHost();
    const sam = await host.signIn('sam');
    await sam.start('ashley');
    const r = await sam.post('/onbehalf/stop', { actorId: 'avery', userId: 'avery', returnTo: 'https://evil.test' }, { 'x-user-id': 'avery' });
    expect(r.status).toBe(200);
    expect(r.json.redirect).toBe('/');
    expect((await sam.get('/whoami')).json.onBehalf).toEqual({ active: false, userId: 'sam' });
  });

  it('in logout mode ends the whole session', async () => {
    host = await startHost({ exitMode: 'logout' });
    const avery = await host.signIn('avery');
    await avery.start('ashley');
    const r = await avery.stop();
    expect(r.status).toBe(200);
    expect((await avery.get('/whoami')).json.onBehalf).toEqual({ active: false });
  });

  it('is bound to the actor’s own session: the subject signing in elsewhere and pressing Exit gains nothing', async () => {
    host = await startHost();
    const avery = await host.signIn('avery');
    await avery.start('ashley');
    const ashley = await host.signIn('ashley');
    const r = await ashley.stop();
    expect(r.status).toBe(409);
    expect(r.json.error.code).toBe('NOT_ACTING');
    expect((await ashley.get('/whoami')).json.onBehalf).toEqual({ active: false, userId: 'ashley' });
    expect((await avery.status()).active).toBe(true);
  });

  it('logout ends both identities', async () => {
    host = await startHost();
    const avery = await host.signIn('avery');
    await avery.start('ashley');
    const token = await avery.csrf();
    expect((await avery.request('POST', '/logout', { headers: { 'x-csrf-token': token } })).status).toBe(200);
    expect((await avery.get('/whoami')).json.onBehalf).toEqual({ active: false });
    // The host's logout route ends it before the handler runs: its end is the logout's only record.
    expect(host.audit.events.map((e) => e.type)).toEqual(['started', 'ended']);
    expect(host.audit.events.at(-1)).toMatchObject({ cause: 'host-sign-out', method: 'POST', path: '/logout' });
    expect(await host.ob.revoke({ actorId: 'avery' })).toBe(0);
  });
});

describe('expiry and re-checks on every request', () => {
  it('ends at the hard limit, audited as expired, and serves that request as the actor', async () => {
    const c = clock();
    host = await startHost({ now: c.now, maxDurationMs: 30 * MIN, idleTimeoutMs: 60 * MIN });
    const avery = await host.signIn('avery');
    await avery.start('ashley');
    for (let i = 0; i < 3; i++) {
      c.advance(9 * MIN);
      expect((await avery.get('/whoami')).json.onBehalf.userId).toBe('ashley');
    }
    c.advance(4 * MIN);
    expect((await avery.get('/whoami')).json.onBehalf).toEqual({ active: false, userId: 'avery' });
    expect(host.audit.events.at(-1)).toMatchObject({ type: 'ended', cause: 'expired' });
  });

  it('ends after the idle limit, and a write arriving then is refused, not run as the actor', async () => {
    const c = clock();
    host = await startHost({ now: c.now, idleTimeoutMs: 10 * MIN });
    const avery = await host.signIn('avery');
    await avery.start('ashley');
    const token = await avery.csrf();
    c.advance(10 * MIN + 1);
    const r = await avery.request('POST', '/notes', { body: { text: 'late' }, headers: { 'x-csrf-token': token } });
    expect(r.status).toBe(409);
    expect(r.json.error.code).toBe('EXPIRED');
    expect(host.audit.events.filter((e) => e.type === 'action')).toHaveLength(0);
    expect(host.audit.events.at(-1)).toMatchObject({ type: 'ended', cause: 'idle' });
    expect((await avery.get('/whoami')).json.onBehalf).toEqual({ active: false, userId: 'avery' });
  });

  it('status polls (the extension banner) are not activity: the idle limit still ends the session', async () => {
    const c = clock();
    host = await startHost({ now: c.now, idleTimeoutMs: 10 * MIN });
    const avery = await host.signIn('avery');
    await avery.start('ashley');
    for (let i = 0; i < 4; i++) {
      c.advance(3 * MIN);
      await avery.status();
    }
    expect((await avery.get('/whoami')).json.onBehalf).toEqual({ active: false, userId: 'avery' });
    expect(host.audit.events.at(-1)).toMatchObject({ type: 'ended', cause: 'idle' });
  });

  it('the sweep ends and audits sessions nobody touches', async () => {
    const c = clock();
    host = await startHost({ now: c.now });
    const avery = await host.signIn('avery');
    await avery.start('ashley');
    c.advance(11 * MIN);
    expect(await host.ob.sweep()).toBe(1);
    expect(host.audit.events.at(-1)).toMatchObject({ type: 'ended', cause: 'idle' });
    expect((await avery.get('/whoami')).json.onBehalf).toEqual({ active: false, userId: 'avery' });
    expect(host.audit.events.filter((e) => e.type === 'ended')).toHaveLength(1);
  });

  it('never outlives the actor’s own sign-in', async () => {
    host = await startHost({ sessionMaxAgeMs: 5 * MIN });
    const avery = await host.signIn('avery');
    const r = await avery.start('ashley');
    expect(r.json.session.expiresAt - r.json.session.startedAt).toBeLessThanOrEqual(5 * MIN);
  });

  it.each([
    ['the subject is deactivated', (h: TestHost) => void (h.users.get('ashley')!.active = false)],
    ['the subject is promoted to a protected role', (h: TestHost) => void (h.users.get('ashley')!.permissions = ['impersonate'])],
    ['the actor loses the permission', (h: TestHost) => void (h.users.get('avery')!.permissions = [])],
    ['the actor is deactivated', (h: TestHost) => void (h.users.get('avery')!.active = false)],
  ])('ends on the next request when %s (cause ineligible), never served as the subject', async (_name, change) => {
    host = await startHost();
    const avery = await host.signIn('avery');
    await avery.start('ashley');
    change(host);
    const who = (await avery.get('/whoami')).json.onBehalf;
    expect(who.active).toBe(false);
    expect(who.userId).not.toBe('ashley');
    expect(host.audit.events.at(-1)).toMatchObject({ type: 'ended', cause: 'ineligible' });
  });

  it('a revoked session ends on the next request', async () => {
    host = await startHost();
    const avery = await host.signIn('avery');
    const { sessionId } = (await avery.start('ashley')).json.session;
    expect(await host.ob.revoke({ sessionId })).toBe(1);
    expect((await avery.get('/whoami')).json.onBehalf).toEqual({ active: false, userId: 'avery' });
    expect(host.audit.events.filter((e) => e.type === 'ended')).toEqual([expect.objectContaining({ cause: 'revoked' })]);
  });

  it('with the store down, answers 503 and serves nobody as anyone', async () => {
    const real = memoryStore();
    let down = false;
    const call =
      <K extends 'create' | 'get' | 'touch' | 'end' | 'list'>(k: K) =>
      (...args: any[]) =>
        down ? Promise.reject(new Error('ECONNREFUSED')) : (real[k] as any)(...args);
    const flaky: ImpersonationStore = { create: call('create'), get: call('get'), touch: call('touch'), end: call('end'), list: call('list') };
    host = await startHost({ store: flaky });
    const avery = await host.signIn('avery');
    await avery.start('ashley');
    down = true;
    for (const r of [await avery.get('/whoami'), await avery.post('/notes', {}), await avery.get('/onbehalf/status')]) {
      expect(r.status).toBe(503);
      expect(r.json.error.code).toBe('STORE_UNAVAILABLE');
    }
    const other = await host.signIn('sam');
    const start = await other.start('bob');
    expect(start.status).toBe(503);
    expect(start.json.error.code).toBe('STORE_UNAVAILABLE');
    down = false;
    expect((await avery.get('/whoami')).json.onBehalf.userId).toBe('ashley');
  });
});

describe('events for the host', () => {
  it('emits started, ended and denied', async () => {
    host = await startHost();
    const seen: string[] = [];
    host.ob.on('started', (s) => seen.push(`started:${s.subject.id}`));
    host.ob.on('ended', (s, cause) => seen.push(`ended:${s.subject.id}:${cause}`));
    host.ob.on('denied', (d) => seen.push(`denied:${d.code}`));
    const avery = await host.signIn('avery');
    await avery.start('ivan');
    await avery.start('ashley');
    await avery.stop();
    expect(seen).toEqual(['denied:TARGET_INACTIVE', 'started:ashley', 'ended:ashley:exit']);
  });
});

describe('the auditors’ API under basePath', () => {
  it('lets holders of audit:read query the session, and nobody else', async () => {
    host = await startHost();
    const avery = await host.signIn('avery');
    const { sessionId } = (await avery.start('ashley')).json.session;
    await avery.post('/notes', { text: 'x' });
    await avery.stop();
    const aud = await host.signIn('aud');
    const page = await aud.get('/onbehalf/audit?subject=ashley');
    expect(page.status).toBe(200);
    expect(page.json.events.map((e: any) => e.type).sort()).toEqual(['action', 'ended', 'outcome', 'started']);
    const view = await aud.get(`/onbehalf/audit/sessions/${sessionId}`);
    expect(view.status).toBe(200);
    expect(JSON.stringify(view.json)).toContain('/notes');
    expect((await avery.get('/onbehalf/audit')).status).toBe(403);
    expect((await (await host.signIn('bob')).get('/onbehalf/audit')).status).toBe(403);
  });
});
