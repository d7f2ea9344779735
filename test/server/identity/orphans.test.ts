import { afterEach, describe, expect, it } from 'vitest';
import { Client } from '../../helpers/http.js';
import { recordTypes } from '../../helpers/host.js';
import { startIdentityHost, type IdentityHost } from '../../helpers/identity-host.js';

let host: IdentityHost | undefined;
afterEach(async () => {
  await host?.close();
  host = undefined;
});

describe('no orphan ever blocks an actor', () => {
  it('a sign-in onbehalf never saw (a route mounted before it) leaves a record; the next start ends it as replaced', async () => {
    let now = Date.now();
    host = await startIdentityHost({ signIn: 'session-key', now: () => now });
    const admin = await host.signIn('avery');
    await admin.start('2');
    await admin.post('/early-login');
    now += 5_000;
    expect((await admin.status()).active).toBe(false);
    expect((await admin.stop()).json.error.code).toBe('NOT_ACTING');
    const again = await admin.start('3');
    expect(again.status).toBe(200);
    expect(recordTypes(host)).toEqual(['started', 'ended:replaced', 'started']);
    expect((await admin.status()).session.subject.id).toBe(3);
  });

  it('an expired record nobody swept is ended as expired when the actor starts again', async () => {
    let now = Date.now();
    host = await startIdentityHost({ signIn: 'passport', now: () => now });
    const admin = await host.signIn('avery');
    await admin.start('2');
    await admin.post('/early-login');
    now += 31 * 60_000;
    expect((await admin.start('2')).status).toBe(200);
    expect(recordTypes(host)).toEqual(['started', 'ended:expired', 'started']);
  });

  it('starting on a second device ends the first one (replaced); the first device is served as the actor again', async () => {
    let now = Date.now();
    host = await startIdentityHost({ signIn: 'passport', now: () => now });
    const laptop = await host.signIn('avery');
    const phone = await host.signIn('avery');
    await laptop.start('2');
    now += 5_000;
    expect((await phone.start('3')).status).toBe(200);
    expect(recordTypes(host)).toEqual(['started', 'ended:replaced', 'started']);
    expect((await laptop.get('/me')).json.me).toMatchObject({ id: 1 });
    expect((await laptop.status()).active).toBe(false);
  });

  it('a clean shutdown (close()) with the memory store ends the live session as shutdown; after the restart the browser is served as the actor', async () => {
    host = await startIdentityHost({ signIn: 'passport' });
    const admin = await host.signIn('avery');
    await admin.start('2');
    const { sessionStore, audit } = host;
    await host.close();
    expect(recordTypes(host)).toEqual(['started', 'ended:shutdown']);
    host = await startIdentityHost({ signIn: 'passport', sessionStore, audit });
    const moved = new Client(host.url);
    moved.setCookie('connect.sid', admin.cookie()!);
    expect((await moved.get('/me')).json).toMatchObject({ me: { id: 1 }, onBehalf: { active: false, userId: '1' } });
    expect(recordTypes(host)).toEqual(['started', 'ended:shutdown']);
    expect((await moved.start('2')).status).toBe(200);
  });

  it('a restart after a crash with the memory store: the browser is served as the actor, the lost session is audited as lost, and start works', async () => {
    host = await startIdentityHost({ signIn: 'passport' });
    const admin = await host.signIn('avery');
    await admin.start('2');
    const { sessionStore, audit } = host;
    // A crash: the process is gone without its shutdown (close() never ran).
    host.crash();
    host = await startIdentityHost({ signIn: 'passport', sessionStore, audit });
    const moved = new Client(host.url);
    moved.setCookie('connect.sid', admin.cookie()!);
    expect((await moved.get('/me')).json).toMatchObject({ me: { id: 1 }, onBehalf: { active: false, userId: '1' } });
    expect(recordTypes(host)).toEqual(['started', 'ended:lost']);
    expect(audit.events.at(-1)).toMatchObject({ actor: { id: 1 }, subject: { id: 2 } });
    expect((await moved.status()).active).toBe(false);
    expect((await moved.start('2')).status).toBe(200);
  });

  it('two racing starts still leave one consistent state (not a replace)', async () => {
    host = await startIdentityHost({ signIn: 'session-key' });
    const admin = await host.signIn('avery');
    const token = await admin.csrf();
    const go = () => admin.request('POST', '/onbehalf/start', { body: { userId: 2, reason: 'Investigating ticket 42 now' }, headers: { 'x-csrf-token': token } });
    const results = await Promise.all([go(), go()]);
    expect(results.filter((r) => r.status === 200)).toHaveLength(1);
    expect(host.audit.events.filter((e) => e.type === 'ended')).toEqual([]);
  });
});
