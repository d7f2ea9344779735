import { afterEach, describe, expect, it } from 'vitest';
import { memorySubjectStore, type AccessNotice } from '../../../../server/index.js';
import { startHost, type TestHost } from '../../../helpers/host.js';

let host: TestHost;
afterEach(async () => host?.close());

/** Avery works on Ashley's behalf, writes once, and exits. */
async function visit(reason = 'Ticket 481: check-in button missing', ticket = 'SUP-481') {
  const avery = await host.signIn('avery');
  expect((await avery.start('ashley', reason, { ticket })).status).toBe(200);
  expect((await avery.post('/notes', { text: 'fixed it' })).status).toBe(201);
  expect((await avery.stop()).status).toBe(200);
  await host.ob.settled();
  return avery;
}

describe('the subject is told', () => {
  it('keeps every session in the subject’s access history, newest first, with who, why, how long and what changed', async () => {
    host = await startHost();
    await visit('First visit: looking at the OKR list');
    await visit('Second visit: fixing the check-in');
    const ashley = await host.signIn('ashley');
    const r = await ashley.get('/onbehalf/me/access');
    expect(r.status).toBe(200);
    expect(r.headers.get('cache-control')).toBe('no-store');
    const [newest, oldest] = r.json.sessions;
    expect(r.json.sessions).toHaveLength(2);
    expect(newest).toMatchObject({ actor: { id: 'avery', name: 'Avery Admin' }, subject: { id: 'ashley' }, reason: 'Second visit: fixing the check-in', ticket: 'SUP-481', cause: 'exit' });
    expect(oldest.reason).toBe('First visit: looking at the OKR list');
    expect(newest.endedAt).toBeGreaterThanOrEqual(newest.startedAt);
    expect(newest.actions).toEqual([expect.objectContaining({ method: 'POST', path: '/notes', status: 201 })]);
    expect(newest.dismissedAt).toBeUndefined();
    // Nobody else's history holds it.
    const bob = await host.signIn('bob');
    expect((await bob.get('/onbehalf/me/access')).json.sessions).toEqual([]);
  });

  it('shows a live session to the subject, and never lets the acting admin read or dismiss the subject’s notices', async () => {
    host = await startHost({ banner: true });
    await visit();
    const ashley = await host.signIn('ashley');
    const sessionId = (await ashley.get('/onbehalf/me/access')).json.sessions[0].sessionId;
    const avery = await host.signIn('avery');
    await avery.start('ashley', 'Second look at the check-in issue');
    const live = (await ashley.get('/onbehalf/me/access')).json.sessions[0];
    expect(live).toMatchObject({ actor: { id: 'avery' }, reason: 'Second look at the check-in issue' });
    expect(live.endedAt).toBeUndefined();

    const read = await avery.get('/onbehalf/me/access');
    expect(read.status).toBe(403);
    expect(read.json.error.code).toBe('BLOCKED_WHILE_ACTING');
    const dismiss = await avery.post(`/onbehalf/me/notices/${sessionId}/dismiss`);
    expect(dismiss.status).toBe(403);
    // The acting admin's pages carry the warning banner, not the subject's notice.
    const page = await avery.request('GET', '/', { headers: { accept: 'text/html' } });
    expect(page.text).toContain('data-onbehalf-banner');
    expect(page.text).not.toContain('data-onbehalf-notice');
    expect((await ashley.get('/onbehalf/me/access')).json.sessions[1].dismissedAt).toBeUndefined();
  });

  it('puts the notice on the subject’s next page, escaped, until they dismiss it; it stays in the history', async () => {
    host = await startHost({ banner: true, subject: { historyPage: '/account/access' } });
    await visit('Checking <script>alert(1)</script> as asked', 'SUP-"9"');
    const ashley = await host.signIn('ashley');
    const page = await ashley.request('GET', '/', { headers: { accept: 'text/html' } });
    expect(page.text).toContain('data-onbehalf-notice');
    expect(page.text).toContain('<bdi>Avery Admin</bdi> worked on your behalf on');
    expect(page.text).toContain('1 change made for you:');
    expect(page.text).toContain('<code>POST <bdi>/notes</bdi></code>');
    expect(page.text).toContain('href="/account/access"');
    expect(page.text).not.toContain('<script>alert(1)');
    expect(page.text).toContain('&#60;script&#62;alert(1)&#60;/script&#62;');
    // JSON answers are left alone.
    expect((await ashley.get('/whoami')).text).not.toContain('onbehalf-notice');

    const sessionId = /me\/notices\/([^/]+)\/dismiss/.exec(page.text)![1];
    const token = /name="_csrf" value="([^"]+)"/.exec(page.text)![1];
    const dismissed = await ashley.request('POST', `/onbehalf/me/notices/${sessionId}/dismiss`, { form: { _csrf: token }, headers: { referer: `${host.url}/` } });
    expect(dismissed.status).toBe(303);
    expect(dismissed.headers.get('location')).toBe('/');
    expect((await ashley.request('GET', '/', { headers: { accept: 'text/html' } })).text).not.toContain('data-onbehalf-notice');
    const [entry] = (await ashley.get('/onbehalf/me/access')).json.sessions;
    expect(entry.sessionId).toBe(sessionId);
    expect(entry.dismissedAt).toBeGreaterThan(0);
  });

  it('calls the notify hook with the subject and the entry; a failing hook is reported and breaks nothing', async () => {
    const told: AccessNotice[] = [];
    let fail = false;
    host = await startHost({
      subject: {
        notify: async (n) => {
          if (fail) throw new Error('smtp down');
          told.push(n);
        },
      },
    });
    await visit();
    expect(told).toHaveLength(1);
    expect(told[0].subject.email).toBe('ashley@contoso.test');
    expect(told[0].entry).toMatchObject({ actor: { id: 'avery' }, cause: 'exit', actions: [expect.objectContaining({ path: '/notes' })] });
    fail = true;
    await visit();
    expect(host.warnings.filter((w) => w.includes('notify hook failed'))).toEqual([expect.stringContaining('smtp down')]);
    const ashley = await host.signIn('ashley');
    expect((await ashley.get('/onbehalf/me/access')).json.sessions).toHaveLength(2);
  });

  it('with notices off, shows nothing unprompted but keeps the history', async () => {
    const told: AccessNotice[] = [];
    host = await startHost({ banner: true, subject: { notices: false, notify: (n) => void told.push(n) } });
    await visit();
    // The host's own channel is still told.
    expect(told.map((n) => n.entry.actor.id)).toEqual(['avery']);
    const ashley = await host.signIn('ashley');
    expect((await ashley.request('GET', '/', { headers: { accept: 'text/html' } })).text).not.toContain('data-onbehalf-notice');
    const [entry] = (await ashley.get('/onbehalf/me/access')).json.sessions;
    expect(entry.actor.id).toBe('avery');
    expect(entry.dismissedAt).toBe(entry.endedAt);
  });

  it('a subject store that can’t be read costs the notice, never the page', async () => {
    const store = memorySubjectStore();
    host = await startHost({ banner: true, subject: { store: { ...store, listAccess: () => Promise.reject(new Error('down')) } } });
    const ashley = await host.signIn('ashley');
    const page = await ashley.request('GET', '/', { headers: { accept: 'text/html' } });
    expect(page.status).toBe(200);
    expect(page.text).toContain('Home of ashley');
    expect(host.warnings.some((w) => w.includes('could not read the notices'))).toBe(true);
    const api = await ashley.get('/onbehalf/me/access');
    expect(api.status).toBe(503);
    expect(api.json.error.code).toBe('STORE_UNAVAILABLE');
  });

  it('records sessions that end by revocation too', async () => {
    host = await startHost();
    const avery = await host.signIn('avery');
    await avery.start('ashley');
    expect(await host.ob.revoke({ subjectId: 'ashley' })).toBe(1);
    await host.ob.settled();
    const ashley = await host.signIn('ashley');
    expect((await ashley.get('/onbehalf/me/access')).json.sessions[0].cause).toBe('revoked');
  });

  it('lets auditors read anyone’s history, and nobody else', async () => {
    host = await startHost();
    await visit();
    const aud = await host.signIn('aud');
    const r = await aud.get('/onbehalf/subjects/ashley/access');
    expect(r.status).toBe(200);
    expect(r.json.sessions[0].actor.id).toBe('avery');
    const bob = await host.signIn('bob');
    const refused = await bob.get('/onbehalf/subjects/ashley/access');
    expect(refused.status).toBe(403);
    expect(refused.json.error.code).toBe('NOT_ALLOWED');
    expect((await host.client().get('/onbehalf/me/access')).status).toBe(401);
  });

  it('answers bad dismissals with typed errors', async () => {
    host = await startHost();
    const ashley = await host.signIn('ashley');
    const missing = await ashley.post('/onbehalf/me/notices/nope/dismiss');
    expect(missing.status).toBe(404);
    expect(missing.json.error.code).toBe('NOTICE_NOT_FOUND');
    const get = await ashley.get('/onbehalf/me/notices/nope/dismiss');
    expect(get.status).toBe(405);
    const noToken = await ashley.request('POST', '/onbehalf/me/notices/nope/dismiss', { body: {} });
    expect(noToken.status).toBe(403);
    expect(noToken.json.error.code).toBe('CSRF');
  });
});

describe('attribution', () => {
  it('gives host code the subject as author and the actor as "on behalf of", joined to the audit action by id', async () => {
    host = await startHost();
    const bob = await host.signIn('bob');
    expect((await bob.post('/rows', { text: 'mine' })).json.row).toEqual({ text: 'mine', authorId: 'bob' });
    const avery = await host.signIn('avery');
    await avery.start('ashley');
    const { row } = (await avery.post('/rows', { text: 'on her behalf' })).json;
    expect(row).toMatchObject({ authorId: 'ashley', onBehalfBy: { id: 'avery', name: 'Avery Admin' } });
    const action = host.audit.events.find((e) => e.type === 'action' && e.path === '/rows');
    expect(action).toMatchObject({ id: row.actionId, sessionId: row.sessionId, actor: { id: 'avery' }, subject: { id: 'ashley' } });
  });
});
