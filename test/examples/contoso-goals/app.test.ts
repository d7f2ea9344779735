import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Client } from '../../helpers/http.js';
import { startDemo, type RunningDemo } from './start-demo.js';

let d: RunningDemo;
beforeAll(async () => {
  d = await startDemo();
});
afterAll(async () => d?.close());

/** A JSON post with the session's CSRF token (csrf-sync keeps one token per session for the host and onbehalf). */
const post = (c: Client, path: string, body: unknown) => c.post(path, body);
const metric = (id: string) => ({ ...d.demo.state.metric(id)! });

describe('sign-in', () => {
  it('the sign-in page says it is a demo and lists every account', async () => {
    const page = (await d.client().get('/login')).text;
    expect(page).toContain('This is a demo.');
    for (const u of d.demo.state.users) expect(page).toContain(u.email);
    expect(page).toContain('<code>demo</code>');
  });

  it('signs in with JSON and with a form; signed-out pages go to /login', async () => {
    const c = d.client();
    const before = await c.get('/');
    expect(before.status).toBe(303);
    expect(before.headers.get('location')).toBe('/login');
    const form = await c.request('POST', '/login', { form: { email: 'ASHLEY@contoso.test ', password: 'demo' } });
    expect(form.status).toBe(303);
    expect(form.headers.get('location')).toBe('/');
    expect((await c.get('/')).text).toContain('Grow the EMEA pipeline');
    const json = await d.client().request('POST', '/login', { body: { email: 'avery@contoso.test', password: 'demo' } });
    expect(json.status).toBe(200);
    expect(json.json.user).toEqual({ id: 'avery', name: 'Avery Admin', email: 'avery@contoso.test' });
  });

  it('wrong password, unknown email, inactive user and bad input are 4xx with a clear message, never 500', async () => {
    const c = d.client();
    const cases: Array<[unknown, number, string]> = [
      [{ email: 'avery@contoso.test', password: 'nope' }, 401, 'Wrong email or password.'],
      [{ email: 'nobody@contoso.test', password: 'demo' }, 401, 'Wrong email or password.'],
      [{ email: 'ivan@contoso.test', password: 'demo' }, 403, 'This account is deactivated.'],
      [{ email: 'avery@contoso.test' }, 400, 'Enter your password.'],
      [{ email: ['a'], password: 'demo' }, 400, 'Enter your email address.'],
      [{ email: 'a\u0000b@contoso.test', password: 'demo' }, 400, 'control characters'],
      [[1, 2], 400, 'Enter your email address.'],
    ];
    for (const [body, status, message] of cases) {
      const r = await c.request('POST', '/login', { body });
      expect(r.status, JSON.stringify(body)).toBe(status);
      expect(r.json.error.message).toContain(message);
    }
    const broken = await c.request('POST', '/login', { raw: '{"email":', headers: { 'content-type': 'application/json' } });
    expect(broken.status).toBe(400);
    expect(broken.json.error.code).toBe('BAD_REQUEST');
    // A form gets a readable page, not JSON.
    const page = await c.request('POST', '/login', { form: { email: 'avery@contoso.test', password: 'wrong' } });
    expect(page.status).toBe(401);
    expect(page.headers.get('content-type')).toMatch(/html/);
    expect(page.text).toContain('Wrong email or password.');
    const cross = await c.request('POST', '/login', { body: { email: 'avery@contoso.test', password: 'demo' }, headers: { origin: 'https://evil.test' } });
    expect(cross.status).toBe(403);
  });

  it('logout needs the CSRF token, then signs out', async () => {
    const c = await d.signIn('ben@contoso.test');
    const forged = await c.request('POST', '/logout', { form: {} });
    expect(forged.status).toBe(403);
    expect((await c.get('/')).status).toBe(200);
    const r = await c.post('/logout', {});
    expect(r.status).toBe(200);
    expect((await c.get('/')).status).toBe(303);
  });
});

describe('OKR actions are guarded by the permission model, for the effective user', () => {
  it('a check-in owner may check in but not edit; the refusal names the rule', async () => {
    const ben = await d.signIn('ben@contoso.test');
    const before = metric('kr-opps');
    const ok = await post(ben, '/okrs/kr-opps/check-ins', { value: 44, note: 'Two more from the partner event' });
    expect(ok.status).toBe(200);
    expect(d.demo.state.metric('kr-opps')!.current).toBe(44);
    const edit = await post(ben, '/okrs/kr-opps/edit', { title: 'Renamed by Ben' });
    expect(edit.status).toBe(403);
    expect(edit.json.error).toMatchObject({ code: 'FORBIDDEN', rule: 'NO_ACCESS' });
    expect(d.demo.state.okr('kr-opps')!.title).toBe('Qualified opportunities per quarter');
    d.demo.state.checkIn('kr-opps', before.current, 'reset by the test', { by: { id: 'ashley', name: 'Ashley' } }, Date.now());
  });

  it('Avery (tenant administrator) may not check in on Ashley’s key result as herself; the page shows why', async () => {
    const avery = await d.signIn('avery@contoso.test');
    const r = await post(avery, '/okrs/kr-opps/check-ins', { value: 99 });
    expect(r.status).toBe(403);
    expect(r.json.error.rule).toBe('NO_ACCESS');
    expect(d.demo.state.metric('kr-opps')!.current).not.toBe(99);
    const page = (await avery.get('/okrs/kr-opps')).text;
    expect(page).not.toContain('data-testid="check-in-form"');
    expect(page).toMatch(/data-action="check-in" data-allowed="false"/);
    expect(page).toContain('no rule gives this access');
  });

  it('an edit grant allows editing; a closed key result takes no check-in until its owner reopens it', async () => {
    const ashley = await d.signIn('ashley@contoso.test');
    const edited = await post(ashley, '/okrs/kr-logos/edit', { title: 'New customer logos (EMEA)', target: 9 });
    expect(edited.status).toBe(200);
    expect(d.demo.state.okr('kr-logos')!.title).toBe('New customer logos (EMEA)');
    expect(d.demo.state.metric('kr-logos')!.target).toBe(9);

    const closed = await post(ashley, '/okrs/kr-cycle/check-ins', { value: 40 });
    expect(closed.status).toBe(403);
    expect(closed.json.error.rule).toBe('OKR_CLOSED');
    const ben = await d.signIn('ben@contoso.test');
    expect((await post(ben, '/okrs/kr-cycle/reopen', {})).status).toBe(403);
    expect((await post(ashley, '/okrs/kr-cycle/reopen', {})).status).toBe(200);
    expect(d.demo.state.okr('kr-cycle')!.status).toBe('open');
    expect((await post(ashley, '/okrs/kr-cycle/check-ins', { value: 44 })).status).toBe(200);
    expect((await post(ashley, '/okrs/kr-cycle/close', {})).status).toBe(200);
    expect(d.demo.state.okr('kr-cycle')!.status).toBe('closed');
  });

  it('a form check-in redirects back to the OKR page and shows up in the feed with the doer', async () => {
    const morgan = await d.signIn('morgan@contoso.test');
    const token = await morgan.csrf();
    const r = await morgan.request('POST', '/okrs/kr-opps/comments', { form: { _csrf: token, text: 'Nice work, <b>team</b>' } });
    expect(r.status).toBe(303);
    expect(r.headers.get('location')).toBe('/okrs/kr-opps');
    const feed = (await morgan.get('/activity')).text;
    expect(feed).toContain('<strong>Morgan Manager</strong> commented on');
    expect(feed).toContain('Nice work, &lt;b&gt;team&lt;/b&gt;');
    expect(feed).not.toContain('<b>team</b>');
  });

  it('private OKRs: even the org owner gets 404 and sees none of their activity; the owner sees them', async () => {
    const olivia = await d.signIn('olivia@contoso.test');
    const r = await olivia.get('/okrs/o-priya');
    expect(r.status).toBe(404);
    expect(r.text).not.toContain('promotion');
    expect((await olivia.get('/activity')).text).not.toContain('Peer reviews collected');
    expect((await post(olivia, '/okrs/kr-priya/comments', { text: 'hello' })).status).toBe(404);
    const priya = await d.signIn('priya@contoso.test');
    expect((await priya.get('/okrs/o-priya')).text).toContain('Prepare my promotion case');
    expect((await priya.get('/')).text).toContain('Prepare my promotion case');
  });

  it('the team pages show the tree and a team’s OKRs', async () => {
    const ben = await d.signIn('ben@contoso.test');
    const tree = (await ben.get('/teams')).text;
    expect(tree.indexOf('Sales EMEA')).toBeGreaterThan(tree.indexOf('>Sales<'));
    const emea = (await ben.get('/teams/sales-emea')).text;
    expect(emea).toContain('Grow the EMEA pipeline');
    expect(emea).toContain('href="/teams/sales"');
    expect((await ben.get('/teams/nope')).status).toBe(404);
  });
});

describe('clone into the team the user picks (P9)', () => {
  it('offers each team with where the clone would go, and clones into the pick when the user may create there, else as an individual OKR', async () => {
    const chris = await d.signIn('chris@contoso.test');
    const page = (await chris.get('/okrs/o-emea')).text;
    expect(page).toContain('data-testid="clone-form"');
    // Chris is in Engineering (members create) and Platform (owners only), not in Sales EMEA.
    expect(page).toContain('Automatic: as your individual OKR');
    expect(page).toMatch(/<option value="engineering" data-level="team">Engineering<\/option>/);
    expect(page).toMatch(/<option value="platform" data-level="individual">Platform \(you can’t create OKRs there: as your individual OKR\)/);

    const into = await post(chris, '/okrs/o-emea/clone', { teamId: 'engineering' });
    expect(into.status).toBe(200);
    expect(into.json.destination).toEqual({ level: 'team', teamId: 'engineering', orgId: 'contoso' });
    const copy = d.demo.state.okr(into.json.okr.id)!;
    expect(copy).toMatchObject({ title: 'Copy of Grow the EMEA pipeline', level: 'team', teamId: 'engineering', owners: ['chris'], creatorId: 'chris' });
    expect((await chris.get(`/okrs/${copy.id}`)).text).toContain('Copy of Grow the EMEA pipeline');

    const refused = await post(chris, '/okrs/o-emea/clone', { teamId: 'platform' });
    expect(refused.json.destination).toEqual({ level: 'individual', orgId: 'contoso' });
    expect(d.demo.state.okr(refused.json.okr.id)).toMatchObject({ level: 'individual', owners: ['chris'] });
    // No pick: the automatic choice. Taylor owns Platform, so her pick of it is a team OKR.
    expect((await post(chris, '/okrs/o-emea/clone', {})).json.destination).toEqual({ level: 'individual', orgId: 'contoso' });
    const taylor = await d.signIn('taylor@contoso.test');
    expect((await post(taylor, '/okrs/o-emea/clone', { teamId: 'platform' })).json.destination).toEqual({ level: 'team', teamId: 'platform', orgId: 'contoso' });
  });

  it('a form post lands on the copy; a team that does not exist is 400 and clones nothing', async () => {
    const chris = await d.signIn('chris@contoso.test');
    const before = d.demo.state.okrs().length;
    for (const teamId of ['nope', 'constructor', ['engineering']]) {
      const r = await post(chris, '/okrs/o-emea/clone', { teamId });
      expect(r.status, JSON.stringify(teamId)).toBe(400);
      expect(r.json.error.code).toBe('BAD_REQUEST');
    }
    expect(d.demo.state.okrs().length).toBe(before);
    const form = await chris.request('POST', '/okrs/o-trust/clone', { form: { teamId: 'engineering', _csrf: await chris.csrf() } });
    expect(form.status).toBe(303);
    expect(form.headers.get('location')).toMatch(/^\/okrs\/o-trust-copy-\d+$/);
    expect((await chris.get('/okrs/o-priya')).status).toBe(404);
    expect((await post(chris, '/okrs/o-priya/clone', {})).status).toBe(404);
  });
});

describe('bad input on every route: 4xx with a clear message, no state change', () => {
  it('check-in, edit and comment bodies', async () => {
    const ashley = await d.signIn('ashley@contoso.test');
    const before = metric('kr-opps');
    const title = d.demo.state.okr('kr-opps')!.title;
    const cases: Array<[string, unknown, string]> = [
      ['/okrs/kr-opps/check-ins', {}, 'The value is required.'],
      ['/okrs/kr-opps/check-ins', { value: 'lots' }, 'The value must be a number.'],
      ['/okrs/kr-opps/check-ins', { value: '1e400' }, 'The value must be a number.'],
      ['/okrs/kr-opps/check-ins', { value: 1e12 }, 'out of range'],
      ['/okrs/kr-opps/check-ins', { value: 50, note: 'x'.repeat(501) }, 'at most 500'],
      ['/okrs/kr-opps/check-ins', { value: 50, note: 'bell\u0007' }, 'control characters'],
      ['/okrs/o-emea/check-ins', { value: 50 }, 'check in on a key result'],
      ['/okrs/kr-opps/edit', { title: '   ' }, 'The title is required.'],
      ['/okrs/kr-opps/edit', { title: 'x'.repeat(201) }, 'at most 200'],
      ['/okrs/kr-opps/edit', { title: { $ne: 1 } }, 'The title is required.'],
      ['/okrs/o-emea/edit', { title: 'ok', target: 3 }, 'Only key results have a target.'],
      ['/okrs/kr-opps/comments', { text: '' }, 'The comment is required.'],
    ];
    for (const [path, body, message] of cases) {
      const r = await post(ashley, path, body);
      expect(r.status, `${path} ${JSON.stringify(body)}`).toBe(400);
      expect(r.json.error.code).toBe('BAD_REQUEST');
      expect(r.json.error.message).toContain(message);
    }
    expect(metric('kr-opps')).toEqual(before);
    expect(d.demo.state.okr('kr-opps')!.title).toBe(title);
    const big = await post(ashley, '/okrs/kr-opps/comments', { text: 'x'.repeat(20_000) });
    expect(big.status).toBe(413);
  });

  it('a form with bad input gets a readable page; unknown OKRs 404; GET on actions 405; no CSRF 403', async () => {
    const ashley = await d.signIn('ashley@contoso.test');
    const token = await ashley.csrf();
    const page = await ashley.request('POST', '/okrs/kr-opps/check-ins', { form: { _csrf: token, value: 'abc' } });
    expect(page.status).toBe(400);
    expect(page.headers.get('content-type')).toMatch(/html/);
    expect(page.text).toContain('The value must be a number.');
    expect(page.text).toContain('Back to My OKRs');

    expect((await ashley.get('/okrs/does-not-exist')).status).toBe(404);
    expect((await post(ashley, '/okrs/does-not-exist/check-ins', { value: 1 })).status).toBe(404);
    expect((await ashley.get('/okrs/%E0%A4%A')).status).toBe(400);
    const get = await ashley.get('/okrs/kr-opps/check-ins');
    expect(get.status).toBe(405);
    expect(get.headers.get('allow')).toBe('POST');
    const noToken = await ashley.request('POST', '/okrs/kr-opps/check-ins', { body: { value: 50 } });
    expect(noToken.status).toBe(403);
    expect(noToken.json.error.code).toBe('CSRF');
    const crossSite = await ashley.request('POST', '/okrs/kr-opps/check-ins', { body: { value: 50 }, headers: { 'x-csrf-token': token, 'sec-fetch-site': 'cross-site' } });
    expect(crossSite.status).toBe(403);
    const signedOut = await d.client().request('POST', '/okrs/kr-opps/check-ins', { body: { value: 50 } });
    expect(signedOut.status).toBe(401);
    expect((await ashley.get('/no/such/page')).status).toBe(404);
  });

  it('admin pages need the right permission and valid filters', async () => {
    const ashley = await d.signIn('ashley@contoso.test');
    expect((await ashley.get('/admin/users')).status).toBe(403);
    expect((await ashley.get('/admin/audit')).status).toBe(403);
    expect((await ashley.get('/onbehalf/audit')).status).toBe(403);
    const audrey = await d.signIn('audrey@contoso.test');
    expect((await audrey.get('/admin/users')).status).toBe(403);
    expect((await audrey.get('/admin/audit')).status).toBe(200);
    const avery = await d.signIn('avery@contoso.test');
    for (const q of ['type=nope', 'from=yesterday', 'from=2026-11-25T10:00&to=2026-11-25T09:00', 'extra=1', 'actor=a&actor=b']) {
      const r = await avery.get(`/admin/audit?${q}`);
      expect(r.status, q).toBe(400);
      expect(r.text).not.toMatch(/\n\s+at /);
    }
    expect((await avery.get('/admin/users/nobody/work-on-behalf')).status).toBe(404);
    const token = await avery.csrf();
    const short = await avery.request('POST', '/admin/users/ashley/work-on-behalf', { form: { _csrf: token, reason: 'short' } });
    expect(short.status).toBe(400);
    expect(short.text).toContain('The reason must explain why, in at least 10 characters.');
    expect(short.text).toContain('>short</textarea>');
    const json = await avery.post('/admin/users/ashley/work-on-behalf', { reason: 'Checking her key results', readOnly: 'maybe' });
    expect(json.status).toBe(400);
  });
});

describe('seed', () => {
  it('is deterministic and wires W4 from the OKR model: only Priya has private objectives', async () => {
    const { demoSeed } = await import('../../../examples/contoso-goals/seed.js');
    expect(JSON.stringify(demoSeed())).toBe(JSON.stringify(demoSeed()));
    const withPrivate = d.demo.state.users.filter((u) => d.demo.state.model.hasPrivateObjectives(u.id)).map((u) => u.id);
    expect(withPrivate).toEqual(['priya']);
  });
});
