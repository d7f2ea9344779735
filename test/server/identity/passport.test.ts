import { afterEach, describe, expect, it } from 'vitest';
import { passportIdentity } from '../../../server/index.js';
import { recordTypes } from '../../helpers/host.js';
import { startIdentityHost, type IdentityHost } from '../../helpers/identity-host.js';

let host: IdentityHost | undefined;
afterEach(async () => {
  await host?.close();
  host = undefined;
});

describe.each([4, 5] as const)('passportIdentity on Express %i', (express) => {
  it("makes req.user the subject's own user object while acting, and the actor again after exit", async () => {
    host = await startIdentityHost({ signIn: 'passport', express });
    const admin = await host.signIn('avery');
    expect((await admin.start('2')).status).toBe(200);

    const me = (await admin.get('/me')).json;
    expect(me.me).toEqual({ id: 2, username: 'ashley', name: 'Ashley Kim', from: 'deserializeUser' });
    expect(me.authenticated).toBe(true);
    expect(me.onBehalf.actor).toEqual({ id: 1, name: 'Avery Admin' });
    expect(me.onBehalf.userId).toBe('2');

    // The host's route reads req.user.id, unchanged: the note is the subject's, the audit names the actor.
    expect((await admin.post('/notes', { text: 'on behalf' })).json.owner).toBe(2);
    const action = host.audit.events.find((e) => e.type === 'action')!;
    expect(action.actor).toEqual({ id: 1, name: 'Avery Admin' });
    expect(action.subject).toEqual({ id: 2, name: 'Ashley Kim' });

    expect((await admin.stop()).status).toBe(200);
    expect((await admin.get('/me')).json.me).toMatchObject({ id: 1, username: 'avery' });
  });

  it('signing in through the host\'s login route while acting ends the impersonation first (host-sign-in): no action, one ended, then passport signs in as usual', async () => {
    host = await startIdentityHost({ signIn: 'passport', express });
    const admin = await host.signIn('avery');
    await admin.start('2');
    await host.signIn('bob', admin);
    const me = (await admin.get('/me')).json;
    expect(me.me).toMatchObject({ id: 3, username: 'bob' });
    expect(me.onBehalf).toEqual({ active: false, userId: '3' });
    // Nothing of that request is on the record as the subject: its end, with the request, is all.
    expect(recordTypes(host)).toEqual(['started', 'ended:host-sign-in']);
    expect(host.audit.events.at(-1)).toMatchObject({ cause: 'host-sign-in', method: 'POST', path: '/login', actor: { id: 1 }, subject: { id: 2 } });
    expect((await admin.status()).active).toBe(false);
    expect((await admin.stop()).json.error.code).toBe('NOT_ACTING');
  });

  it('the logout route while acting: host-sign-out, no action, both identities signed out; the actor can sign in and start again', async () => {
    host = await startIdentityHost({ signIn: 'passport', express });
    const admin = await host.signIn('avery');
    await admin.start('2');
    expect((await admin.post('/logout')).status).toBe(200);
    expect((await admin.get('/me')).json).toMatchObject({ me: null, authenticated: false, onBehalf: { active: false } });
    expect(recordTypes(host)).toEqual(['started', 'ended:host-sign-out']);
    await host.signIn('avery', admin);
    expect((await admin.start('2')).status).toBe(200);
  });

  it('req.login / req.logout on a route onbehalf was not told of end it from inside the handler: its action, then ended carrying that action\'s id, no outcome', async () => {
    host = await startIdentityHost({ signIn: 'passport', express, onbehalf: () => ({ signInPaths: [], signOutPaths: [] }) });
    const admin = await host.signIn('avery');
    await admin.start('2');
    await host.signIn('bob', admin);
    expect((await admin.get('/me')).json.me).toMatchObject({ id: 3, username: 'bob' });
    expect(recordTypes(host)).toEqual(['started', 'action', 'ended:relogin']);
    const [, action, ended] = host.audit.events;
    expect(ended).toMatchObject({ cause: 'relogin', method: 'POST', path: '/login', actionId: action.id });

    await host.signIn('avery', admin);
    await admin.start('2');
    expect((await admin.post('/logout')).status).toBe(200);
    expect(recordTypes(host).slice(3)).toEqual(['started', 'action', 'ended:logout']);
    expect(host.audit.events.at(-1)).toMatchObject({ path: '/logout', actionId: host.audit.events.at(-2)!.id });
  });

  it('serializeUser storing an object: refused at start naming the fix without `user`, and works with it', async () => {
    host = await startIdentityHost({ signIn: 'passport', express, serializeObject: true, onbehalf: (p) => ({ identity: passportIdentity(p) }) });
    let admin = await host.signIn('avery');
    const r = await admin.start('2');
    expect(r.json.error.code).toBe('SIGN_IN_NOT_KEPT');
    expect(r.json.error.message).toMatch(/serializeUser stores an object.*user: \(id\)/);
    await host.close();

    host = await startIdentityHost({ signIn: 'passport', express, serializeObject: true });
    admin = await host.signIn('avery');
    expect((await admin.start('2')).status).toBe(200);
    expect((await admin.get('/me')).json.me).toEqual({ id: 2, username: 'ashley', name: 'Ashley Kim', from: 'deserializeUser' });
  });
});

describe('passport without its adapter', () => {
  it("keeps passport's session key across a start with a plain currentUser (no authSessionKeys needed)", async () => {
    host = await startIdentityHost({ signIn: 'passport', onbehalf: () => ({ identity: undefined, currentUser: (req: any) => req.session.passport?.user }) });
    const admin = await host.signIn('avery');
    expect((await admin.start('2')).status).toBe(200);
    // On the next request the admin is still signed in, and acting.
    expect((await admin.get('/me')).json.onBehalf).toMatchObject({ active: true, actor: { id: 1 } });
    expect((await admin.stop()).status).toBe(200);
    expect((await admin.get('/me')).json.me).toMatchObject({ id: 1 });
    expect(host.warnings.join('\n')).toMatch(/passportIdentity\(passport\)/);
  });

  it('refuses a start when currentUser reads only req.user (it would leave req.user the actor), naming passportIdentity', async () => {
    host = await startIdentityHost({ signIn: 'passport', onbehalf: () => ({ identity: undefined, currentUser: (req: any) => req.user?.id }) });
    const admin = await host.signIn('avery');
    const r = await admin.start('2');
    expect(r.status).toBe(409);
    expect(r.json.error).toMatchObject({ code: 'SIGN_IN_NOT_KEPT' });
    expect(r.json.error.message).toMatch(/passportIdentity/);
    expect((await admin.get('/me')).json.me).toMatchObject({ id: 1 });
    expect(recordTypes(host)).toEqual(['denied']);
  });
});
