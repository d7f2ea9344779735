import { randomUUID } from 'node:crypto';
import { createClient, type RedisClientType } from 'redis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { redisStore } from '../../../server/redis/index.js';
import { actingTokens, TOKEN_EXCHANGE_GRANT } from '../../../server/tokens/index.js';
import { startHost, type TestHost } from '../../helpers/host.js';
import { startRedis, type RedisProcess } from '../../helpers/redis.js';
import { API_AUDIENCE, closeAfterEach, ISSUER, startApi, testKey, type TestApi } from '../../helpers/tokens.js';

let redis: RedisProcess;
const clients: RedisClientType[] = [];
const owned = closeAfterEach();
beforeAll(async () => {
  redis = await startRedis();
});
afterAll(async () => {
  await Promise.all(clients.map((c) => c.quit().catch(() => undefined)));
  await redis?.stop();
});

async function connect(): Promise<RedisClientType> {
  const client: RedisClientType = createClient({ url: redis.url, disableOfflineQueue: true });
  client.on('error', () => undefined);
  await client.connect();
  clients.push(client);
  return client;
}

/**
 * The host app (Redis sessions of onbehalf) and an API service in front of the same Redis, each
 * with its own connection; the API keeps records and verified tokens in memory.
 */
async function deployment(hostOptions: Parameters<typeof startHost>[0] = {}, { apiSessions = 'redis', ttlSeconds = 300 }: { apiSessions?: 'redis' | false; ttlSeconds?: number } = {}) {
  const prefix = `t${randomUUID().slice(0, 8)}:`;
  const hostStore = redisStore({ client: await connect(), prefix });
  const host: TestHost = await startHost({ store: hostStore, tokens: actingTokens({ issuer: ISSUER, audiences: [API_AUDIENCE], keys: [testKey('k1')], ttlSeconds }), ...hostOptions });
  owned(host);
  const apiStore = apiSessions === 'redis' ? redisStore({ client: await connect(), prefix, cacheTtlMs: 60_000, warn: () => undefined }) : false;
  if (apiStore) owned(apiStore);
  const api: TestApi = await startApi({ jwks: `${host.url}/onbehalf/jwks.json`, sessions: apiStore, clockToleranceSeconds: 0 });
  owned(api);
  const admin = await host.signIn('avery');
  expect((await admin.start('ashley')).status).toBe(200);
  const token = (await admin.post('/onbehalf/token', { grant_type: TOKEN_EXCHANGE_GRANT, audience: API_AUDIENCE })).json.access_token as string;
  // Warm: the token is remembered and the record held in the API's memory.
  for (let i = 0; i < 3; i++) expect((await api.call('GET', '/me', token)).status).toBe(200);
  return { host, api, admin, token };
}

/** Milliseconds until the API refuses the token with `code`, polling; fails after 3 s. */
async function refusedWithin(api: TestApi, token: string, code = 'TOKEN_REVOKED'): Promise<number> {
  const t0 = performance.now();
  for (;;) {
    const r = await api.call('GET', '/me', token);
    if (r.status === 401) {
      expect(r.json.error.code).toBe(code);
      return performance.now() - t0;
    }
    expect(r.status).toBe(200);
    if (performance.now() - t0 > 3000) throw new Error('the API still accepts the token 3 s after its session ended');
    await new Promise((r) => setTimeout(r, 10));
  }
}

describe('revocation reaches the API service through Redis', () => {
  it('exit on the host: the next API calls are refused within 1 s', async () => {
    const { api, admin, token } = await deployment();
    expect((await admin.stop()).status).toBe(200);
    expect(await refusedWithin(api, token)).toBeLessThan(1000);
  });

  it('revoke by an auditor (or ob.revoke): refused within 1 s', async () => {
    const { host, api, token } = await deployment();
    expect(await host.ob.revoke({ actorId: 'avery' })).toBe(1);
    expect(await refusedWithin(api, token)).toBeLessThan(1000);
  });

  it('the actor loses the permission: the host ends the session on its next request, the API follows within 1 s', async () => {
    const { host, api, admin, token } = await deployment();
    host.users.get('avery')!.permissions = [];
    await admin.get('/whoami');
    expect(await refusedWithin(api, token)).toBeLessThan(1000);
  });

  it('the session reaches its hard limit: the token, capped at that end, stops with it', async () => {
    const { api, token } = await deployment({ maxDurationMs: 1500 });
    const ms = await refusedWithin(api, token, 'TOKEN_EXPIRED');
    // Started ~1.5 s before its end; the API never served past it.
    expect(ms).toBeLessThan(1500);
  });

  it('without a shared store, a token outlives its session until its own exp (the documented bound)', async () => {
    const { api, admin, token } = await deployment({}, { apiSessions: false, ttlSeconds: 1 });
    await admin.stop();
    expect((await api.call('GET', '/me', token)).status).toBe(200);
    expect(await refusedWithin(api, token, 'TOKEN_EXPIRED')).toBeLessThan(1500);
  });
});
