import { afterEach, describe, expect, it } from 'vitest';
import { memoryAudit, onBehalf, sessionKeyIdentity } from '../../../server/index.js';
import { startHost, testUsers, type TestHost } from '../../helpers/host.js';
import { startIdentityHost, type IdentityHost } from '../../helpers/identity-host.js';

let host: TestHost | undefined;
afterEach(async () => {
  await host?.close();
  host = undefined;
});
const users = { get: () => undefined, search: () => [] };

describe('identity: bad input', () => {
  it('refuses an adapter of the wrong shape at start-up, naming the recipes', () => {
    for (const identity of [{}, { read: 'userId' }, { read: () => 1, present: 'yes' }, { read: () => 1, sessionKeys: 'userId' }]) {
      expect(() => onBehalf({ users, audit: memoryAudit(), identity: identity as any })).toThrow(/identity.*passportIdentity/s);
    }
    expect(() => onBehalf({ users, audit: memoryAudit() } as any)).toThrow(/identity.*currentUser/s);
    expect(() => onBehalf({ users, audit: memoryAudit(), identity: sessionKeyIdentity('userId'), currentUser: () => 'x' })).toThrow(/not both/);
    expect(() => sessionKeyIdentity('')).toThrow(/session key/);
  });

  it('a directory that answers something that is not a user: 503 JSON, nothing started', async () => {
    host = await startHost({ users: { get: () => 'avery' as any, search: () => [] } });
    const avery = await host.signIn('avery');
    const r = await avery.get('/onbehalf/status');
    expect(r.status).toBe(503);
    expect(r.json.error.code).toBe('STORE_UNAVAILABLE');
    expect(r.json.error.message).toMatch(/not a user/);
  });
});

describe('identity: bad input at request time', () => {
  let idHost: IdentityHost | undefined;
  afterEach(async () => {
    await idHost?.close();
    idHost = undefined;
  });

  it('passport mounted after onBehalf(): the start is refused naming the fix, never a request served as two identities', async () => {
    idHost = await startIdentityHost({ signIn: 'passport', passportAfterOnBehalf: true });
    const admin = await idHost.signIn('avery');
    const r = await admin.start('2');
    expect(r.json.error.code).toBe('SIGN_IN_NOT_KEPT');
    expect(r.json.error.message).toMatch(/after passport\.session\(\)/);
    expect((await admin.get('/me')).json).toMatchObject({ me: { id: 1 }, onBehalf: { active: false } });
    expect(idHost.audit.events.filter((e) => e.type === 'started')).toEqual([]);
    expect(idHost.warnings.join('\n')).toMatch(/passport/);
  });

  it('a read() that answers something that is not an id (the whole user object): 503 IDENTITY_UNAVAILABLE naming the adapter, one warning', async () => {
    host = await startHost({ currentUser: (req) => ({ id: (req.session as any).userId }) as any });
    const avery = await host.signIn('avery');
    for (let i = 0; i < 3; i++) {
      const r = await avery.get('/whoami');
      expect(r.status).toBe(503);
      expect(r.json.error.code).toBe('IDENTITY_UNAVAILABLE');
    }
    expect(host.warnings.filter((w) => /currentUser.*not a user id/.test(w))).toHaveLength(1);
  });

  it('a directory search that answers the wrong type, or users without id/name: 503 JSON, never 500', async () => {
    for (const search of [() => 'everyone', () => [{ name: 'no id', active: true }], () => [null], () => ({ length: 1 })]) {
      host = await startHost({ users: { get: (id) => testUsers().get(String(id)), search: search as any } });
      const avery = await host.signIn('avery');
      const r = await avery.get('/onbehalf/users?q=a');
      expect(r.status, String(search)).toBe(503);
      expect(r.json.error.code).toBe('STORE_UNAVAILABLE');
      await host.close();
      host = undefined;
    }
  });

  it('a directory whose get() answers the wrong type while acting: 503, the handler never runs, nothing as a mix', async () => {
    let broken = false;
    host = await startHost({ users: { get: (id) => (broken ? ({ id, name: 7 } as any) : testUsers().get(String(id))), search: () => [] } });
    const avery = await host.signIn('avery');
    await avery.start('ashley');
    broken = true;
    for (const r of [await avery.get('/whoami'), await avery.post('/notes', {})]) {
      expect(r.status).toBe(503);
      expect(r.json.error.code).toBe('STORE_UNAVAILABLE');
    }
    expect(host.notesSaved).toBe(0);
  });
});
