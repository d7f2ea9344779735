import { afterEach, describe, expect, it } from 'vitest';
import { memoryAudit, onBehalf, sessionKeyIdentity } from '../../../server/index.js';
import { startHost, type TestHost } from '../../helpers/host.js';

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
