import { afterEach, describe, expect, it } from 'vitest';
import { memoryAudit, onBehalf } from '../../../server/index.js';
import { privateObjectivesRule } from '../../../server/okr/index.js';
import { startHost, warningsInProduction, type TestHost } from '../../helpers/host.js';

let host: TestHost | undefined;
afterEach(async () => {
  await host?.close();
  host = undefined;
});

const users = { get: () => undefined, search: () => [] };

describe('options and start-up validations', () => {
  it('throws a clear error for missing required options', () => {
    expect(() => onBehalf({} as any)).toThrow(/users/);
    expect(() => onBehalf({ users } as any)).toThrow(/currentUser/);
    expect(() => onBehalf({ users, currentUser: () => undefined } as any)).toThrow(/audit/);
    expect(() => onBehalf({ users, currentUser: () => undefined, audit: memoryAudit(), landingPath: 'https://evil.test' })).toThrow(/landingPath/);
    expect(() => onBehalf({ users, currentUser: () => undefined, audit: memoryAudit(), reason: { minLength: 0 } })).toThrow(/minLength/);
    expect(() => onBehalf({ users, currentUser: () => undefined, audit: memoryAudit(), exitMode: 'away' as any })).toThrow(/exitMode/);
  });

  it('refuses the removed okr and hasPrivateObjectives options rather than dropping their refusal', () => {
    const base = { users, currentUser: () => undefined, audit: memoryAudit() };
    expect(() => onBehalf({ ...base, hasPrivateObjectives: () => true } as any)).toThrow(/`hasPrivateObjectives` option is gone.*privateObjectivesRule/);
    expect(() => onBehalf({ ...base, okr: {} } as any)).toThrow(/`okr` option is gone.*privateObjectivesRule/);
  });

  it('warns about the memory store in production', () => {
    const warnings = warningsInProduction();
    expect(warnings.join('\n')).toMatch(/memoryStore\(\) in production/);
  });

  it('stays quiet on the first request of a well-configured host (httpOnly, SameSite=Lax)', async () => {
    host = await startHost();
    await host.client().get('/whoami');
    expect(host.warnings).toEqual([]);
  });

  it('warns once, on the first request, about a session cookie page scripts can read or without SameSite', async () => {
    host = await startHost({ cookie: { httpOnly: false, sameSite: false } });
    await host.client().get('/whoami');
    await host.client().get('/whoami');
    expect(host.warnings).toHaveLength(2);
    expect(host.warnings.join('\n')).toMatch(/httpOnly/);
    expect(host.warnings.join('\n')).toMatch(/SameSite/);
  });

  it('refuses a start that would sign the actor out (authSessionKeys miss the sign-in key), names the fix, and starts nothing', async () => {
    host = await startHost({ authSessionKeys: ['somethingElse'] });
    const avery = await host.signIn('avery');
    const r = await avery.start('ashley');
    expect(r.status).toBe(409);
    expect(r.json.error.code).toBe('SIGN_IN_NOT_KEPT');
    expect(r.json.error.message).toMatch(/authSessionKeys.*sessionKeyIdentity/s);
    expect(r.json.error.message).toMatch(/not carried: userId/);
    expect(host.warnings.join('\n')).toMatch(/authSessionKeys/);
    expect(host.audit.events.map((e) => e.type)).toEqual(['denied']);
    // Still signed in as themselves.
    expect((await (await avery.get('/whoami')).json).onBehalf).toEqual({ active: false, userId: 'avery' });
  });
});

describe('target rules (canBeImpersonated): the hook domain rules plug into', () => {
  it('runs the rules in order; the first refusal decides with its own code, false is TARGET_REFUSED, an unknown answer refuses', async () => {
    host = await startHost({
      canBeImpersonated: [
        privateObjectivesRule({ hasPrivateObjectives: (id) => id === 'bob' }),
        ({ target }) => target.id !== 'ashley',
        async ({ target }) => (target.id === 'priya' ? ('NOPE' as never) : true),
      ],
    });
    const avery = await host.signIn('avery');
    expect((await avery.start('bob')).json.error.code).toBe('TARGET_PRIVATE_OBJECTIVES');
    expect((await avery.start('ashley')).json.error.code).toBe('TARGET_REFUSED');
    expect((await avery.start('priya')).json.error.code).toBe('TARGET_REFUSED');
    expect(host.audit.events.map((e) => [e.type, e.code])).toEqual([['denied', 'TARGET_PRIVATE_OBJECTIVES'], ['denied', 'TARGET_REFUSED'], ['denied', 'TARGET_REFUSED']]);
  });
});
