import { afterEach, describe, expect, it } from 'vitest';
import type { OnBehalfOptions } from '../../../server/index.js';
import { recordTypes, startHost, type TestHost } from '../../helpers/host.js';

let host: TestHost;
afterEach(async () => host?.close());

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
    expect(recordTypes(host)).toEqual(['started', `ended:${cause}`]);
    expect(host.audit.events.at(-1)).toMatchObject({ method, path, actor: { id: 'avery' }, subject: { id: 'ashley' } });
    expect((await avery.get('/whoami')).json.onBehalf.active).toBe(false);
  });

  it('other paths, reads and onbehalf\'s own API are not sign-ins: a write there is an action as the subject', async () => {
    const avery = await acting();
    for (const path of ['/sessions', '/login-help', '/logoutx', '/notes']) {
      await avery.request('POST', path, { headers: { 'x-csrf-token': await avery.csrf() } });
    }
    expect((await avery.get('/logout')).status).toBe(404);
    expect(recordTypes(host)).toEqual(['started', 'action', 'outcome', 'action', 'outcome', 'action', 'outcome', 'action', 'outcome']);
    expect((await avery.status()).active).toBe(true);
  });

  it('the host serves its sign-out as the actor: the handler sees the actor, signed in, not acting', async () => {
    const avery = await acting({ signOutPaths: ['/notes'] });
    const r = await avery.post('/notes', {});
    expect(r.json).toMatchObject({ savedAs: 'avery', onBehalf: { active: false, userId: 'avery' } });
    expect(recordTypes(host)).toEqual(['started', 'ended:host-sign-out']);
  });

  it('in a read-only session the sign-out is not refused (it ends the session first)', async () => {
    const avery = await acting({}, { readOnly: true });
    expect((await avery.request('POST', '/logout', { headers: { 'x-csrf-token': await avery.csrf() } })).status).toBe(200);
    expect(recordTypes(host)).toEqual(['started', 'ended:host-sign-out']);
  });

  it('a sign-in that fails leaves the actor with their own session data, none of what was set as the subject', async () => {
    // The host's sign-in route here is /notes, whose handler, like one refusing a wrong password, leaves the session in place.
    host = await startHost({ signInPaths: ['/notes'] });
    const avery = await host.signIn('avery');
    await avery.post('/prefs', { pref: 'avery-own' });
    await avery.start('ashley');
    await avery.post('/prefs', { pref: 'set-as-ashley' });
    expect((await avery.post('/notes', {})).json).toMatchObject({ savedAs: 'avery', pref: 'set-as-ashley' });
    expect(recordTypes(host)).toEqual(['started', 'action', 'outcome', 'ended:host-sign-in']);
    expect((await avery.get('/whoami')).json).toMatchObject({ onBehalf: { active: false, userId: 'avery' }, pref: 'avery-own' });
  });

  it('what the sign-in handler itself writes is kept', async () => {
    host = await startHost({ signInPaths: ['/prefs'] });
    const avery = await host.signIn('avery');
    await avery.post('/prefs', { pref: 'avery-own' });
    await avery.start('ashley');
    await avery.post('/notes', {});
    expect((await avery.post('/prefs', { pref: 'written-by-the-handler' })).status).toBe(200);
    expect((await avery.get('/whoami')).json).toMatchObject({ onBehalf: { active: false, userId: 'avery' }, pref: 'written-by-the-handler' });
  });

  it('a path the host blocks while acting stays blocked; RegExps and [] are honoured', async () => {
    let avery = await acting({ blockedWhileActing: ['/logout'] });
    expect((await avery.post('/logout', {})).json.error.code).toBe('BLOCKED_WHILE_ACTING');
    expect(recordTypes(host)).toEqual(['started']);
    await host.close();

    avery = await acting({ signOutPaths: [/^\/bye$/] });
    await avery.post('/bye', {});
    expect(recordTypes(host)).toEqual(['started', 'ended:host-sign-out']);
    await host.close();

    // Turned off: the host's logout (ob.logout, then destroy) ends it from inside the handler, after its action.
    avery = await acting({ signInPaths: [], signOutPaths: [] });
    expect((await avery.request('POST', '/logout', { headers: { 'x-csrf-token': await avery.csrf() } })).status).toBe(200);
    expect(recordTypes(host)).toEqual(['started', 'action', 'ended:logout']);
  });
});
