import { decodeJwt, decodeProtectedHeader } from 'jose';
import { afterEach, describe, expect, it } from 'vitest';
import { ACCESS_TOKEN_TYPE, actingTokens, TOKEN_EXCHANGE_GRANT, type ActingTokensOptions } from '../../../server/tokens/index.js';
import { startHost, type TestHost } from '../../helpers/host.js';
import type { Client } from '../../helpers/http.js';
import { API_AUDIENCE, ISSUER, testKey } from '../../helpers/tokens.js';

let host: TestHost | undefined;
afterEach(async () => {
  await host?.close();
  host = undefined;
});

const exchange = { grant_type: TOKEN_EXCHANGE_GRANT, audience: API_AUDIENCE };

async function actingHost(tokens: Partial<ActingTokensOptions> = {}, hostOptions: Parameters<typeof startHost>[0] = {}) {
  host = await startHost({ tokens: actingTokens({ issuer: ISSUER, audiences: [API_AUDIENCE], keys: [testKey('k1')], ...tokens }), ...hostOptions });
  const admin = await host.signIn('avery');
  expect((await admin.start('ashley')).status).toBe(200);
  return admin;
}

/** The RFC 8693 request as a form post, with the session's CSRF token. */
async function formExchange(c: Client, fields: Record<string, string> = exchange) {
  const token = await c.csrf();
  return c.request('POST', '/onbehalf/token', { form: fields, headers: { 'x-csrf-token': token, accept: 'application/json' } });
}

describe('POST {basePath}/token (RFC 8693 token exchange)', () => {
  it('issues a token whose sub is the subject and act.sub the actor, with the session id, a jti, the audience and a short exp', async () => {
    const admin = await actingHost();
    const before = Date.now();
    const r = await formExchange(admin);
    expect(r.status).toBe(200);
    expect(r.headers.get('cache-control')).toBe('no-store');
    expect(r.json).toMatchObject({ issued_token_type: ACCESS_TOKEN_TYPE, token_type: 'Bearer' });
    expect(r.json.expires_in).toBeGreaterThan(290);
    expect(r.json.expires_in).toBeLessThanOrEqual(300);
    const header = decodeProtectedHeader(r.json.access_token);
    expect(header).toEqual({ alg: 'EdDSA', kid: 'k1', typ: 'at+jwt' });
    const claims = decodeJwt(r.json.access_token);
    const status = await admin.status();
    expect(claims).toMatchObject({
      iss: ISSUER,
      aud: API_AUDIENCE,
      sub: 'ashley',
      sid: status.session.sessionId,
      name: 'Ashley',
      email: 'ashley@contoso.test',
      act: { sub: 'avery', name: 'Avery Admin' },
      onbehalf: { reason: 'Investigating ticket about missing OKRs', read_only: false },
    });
    expect(claims.act).not.toHaveProperty('act');
    expect(typeof claims.jti).toBe('string');
    expect(claims.exp! - claims.iat!).toBe(300);
    expect(claims.iat! * 1000).toBeGreaterThanOrEqual(Math.floor(before / 1000) * 1000);
    // A second token is a new token.
    const again = await formExchange(admin);
    expect(decodeJwt(again.json.access_token).jti).not.toBe(claims.jti);
  });

  it('never outlives the session: exp is capped at its end', async () => {
    const admin = await actingHost({ ttlSeconds: 3600 }, { maxDurationMs: 90_000 });
    const { session } = await admin.status();
    const claims = decodeJwt((await formExchange(admin)).json.access_token);
    expect(claims.exp! * 1000).toBeLessThanOrEqual(session.expiresAt);
    expect(claims.exp! * 1000).toBeGreaterThan(session.expiresAt - 1000);
  });

  it('signs with ES256 when the key is P-256', async () => {
    const admin = await actingHost({ keys: [testKey('ec1', 'ES256')] });
    expect(decodeProtectedHeader((await formExchange(admin)).json.access_token)).toMatchObject({ alg: 'ES256', kid: 'ec1' });
  });

  it('accepts the same request as JSON', async () => {
    const admin = await actingHost();
    const r = await admin.post('/onbehalf/token', exchange);
    expect(r.status).toBe(200);
    expect(decodeJwt(r.json.access_token).sub).toBe('ashley');
  });

  it('nests the chain the host passes in under the actor, never in its place', async () => {
    const admin = await actingHost({ priorActors: () => ({ sub: 'msp-operator-7', act: { sub: 'msp-root' } }) });
    const claims = decodeJwt((await formExchange(admin)).json.access_token);
    expect(claims.act).toEqual({ sub: 'avery', name: 'Avery Admin', email: 'avery@contoso.test', act: { sub: 'msp-operator-7', act: { sub: 'msp-root' } } });
  });

  it('refuses a chain deeper than the limit rather than cutting it: 503 ACTOR_CHAIN_INVALID, one log line, nothing issued', async () => {
    let deep: any = { sub: 'root' };
    for (let i = 0; i < 6; i++) deep = { sub: `hop${i}`, act: deep };
    const warnings: string[] = [];
    const admin = await actingHost({ priorActors: () => deep, warn: (m) => warnings.push(m) });
    for (let i = 0; i < 3; i++) {
      const r = await formExchange(admin);
      expect([r.status, r.json.error.code]).toEqual([503, 'ACTOR_CHAIN_INVALID']);
      expect(r.json.access_token).toBeUndefined();
    }
    expect(warnings).toEqual([expect.stringContaining('priorActors returned an actor chain that can\'t go in a token: it is deeper than 5')]);
    expect(host!.warnings.filter((w) => w.includes('unexpected error'))).toEqual([]);
  });

  it('a priorActors that throws or returns an entry without `sub` is the same typed 503', async () => {
    const warnings: string[] = [];
    let chain: () => any = () => ({ name: 'no sub' });
    const admin = await actingHost({ priorActors: () => chain(), warn: (m) => warnings.push(m) });
    expect((await formExchange(admin)).json.error.code).toBe('ACTOR_CHAIN_INVALID');
    chain = () => {
      throw new Error('upstream sign-in gone');
    };
    const r = await formExchange(admin);
    expect([r.status, r.json.error.code]).toEqual([503, 'ACTOR_CHAIN_INVALID']);
    expect(warnings).toEqual([expect.stringContaining('an entry has no `sub` string'), expect.stringContaining('it threw (upstream sign-in gone)')]);
  });

  it('marks tokens of a read-only session read-only, and still issues them there', async () => {
    host = await startHost({ tokens: actingTokens({ issuer: ISSUER, audiences: [API_AUDIENCE], keys: [testKey('k1')] }) });
    const admin = await host.signIn('avery');
    await admin.start('ashley', 'Investigating ticket about missing OKRs', { readOnly: true });
    const r = await formExchange(admin);
    expect(r.status).toBe(200);
    expect(decodeJwt(r.json.access_token).onbehalf).toMatchObject({ read_only: true });
  });

  it('refuses when not acting, for another audience, with another grant type, and after the session ended', async () => {
    host = await startHost({ tokens: actingTokens({ issuer: ISSUER, audiences: [API_AUDIENCE], keys: [testKey('k1')] }) });
    const admin = await host.signIn('avery');
    const notActing = await formExchange(admin);
    expect([notActing.status, notActing.json.error.code]).toEqual([409, 'NOT_ACTING']);
    expect((await host.client().post('/onbehalf/token', exchange)).json.error.code).toBe('NOT_SIGNED_IN');

    await admin.start('ashley');
    const other = await formExchange(admin, { ...exchange, audience: 'https://billing.contoso.test' });
    expect([other.status, other.json.error.code]).toEqual([400, 'INVALID_AUDIENCE']);
    const grant = await formExchange(admin, { ...exchange, grant_type: 'client_credentials' });
    expect([grant.status, grant.json.error.code]).toEqual([400, 'UNSUPPORTED_GRANT_TYPE']);
    const missing = await formExchange(admin, { grant_type: TOKEN_EXCHANGE_GRANT });
    expect([missing.status, missing.json.error.code]).toEqual([400, 'BAD_REQUEST']);
    const type = await formExchange(admin, { ...exchange, requested_token_type: 'urn:ietf:params:oauth:token-type:refresh_token' });
    expect([type.status, type.json.error.code]).toEqual([400, 'BAD_REQUEST']);

    await host.ob.revoke({ actorId: 'avery' });
    const revoked = await admin.post('/onbehalf/token', exchange);
    expect(revoked.status).toBe(409);
    expect(revoked.json.access_token).toBeUndefined();

    await admin.start('ashley');
    await admin.stop();
    expect((await formExchange(admin)).json.error.code).toBe('NOT_ACTING');
  });

  it('follows the CSRF and Origin rules of start and stop: GET 405, no token or a foreign Origin 403', async () => {
    const admin = await actingHost();
    const get = await admin.get('/onbehalf/token');
    expect([get.status, get.headers.get('allow')]).toEqual([405, 'POST']);
    const noCsrf = await admin.request('POST', '/onbehalf/token', { form: exchange, headers: { accept: 'application/json' } });
    expect([noCsrf.status, noCsrf.json.error.code]).toEqual([403, 'CSRF']);
    const foreign = await admin.post('/onbehalf/token', exchange, { origin: 'https://evil.test' });
    expect([foreign.status, foreign.json.error.code]).toEqual([403, 'CSRF']);
    const crossSite = await admin.post('/onbehalf/token', exchange, { 'sec-fetch-site': 'cross-site' });
    expect(crossSite.status).toBe(403);
  });

  it('publishes every configured public key as a cacheable JWKS, the private halves never', async () => {
    const k2 = testKey('k2');
    const k1 = testKey('k1');
    const admin = await actingHost({ keys: [k2, { kid: 'k1', alg: 'EdDSA', publicKey: k1.publicPem }] });
    // As a verifying service fetches it: no session at all.
    const r = await host!.client().get('/onbehalf/jwks.json');
    expect(r.status).toBe(200);
    expect(r.headers.get('cache-control')).toBe('public, max-age=300');
    expect(r.headers.get('content-type')).toMatch(/^application\/jwk-set\+json/);
    expect(r.json.keys.map((k: any) => k.kid)).toEqual(['k2', 'k1']);
    for (const k of r.json.keys) {
      expect(k).toMatchObject({ kty: 'OKP', crv: 'Ed25519', alg: 'EdDSA', use: 'sig' });
      expect(k).not.toHaveProperty('d');
    }
    // Reachable while acting too (the API router is otherwise closed then).
    expect((await admin.get('/onbehalf/jwks.json')).json).toEqual(r.json);
  });

  it('gives the host server a token for a server-to-server call, only while acting', async () => {
    const tokens = actingTokens({ issuer: ISSUER, audiences: [API_AUDIENCE], keys: [testKey('k1')] });
    host = await startHost({ tokens });
    await expect(host.ob.token({ onBehalf: { active: false, userId: 'avery' } } as any, API_AUDIENCE)).rejects.toMatchObject({ code: 'NOT_ACTING' });
    const acting = { active: true, userId: 'ashley', subject: { id: 'ashley', name: 'Ashley' }, actor: { id: 'avery', name: 'Avery Admin' }, reason: 'r', sessionId: 's1', startedAt: Date.now(), expiresAt: Date.now() + 60_000, readOnly: false };
    const req = { onBehalf: acting, ip: '127.0.0.1', get: () => undefined } as any;
    const issued = await host.ob.token(req, API_AUDIENCE);
    expect(decodeJwt(issued.token)).toMatchObject({ sub: 'ashley', act: { sub: 'avery' }, sid: 's1' });
    expect(host.audit.events.at(-1)).toMatchObject({ type: 'token-issued', sessionId: 's1', tokenId: issued.id, audience: API_AUDIENCE });
    await expect(host.ob.token(req, 'https://elsewhere.test')).rejects.toMatchObject({ code: 'INVALID_AUDIENCE' });
  });
});

describe('issuing a token is audited', () => {
  it('writes token-issued (who, for whom, session, audience, jti, expiry; never the token) before the token is handed out', async () => {
    const admin = await actingHost();
    const r = await formExchange(admin);
    expect(r.status).toBe(200);
    const claims = decodeJwt(r.json.access_token);
    const e = host!.audit.events.at(-1)!;
    expect(e).toMatchObject({
      type: 'token-issued',
      actor: { id: 'avery' },
      subject: { id: 'ashley' },
      sessionId: claims.sid,
      audience: API_AUDIENCE,
      tokenId: claims.jti,
      until: claims.exp! * 1000,
      ip: '127.0.0.1',
    });
    expect(JSON.stringify(host!.audit.events)).not.toContain(r.json.access_token);
    expect(JSON.stringify(host!.audit.events)).not.toContain(r.json.access_token.split('.')[2]);
  });

  it('fails closed: when the audit cannot take the record, 503 AUDIT_UNAVAILABLE and no token', async () => {
    const admin = await actingHost();
    const write = host!.audit.write;
    (host!.audit as { write: typeof write }).write = async (e) => (e.type === 'token-issued' ? Promise.reject(new Error('disk full')) : write(e));
    const r = await formExchange(admin);
    expect([r.status, r.json.error.code]).toEqual([503, 'AUDIT_UNAVAILABLE']);
    expect(r.json.access_token).toBeUndefined();
    expect(r.text).not.toMatch(/eyJ/);
  });
});

describe('actingTokens() configuration', () => {
  const base = { issuer: ISSUER, audiences: [API_AUDIENCE] };
  it('fails at start-up, not on a request, when a key is missing, unreadable or of the wrong kind', () => {
    expect(() => actingTokens({ ...base, keys: [] })).toThrow(/keys.*required/);
    expect(() => actingTokens({ ...base } as any)).toThrow(/keys.*required/);
    expect(() => actingTokens({ ...base, keys: [{ kid: 'k1', alg: 'EdDSA', privateKey: 'not a pem' }] })).toThrow(/not a valid PEM or JWK/);
    expect(() => actingTokens({ ...base, keys: [{ kid: 'k1', alg: 'EdDSA', publicKey: testKey('x').publicPem }] })).toThrow(/needs its `privateKey`/);
    expect(() => actingTokens({ ...base, keys: [{ ...testKey('k1', 'ES256'), alg: 'EdDSA' }] })).toThrow(/not an Ed25519 key/);
    expect(() => actingTokens({ ...base, keys: [{ ...testKey('k1'), alg: 'RS256' as any }] })).toThrow(/alg must be one of/);
    expect(() => actingTokens({ ...base, keys: [testKey('k1'), testKey('k1')] })).toThrow(/used twice/);
    expect(() => actingTokens({ ...base, keys: [{ ...testKey('k1'), publicKey: testKey('k2').publicPem }] })).toThrow(/not the public half/);
    expect(() => actingTokens({ ...base, audiences: [], keys: [testKey('k1')] })).toThrow(/audiences/);
    expect(() => actingTokens({ audiences: [API_AUDIENCE], keys: [testKey('k1')] } as any)).toThrow(/issuer/);
    expect(() => actingTokens({ ...base, keys: [testKey('k1')], ttlSeconds: 0 })).toThrow(/ttlSeconds/);
  });

  it('reads keys given as JWKs', async () => {
    const { createPrivateKey } = await import('node:crypto');
    const jwk = createPrivateKey(testKey('k1').privateKey as string).export({ format: 'jwk' });
    const tokens = actingTokens({ ...base, keys: [{ kid: 'j1', alg: 'EdDSA', privateKey: jwk }] });
    expect(tokens.jwks.keys[0]).toMatchObject({ kid: 'j1', x: jwk.x });
    expect(tokens.jwks.keys[0]).not.toHaveProperty('d');
  });
});
