import session from 'express-session';
import { afterEach, describe, expect, it } from 'vitest';
import { recordTypes } from '../../helpers/host.js';
import { startIdentityHost, type IdentityHost } from '../../helpers/identity-host.js';

let host: IdentityHost | undefined;
afterEach(async () => {
  await host?.close();
  host = undefined;
});

/** What the session store holds for every session (the truth, whatever a request was shown). */
const stored = (h: IdentityHost) =>
  new Promise<any[]>((resolve, reject) => h.sessionStore.all!((err: unknown, all: any) => (err ? reject(err) : resolve(Object.values(all ?? {})))));

describe("sessionKeyIdentity('userId')", () => {
  it('while acting, reads of req.session.userId see the subject; the store keeps the actor; exit gives the actor back', async () => {
    host = await startIdentityHost({ signIn: 'session-key' });
    const admin = await host.signIn('avery');
    expect((await admin.start(2 as unknown as string)).status).toBe(200);
    const me = (await admin.get('/me')).json;
    expect(me.me).toMatchObject({ id: 2, username: 'ashley' });
    expect(me.onBehalf.actor).toEqual({ id: 1, name: 'Avery Admin' });
    expect((await admin.post('/notes', { text: 'x' })).json.owner).toBe(2);
    expect(host.notes).toEqual([{ owner: 2, text: 'x' }]);
    expect((await stored(host)).map((s) => s.userId)).toEqual([1]);
    expect((await admin.stop()).status).toBe(200);
    expect((await admin.get('/me')).json.me).toMatchObject({ id: 1 });
  });

  it('an acting request that changes nothing saves nothing: express-session sees the session it loaded', async () => {
    const sessionStore = new session.MemoryStore();
    let writes = 0;
    const set = sessionStore.set.bind(sessionStore);
    sessionStore.set = (sid, sess, cb) => (writes++, set(sid, sess, cb));
    host = await startIdentityHost({ signIn: 'session-key', sessionStore });
    const admin = await host.signIn('avery');
    await admin.start('2');
    await admin.get('/me');
    writes = 0;
    for (let i = 0; i < 5; i++) expect((await admin.get('/me')).json.me).toMatchObject({ id: 2 });
    expect(writes).toBe(0);
    // The store still holds the actor's own sign-in.
    await admin.post('/notes', { text: 'x' });
    expect((await stored(host)).map((s) => s.userId)).toEqual([1]);
  });

  it('a host that signs in by writing the key while acting ends the impersonation first (relogin), never a mix', async () => {
    host = await startIdentityHost({ signIn: 'session-key' });
    const admin = await host.signIn('avery');
    await admin.start('2');
    expect((await admin.post('/switch', { username: 'bob' })).status).toBe(200);
    expect(recordTypes(host)).toEqual(['started', 'action', 'ended:relogin']);
    const me = (await admin.get('/me')).json;
    expect(me.me).toMatchObject({ id: 3 });
    expect(me.onBehalf).toEqual({ active: false, userId: '3' });
  });

  it('a sign-in by writing the key while acting keeps none of the data set as the subject', async () => {
    host = await startIdentityHost({ signIn: 'session-key' });
    const admin = await host.signIn('avery');
    await admin.post('/prefs', { pref: 'avery-own' });
    await admin.start('2');
    await admin.post('/prefs', { pref: 'set-as-the-subject' });
    expect((await admin.post('/switch', { username: 'bob' })).status).toBe(200);
    const me = (await admin.get('/me')).json;
    expect(me).toMatchObject({ me: { id: 3 }, onBehalf: { active: false } });
    expect(me.pref).toBeUndefined();
    // What the new sign-in sets is its own.
    await admin.post('/prefs', { pref: 'bob-own' });
    expect((await admin.get('/me')).json.pref).toBe('bob-own');
  });

  it('the login and logout routes while acting end it first (host-sign-in, host-sign-out): no action, the host\'s own sign-in and logout as usual', async () => {
    host = await startIdentityHost({ signIn: 'session-key' });
    const admin = await host.signIn('avery');
    await admin.start('2');
    await host.signIn('bob', admin);
    expect(recordTypes(host)).toEqual(['started', 'ended:host-sign-in']);
    expect((await admin.get('/me')).json.me).toMatchObject({ id: 3 });
    await host.signIn('avery', admin);
    await admin.start('2');
    expect((await admin.post('/logout')).status).toBe(200);
    expect(recordTypes(host)).toEqual(['started', 'ended:host-sign-in', 'started', 'ended:host-sign-out']);
    expect((await admin.get('/me')).json.me).toBeNull();
  });

  it('elsewhere, a regenerate for a new sign-in ends it as relogin and a destroy as logout, each after its action and in place of its outcome', async () => {
    host = await startIdentityHost({ signIn: 'session-key', onbehalf: () => ({ signInPaths: [], signOutPaths: [] }) });
    const admin = await host.signIn('avery');
    await admin.start('2');
    await host.signIn('avery', admin);
    expect(recordTypes(host)).toEqual(['started', 'action', 'ended:relogin']);
    expect((await admin.get('/me')).json.me).toMatchObject({ id: 1 });
    await admin.start('2');
    expect((await admin.post('/logout')).status).toBe(200);
    expect(recordTypes(host)).toEqual(['started', 'action', 'ended:relogin', 'started', 'action', 'ended:logout']);
    expect(host.audit.events.at(-1)).toMatchObject({ actionId: host.audit.events.at(-2)!.id, path: '/logout' });
    expect((await admin.get('/me')).json.me).toBeNull();
  });
});
