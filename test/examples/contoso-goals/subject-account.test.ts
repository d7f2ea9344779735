import session from 'express-session';
import { afterEach, describe, expect, it } from 'vitest';
import { clock } from '../../helpers/clock.js';
import { startDemo, type RunningDemo } from './start-demo.js';

let running: RunningDemo | undefined;
afterEach(async () => {
  await running?.close();
  running = undefined;
});

/** The stored session behind a client's `connect.sid` cookie, as the session store holds it. */
function storedSession(store: session.MemoryStore, cookie: string | undefined) {
  const sid = decodeURIComponent(cookie ?? '').replace(/^s:/, '').split('.')[0];
  return new Promise<string | undefined>((resolve, reject) => store.get(sid, (err, s) => (err ? reject(err) : resolve(s ? JSON.stringify(s) : undefined))));
}
const allSessions = (store: session.MemoryStore) =>
  new Promise<Record<string, unknown>>((resolve, reject) => store.all((err, all) => (err ? reject(err) : resolve((all ?? {}) as Record<string, unknown>))));

describe('working on behalf of someone leaves their own account as it was', () => {
  it('start, acting (a check-in) and Exit: the subject’s own session is untouched and still works, their last sign-in is unchanged', async () => {
    const c = clock();
    const sessionStore = new session.MemoryStore();
    running = await startDemo({ sessionStore, now: c.now });
    // Ashley is signed in herself, in her own browser.
    const ashley = await running.signIn('ashley@contoso.test');
    expect((await ashley.get('/', { accept: 'text/html' })).status).toBe(200);
    const signedInAt = running.demo.state.lastSignIn('ashley');
    expect(signedInAt).toBe(c.now());
    const before = await storedSession(sessionStore, ashley.cookie());
    expect(before).toContain('"userId":"ashley"');

    c.advance(60_000);
    const avery = await running.signIn('avery@contoso.test');
    expect((await avery.start('ashley', 'Ashley cannot see her check-in button')).status).toBe(200);
    c.advance(60_000);
    expect((await avery.post('/okrs/kr-modules/check-ins', { value: 2, note: 'Module two done' })).status).toBe(200);
    expect((await avery.get('/', { accept: 'text/html' })).text).toContain('Ashley');
    c.advance(60_000);
    expect((await avery.stop()).status).toBe(200);

    // Her stored session is byte for byte what it was, and no other session of hers appeared.
    expect(await storedSession(sessionStore, ashley.cookie())).toBe(before);
    const sessions = Object.values(await allSessions(sessionStore)) as Array<{ userId?: string }>;
    expect(sessions.filter((s) => s.userId === 'ashley')).toHaveLength(1);
    // No sign-in of hers was stamped: not at start, not while acting, not at Exit.
    expect(running.demo.state.lastSignIn('ashley')).toBe(signedInAt);
    const users = await avery.get('/admin/users', { accept: 'text/html' });
    expect(users.text).toMatch(new RegExp(`data-last-sign-in="ashley">[^<]*${new Date(signedInAt!).toISOString().slice(11, 16)}`));
    // And her own browser still works, as her.
    const home = await ashley.get('/', { accept: 'text/html' });
    expect(home.status).toBe(200);
    expect(home.text).toContain('data-testid="signed-in-as">Ashley<');
    expect(home.text).not.toContain('working on behalf');
    expect((await ashley.status())).toMatchObject({ active: false, signedIn: true });
  });
});
