import { afterEach, describe, expect, it } from 'vitest';
import type { OnBehalfOptions } from '../../../server/index.js';
import { startHost, type TestHost } from '../../helpers/host.js';

let host: TestHost;
afterEach(async () => host?.close());

const trail = (h: TestHost) => h.audit.events.map((e) => (e.type === 'ended' ? `ended:${e.cause}` : e.type));

async function acting(options: Partial<OnBehalfOptions> = {}, extra: Record<string, unknown> = {}) {
  host = await startHost(options);
  const avery = await host.signIn('avery');
  expect((await avery.start('ashley', 'Investigating ticket about missing OKRs', extra)).status).toBe(200);
  return avery;
}

describe("the host's sign-in and sign-out routes while acting", () => {
  it.each([
    ['POST', '/logout', 'host-sign-out'],
    ['POST', '/LOGOUT/', 'host-sign-out'],
    ['POST', '//sign-out', 'host-sign-out'],
    ['PUT', '/auth/logout', 'host-sign-out'],
    ['POST', '/logout%2Feverywhere', 'host-sign-out'],
    ['DELETE', '/session', 'host-sign-out'],
    ['POST', '/session', 'host-sign-in'],
    ['POST', '/login/password', 'host-sign-in'],
    ['POST', '/SignIn', 'host-sign-in'],
    ['POST', '/users/sign_in', 'host-sign-in'],
  ])('%s %s ends it before the handler, as %s, with no action', async (method, path, cause) => {
    const avery = await acting();
    await avery.request(method, path, { headers: { 'x-csrf-token': await avery.csrf() } });
    expect(trail(host)).toEqual(['started', `ended:${cause}`]);
    expect(host.audit.events.at(-1)).toMatchObject({ method, path, actor: { id: 'avery' }, subject: { id: 'ashley' } });
    expect((await avery.get('/whoami')).json.onBehalf.active).toBe(false);
  });

  it('other paths, reads and onbehalf\'s own API are not sign-ins: a write there is an action as the subject', async () => {
    const avery = await acting();
    for (const path of ['/sessions', '/login-help', '/logoutx', '/notes']) {
      await avery.request('POST', path, { headers: { 'x-csrf-token': await avery.csrf() } });
    }
    expect((await avery.get('/logout')).status).toBe(404);
    expect(trail(host)).toEqual(['started', 'action', 'outcome', 'action', 'outcome', 'action', 'outcome', 'action', 'outcome']);
    expect((await avery.status()).active).toBe(true);
  });

  it('the host serves its sign-out as the actor: the handler sees the actor, signed in, not acting', async () => {
    const avery = await acting({ signOutPaths: ['/notes'] });
    const r = await avery.post('/notes', {});
    expect(r.json).toMatchObject({ savedAs: 'avery', onBehalf: { active: false, userId: 'avery' } });
    expect(trail(host)).toEqual(['started', 'ended:host-sign-out']);
  });

  it('in a read-only session the sign-out is not refused (it ends the session first)', async () => {
    const avery = await acting({}, { readOnly: true });
    expect((await avery.request('POST', '/logout', { headers: { 'x-csrf-token': await avery.csrf() } })).status).toBe(200);
    expect(trail(host)).toEqual(['started', 'ended:host-sign-out']);
  });

  it('a path the host blocks while acting stays blocked; RegExps and [] are honoured', async () => {
    let avery = await acting({ blockedWhileActing: ['/logout'] });
    expect((await avery.post('/logout', {})).json.error.code).toBe('BLOCKED_WHILE_ACTING');
    expect(trail(host)).toEqual(['started']);
    await host.close();

    avery = await acting({ signOutPaths: [/^\/bye$/] });
    await avery.post('/bye', {});
    expect(trail(host)).toEqual(['started', 'ended:host-sign-out']);
    await host.close();

    // Turned off: the host's logout (ob.logout, then destroy) ends it from inside the handler, after its action.
    avery = await acting({ signInPaths: [], signOutPaths: [] });
    expect((await avery.request('POST', '/logout', { headers: { 'x-csrf-token': await avery.csrf() } })).status).toBe(200);
    expect(trail(host)).toEqual(['started', 'action', 'ended:logout']);
  });
});
