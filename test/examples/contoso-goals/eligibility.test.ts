import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ELIGIBILITY_MESSAGES } from '../../../shared/index.js';
import { startDemo, type RunningDemo } from './start-demo.js';

let d: RunningDemo;
beforeAll(async () => {
  d = await startDemo();
});
afterAll(async () => d?.close());

/** The seed's ineligible targets for Avery, and why (W3, W4, W5). */
const INELIGIBLE = {
  ivan: 'TARGET_INACTIVE',
  priya: 'TARGET_PRIVATE_OBJECTIVES',
  avery: 'TARGET_SELF',
  sam: 'TARGET_PRIVILEGED',
  audrey: 'TARGET_PRIVILEGED',
} as const;

describe('who Avery may work on behalf of, in the demo', () => {
  it('GET /onbehalf/users answers each seed user with the reason in words', async () => {
    const avery = await d.signIn('avery@contoso.test');
    const r = await avery.get('/onbehalf/users?limit=50');
    expect(r.status).toBe(200);
    const byId = new Map<string, { eligible: boolean; code?: string; message?: string }>(r.json.users.map((u: { id: string }) => [u.id, u]));
    expect(byId.size).toBe(d.demo.state.users.length);
    for (const [id, code] of Object.entries(INELIGIBLE)) {
      expect(byId.get(id), id).toMatchObject({ eligible: false, code, message: ELIGIBILITY_MESSAGES[code] });
    }
    for (const id of ['ashley', 'ben', 'chris', 'morgan', 'taylor', 'olivia']) expect(byId.get(id)?.eligible, id).toBe(true);
  });

  it('POST /onbehalf/start refuses each of them (JSON), changes nothing and audits the refusal', async () => {
    const avery = await d.signIn('avery@contoso.test');
    for (const [id, code] of Object.entries(INELIGIBLE)) {
      const r = await avery.start(id, 'Checking why the user cannot check in');
      expect(r.status, id).toBe(403);
      expect(r.json.error).toEqual({ code, message: ELIGIBILITY_MESSAGES[code] });
      expect((await avery.status()).active).toBe(false);
    }
    const denied = d.demo.audit.query({ type: 'denied', actor: 'avery' });
    expect((await denied).events.map((e) => e.code)).toEqual(Object.values(INELIGIBLE));
  });

  it('the confirm step’s form post is refused with a readable page that gives the reason', async () => {
    const avery = await d.signIn('avery@contoso.test');
    const token = await avery.csrf();
    const r = await avery.request('POST', '/onbehalf/start', {
      form: { _csrf: token, userId: 'priya', reason: 'Checking why the user cannot check in', returnTo: '/admin/users' },
    });
    expect(r.status).toBe(403);
    expect(r.headers.get('content-type')).toMatch(/html/);
    expect(r.text).toContain(ELIGIBILITY_MESSAGES.TARGET_PRIVATE_OBJECTIVES);
  });

  it('someone without the permission can neither list nor start, and Sam (a second admin) can act for Ashley but not for Avery', async () => {
    const morgan = await d.signIn('morgan@contoso.test');
    expect((await morgan.get('/onbehalf/users')).status).toBe(403);
    expect((await morgan.start('ashley')).json.error.code).toBe('NOT_ALLOWED');
    const sam = await d.signIn('sam@contoso.test');
    expect((await sam.start('avery')).json.error.code).toBe('TARGET_PRIVILEGED');
    const ok = await sam.start('ashley', 'Reproducing a check-in problem');
    expect(ok.status).toBe(200);
    expect((await sam.stop()).status).toBe(200);
  });

  it('while acting, every check runs as the subject: Ashley may check in, Admin pages are refused, and the change is attributed to both', async () => {
    const avery = await d.signIn('avery@contoso.test');
    expect((await avery.start('ashley', 'Ashley cannot see her check-in button', { ticket: 'SUP-42' })).status).toBe(200);
    const home = (await avery.get('/')).text;
    expect(home).toContain('data-testid="signed-in-as">Ashley<');
    expect(home).toContain('You are currently working on behalf of Ashley');
    expect(home).not.toContain('Admin › Users');
    expect((await avery.get('/admin/users')).status).toBe(403);
    expect((await avery.get('/admin/audit')).status).toBe(403);
    expect((await avery.get('/onbehalf/audit')).status).toBe(403);
    const r = await avery.post('/okrs/kr-modules/check-ins', { value: 2, note: 'Module two done' });
    expect(r.status).toBe(200);
    expect(r.json.checkIn).toMatchObject({ by: { id: 'ashley', name: 'Ashley' }, onBehalfBy: { id: 'avery', name: 'Avery Admin' } });
    expect((await avery.get('/activity')).text).toContain('by Avery Admin on behalf of Ashley');
    // Logout ends both identities, and the end is audited as such, with no action of the subject's for it.
    expect((await avery.post('/logout', {})).status).toBe(200);
    expect((await avery.get('/')).status).toBe(303);
    const ended = (await d.demo.audit.query({ type: 'ended', actor: 'avery' })).events.at(-1);
    expect(ended).toMatchObject({ cause: 'host-sign-out', method: 'POST', path: '/logout' });
    const actions = (await d.demo.audit.query({ sessionId: ended!.sessionId, type: 'action' })).events;
    expect(actions.map((e) => e.path)).toEqual(['/okrs/kr-modules/check-ins']);
  });
});

describe('read-only work on behalf', () => {
  it('shows Ashley’s pages without any change form, and refuses a check-in without changing anything', async () => {
    const avery = await d.signIn('avery@contoso.test');
    expect((await avery.start('ashley', 'Only looking at her key results', { readOnly: true })).status).toBe(200);
    const page = (await avery.get('/okrs/kr-opps')).text;
    expect(page).toContain('data-testid="read-only"');
    expect(page).not.toContain('data-testid="check-in-form"');
    expect(page).not.toContain('action="/okrs/kr-opps/close"');
    // The inspector still answers for Ashley herself.
    expect(page).toMatch(/data-action="check-in" data-allowed="true"/);
    const before = { ...d.demo.state.metric('kr-opps')! };
    const r = await avery.post('/okrs/kr-opps/check-ins', { value: 59 });
    expect(r.status).toBe(403);
    expect(r.json.error.code).toBe('READ_ONLY');
    expect(d.demo.state.metric('kr-opps')).toEqual(before);
    expect((await avery.stop()).status).toBe(200);
  });
});
