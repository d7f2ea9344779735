import { createPrivateKey } from 'node:crypto';
import { SignJWT, decodeJwt } from 'jose';
import { afterEach, describe, expect, it } from 'vitest';
import { memoryAudit, memoryStore } from '../../../server/index.js';
import { actingTokens, TOKEN_EXCHANGE_GRANT, verifyActingTokens } from '../../../server/tokens/index.js';
import { startHost, type TestHost } from '../../helpers/host.js';
import { API_AUDIENCE, ISSUER, startApi, testKey, type TestApi } from '../../helpers/tokens.js';

let host: TestHost | undefined;
let api: TestApi | undefined;
afterEach(async () => {
  await api?.close();
  await host?.close();
  host = api = undefined;
});

const key = testKey('k1');
const store = () => memoryStore();

/** The host app and, on another port, the API service trusting its JWKS endpoint and sharing its store. */
async function hostAndApi(readOnly = false, apiOptions: Partial<Parameters<typeof startApi>[0]> = {}) {
  const sessions = store();
  host = await startHost({ store: sessions, tokens: actingTokens({ issuer: ISSUER, audiences: [API_AUDIENCE, 'https://other.test'], keys: [key] }) });
  api = await startApi({ jwks: `${host.url}/onbehalf/jwks.json`, sessions, ...apiOptions });
  const admin = await host.signIn('avery');
  expect((await admin.start('ashley', 'Investigating ticket about missing OKRs', { readOnly, ticket: 'SUP-1' })).status).toBe(200);
  const token = async (audience = API_AUDIENCE) => (await admin.post('/onbehalf/token', { grant_type: TOKEN_EXCHANGE_GRANT, audience })).json.access_token as string;
  return { admin, token, sessions };
}

/** A token signed with the configured key but with claims or header of the test's choosing. */
async function forged(claims: Record<string, unknown>, header: Record<string, unknown> = {}, signWith = key) {
  const now = Math.floor(Date.now() / 1000);
  const base = { iss: ISSUER, aud: API_AUDIENCE, sub: 'ashley', sid: 'sess', jti: 'j1', iat: now, exp: now + 300, name: 'Ashley', act: { sub: 'avery', name: 'Avery' }, onbehalf: { reason: 'r', read_only: false, started_at: now, ends_at: now + 600 } };
  return new SignJWT({ ...base, ...claims })
    .setProtectedHeader({ alg: 'EdDSA', kid: signWith.kid, typ: 'at+jwt', ...header } as any)
    .sign(createPrivateKey(signWith.privateKey as string));
}

const b64 = (o: unknown) => Buffer.from(JSON.stringify(o)).toString('base64url');

function expect401(r: { status: number; json: any; headers: Headers }, code = 'INVALID_TOKEN') {
  expect(r.status).toBe(401);
  expect(r.json.error.code).toBe(code);
  expect(typeof r.json.error.message).toBe('string');
  expect(r.headers.get('www-authenticate')).toMatch(/^Bearer/);
}

describe('verifyActingTokens() on an API service with no session', () => {
  it('serves the request as the subject, with the same read-only req.onBehalf as the host', async () => {
    const { token, admin } = await hostAndApi();
    const r = await api!.call('GET', '/me', await token());
    expect(r.status).toBe(200);
    const hostView = (await admin.get('/whoami')).json.onBehalf;
    const { token: tokenInfo, ...onBehalf } = r.json.onBehalf;
    expect(onBehalf).toEqual(hostView);
    expect(tokenInfo).toMatchObject({ audience: API_AUDIENCE, act: { sub: 'avery', name: 'Avery Admin' } });
    expect(r.json.refusedReplace).toBe(true);
    expect(r.json.refusedEdit).toBe(true);
  });

  it('audits a write made with a token like any acting write, with the actor and the token', async () => {
    const { token } = await hostAndApi();
    const t = await token();
    const r = await api!.call('POST', '/notes', t);
    expect(r.json).toEqual({ savedAs: 'ashley', by: 'avery' });
    const [action, outcome] = api!.audit.events;
    const who = { actor: { id: 'avery', name: 'Avery Admin' }, subject: { id: 'ashley', name: 'Ashley' }, method: 'POST', path: '/notes', ticket: 'SUP-1', tokenId: decodeJwt(t).jti };
    expect(action).toMatchObject({ type: 'action', ...who });
    expect(outcome).toMatchObject({ type: 'outcome', ...who, status: 201, actionId: action.id });
    // Reads are not audited.
    await api!.call('GET', '/me', t);
    expect(api!.audit.events).toHaveLength(2);
  });

  it('answers 503 and never runs the handler when the write cannot be audited', async () => {
    const sessions = store();
    host = await startHost({ store: sessions, tokens: actingTokens({ issuer: ISSUER, audiences: [API_AUDIENCE], keys: [key] }) });
    const broken = { write: () => Promise.reject(new Error('disk full')) };
    api = await startApi({ jwks: `${host.url}/onbehalf/jwks.json`, sessions, audit: broken });
    const admin = await host.signIn('avery');
    await admin.start('ashley');
    const t = (await admin.post('/onbehalf/token', { grant_type: TOKEN_EXCHANGE_GRANT, audience: API_AUDIENCE })).json.access_token;
    const r = await api.call('POST', '/notes', t);
    expect([r.status, r.json.error.code]).toEqual([503, 'AUDIT_UNAVAILABLE']);
    expect(api.notes).toEqual([]);
  });

  it('refuses writes with a read-only session\'s token, serves its reads', async () => {
    const { token } = await hostAndApi(true);
    const t = await token();
    expect((await api!.call('GET', '/me', t)).json.onBehalf.readOnly).toBe(true);
    const w = await api!.call('POST', '/notes', t);
    expect([w.status, w.json.error.code]).toEqual([403, 'READ_ONLY']);
    expect(api!.notes).toEqual([]);
    expect(api!.audit.events).toHaveLength(0);
  });

  it('refuses a token once its session ended on the host (exit), with no shared clock tricks', async () => {
    const { token, admin } = await hostAndApi();
    const t = await token();
    expect((await api!.call('GET', '/me', t)).status).toBe(200);
    await admin.stop();
    expect401(await api!.call('GET', '/me', t), 'TOKEN_REVOKED');
  });

  it('answers 503 when the session store fails, never serving the request', async () => {
    const { token, sessions } = await hostAndApi();
    const t = await token();
    sessions.get = () => Promise.reject(new Error('down'));
    const r = await api!.call('GET', '/me', t);
    expect([r.status, r.json.error.code]).toEqual([503, 'STORE_UNAVAILABLE']);
  });

  it('refuses missing, malformed, tampered, expired, wrong-audience, wrong-typ, alg:none, unknown-kid and huge tokens with 401 JSON', async () => {
    const { token } = await hostAndApi();
    const good = await token();
    const [h, p, s] = good.split('.');
    const claims = decodeJwt(good);

    expect401(await api!.call('GET', '/me'));
    expect401(await api!.call('GET', '/me', undefined, { authorization: 'Basic YTpi' }));
    expect401(await api!.call('GET', '/me', 'not-a-jwt'));
    expect401(await api!.call('GET', '/me', 'a.b.c'));
    expect401(await api!.call('GET', '/me', `${h}.${p}`));
    // Tampered payload: the subject changed, the signature kept.
    expect401(await api!.call('GET', '/me', `${h}.${b64({ ...claims, sub: 'bob' })}.${s}`));
    // Tampered signature.
    expect401(await api!.call('GET', '/me', `${h}.${p}.${s.slice(0, -4)}AAAA`));
    // alg:none, unsigned.
    expect401(await api!.call('GET', '/me', `${b64({ alg: 'none', typ: 'at+jwt', kid: 'k1' })}.${p}.`));
    // HS256 with the public key as the secret (the classic confusion).
    expect401(await api!.call('GET', '/me', `${b64({ alg: 'HS256', typ: 'at+jwt', kid: 'k1' })}.${p}.${s}`));
    // Another service's token.
    expect401(await api!.call('GET', '/me', await token('https://other.test')));
    expect401(await api!.call('GET', '/me', await forged({ aud: [API_AUDIENCE, 'https://other.test'] })));
    expect401(await api!.call('GET', '/me', await forged({ iss: 'https://evil.test' })));
    // Wrong typ (a plain JWT, an ID token).
    expect401(await api!.call('GET', '/me', await forged({}, { typ: 'JWT' })));
    expect401(await api!.call('GET', '/me', await forged({}, { typ: undefined })));
    // Expired beyond the leeway.
    const now = Math.floor(Date.now() / 1000);
    expect401(await api!.call('GET', '/me', await forged({ iat: now - 600, exp: now - 60 })), 'TOKEN_EXPIRED');
    // Issued in the future beyond the leeway (clock skew).
    expect401(await api!.call('GET', '/me', await forged({ iat: now + 120, exp: now + 400 })));
    // Older than the maximum age, whatever its exp.
    expect401(await api!.call('GET', '/me', await forged({ iat: now - 7200, exp: now + 60 })), 'TOKEN_EXPIRED');
    // A key nobody published.
    const stranger = testKey('k9');
    expect401(await api!.call('GET', '/me', await forged({}, {}, stranger)));
    // Signed by a stranger's key under the published kid.
    expect401(await api!.call('GET', '/me', await forged({}, {}, { ...stranger, kid: 'k1' })));
    // Huge header and a huge token.
    expect401(await api!.call('GET', '/me', `${b64({ alg: 'EdDSA', typ: 'at+jwt', kid: 'k'.repeat(6000) })}.${p}.${s}`));
    expect401(await api!.call('GET', '/me', 'x'.repeat(12_000)));
    // Claims that verify but are not an acting session.
    expect401(await api!.call('GET', '/me', await forged({ act: undefined })));
    expect401(await api!.call('GET', '/me', await forged({ onbehalf: { reason: 1 } })));
    // Still fine after all that.
    expect((await api!.call('GET', '/me', good)).status).toBe(200);
  });

  it('accepts a skew within the leeway', async () => {
    await hostAndApi();
    const now = Math.floor(Date.now() / 1000);
    // Refused only for its session (not live), so the times passed.
    expect401(await api!.call('GET', '/me', await forged({ iat: now + 3, exp: now + 300 })), 'TOKEN_REVOKED');
    expect401(await api!.call('GET', '/me', await forged({ iat: now - 300, exp: now - 2 })), 'TOKEN_REVOKED');
  });

  it('never answers 500 to random bytes', async () => {
    await hostAndApi();
    const alphabet = 'ABCxyz019-_.=+/ {}"';
    for (let i = 0; i < 200; i++) {
      const len = 1 + Math.floor(Math.random() * 300);
      const junk = Array.from({ length: len }, () => alphabet[Math.floor(Math.random() * alphabet.length)]).join('').trim();
      const r = await api!.call('GET', '/me', undefined, { authorization: `Bearer ${junk}` });
      expect(r.status, junk).toBe(401);
    }
  });

  it('answers 503 (not 401, not 500) when the issuer\'s keys cannot be fetched', async () => {
    const sessions = store();
    host = await startHost({ store: sessions, tokens: actingTokens({ issuer: ISSUER, audiences: [API_AUDIENCE], keys: [key] }) });
    api = await startApi({ jwks: 'http://127.0.0.1:9/jwks.json', sessions });
    const r = await api.call('GET', '/me', await forged({}));
    expect([r.status, r.json.error.code]).toEqual([503, 'KEYS_UNAVAILABLE']);
  });

  it('lets requests without a token through untouched when optional', async () => {
    await hostAndApi(false, { optional: true });
    const r = await api!.call('GET', '/me');
    expect(r.status).toBe(200);
    expect(r.json.onBehalf).toBeUndefined();
    expect401(await api!.call('GET', '/me', 'garbage'));
  });

  it('refuses to start without issuer, audience, keys, a sessions choice or an audit', () => {
    const ok = { issuer: ISSUER, audience: API_AUDIENCE, jwks: { keys: [] }, sessions: false as const, audit: memoryAudit() };
    expect(() => verifyActingTokens(ok)).not.toThrow();
    for (const missing of ['issuer', 'audience', 'jwks', 'sessions', 'audit'] as const) {
      expect(() => verifyActingTokens({ ...ok, [missing]: undefined } as any), missing).toThrow(TypeError);
    }
  });
});

describe('numeric ids', () => {
  it('keeps the host\'s number type in subject.id and actor.id, with string sub and act.sub in the token', async () => {
    const tokens = actingTokens({ issuer: ISSUER, audiences: [API_AUDIENCE], keys: [key] });
    const now = Date.now();
    const acting = { active: true as const, userId: '42', subject: { id: 42, name: 'Ashley' }, actor: { id: 7, name: 'Avery' }, reason: 'r', sessionId: 's1', startedAt: now, expiresAt: now + 60_000, readOnly: false };
    const { token } = await tokens.issue(acting, { audience: API_AUDIENCE });
    expect(decodeJwt(token)).toMatchObject({ sub: '42', act: { sub: '7' }, onbehalf: { subject_id: 42, actor_id: 7 } });
    api = await startApi({ jwks: tokens.jwks as any, sessions: { get: () => ({ subjectId: '42', actorId: '7', expiresAt: now + 60_000 }) } });
    const r = await api.call('GET', '/me', token);
    expect(r.json.onBehalf).toMatchObject({ userId: '42', subject: { id: 42 }, actor: { id: 7 } });
    // A numeric id that disagrees with its string claim is not one of ours.
    expect401(await api.call('GET', '/me', await forged({ sub: '42', onbehalf: { reason: 'r', read_only: false, started_at: now / 1000, ends_at: now / 1000 + 600, subject_id: 43 } })));
  });
});

describe('key rotation with overlap', () => {
  it('keeps verifying tokens of the previous key while new ones are signed with the next', async () => {
    const k1 = testKey('k1');
    const k2 = testKey('k2');
    const sessions = store();
    const before = actingTokens({ issuer: ISSUER, audiences: [API_AUDIENCE], keys: [k1] });
    const after = actingTokens({ issuer: ISSUER, audiences: [API_AUDIENCE], keys: [k2, { kid: 'k1', alg: 'EdDSA', publicKey: k1.publicPem }] });
    host = await startHost({ store: sessions, tokens: after });
    const admin = await host.signIn('avery');
    await admin.start('ashley');
    const acting = (await admin.get('/whoami')).json.onBehalf;
    // A token the previous deployment issued, before the rotation.
    const old = (await before.issue(acting, { audience: API_AUDIENCE })).token;
    const fresh = (await admin.post('/onbehalf/token', { grant_type: TOKEN_EXCHANGE_GRANT, audience: API_AUDIENCE })).json.access_token;
    api = await startApi({ jwks: `${host.url}/onbehalf/jwks.json`, sessions });
    expect((await api.call('GET', '/me', old)).status).toBe(200);
    expect((await api.call('GET', '/me', fresh)).status).toBe(200);
    // Once k1 is dropped from configuration, its tokens stop verifying.
    const retired = await startApi({ jwks: { keys: [...actingTokens({ issuer: ISSUER, audiences: [API_AUDIENCE], keys: [k2] }).jwks.keys] as any }, sessions });
    try {
      expect401(await retired.call('GET', '/me', old));
      expect((await retired.call('GET', '/me', fresh)).status).toBe(200);
    } finally {
      await retired.close();
    }
  });
});
