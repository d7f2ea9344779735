import { createClient, type RedisClientType } from 'redis';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { redisStore } from '../../../server/redis/index.js';
import { Client } from '../../helpers/http.js';
import { startIdentityHost, type IdentityHost } from '../../helpers/identity-host.js';
import { startRedis, type RedisProcess } from '../../helpers/redis.js';

let host: IdentityHost | undefined;
afterEach(async () => {
  await host?.close();
  host = undefined;
});
const types = (h: IdentityHost) => h.audit.events.map((e) => (e.type === 'ended' ? `ended:${e.cause}` : e.type));

describe('ob.close(): the shutdown', () => {
  it('with the memory store, ends every live session as shutdown, on the record before close() resolves; twice is once', async () => {
    host = await startIdentityHost({ signIn: 'session-key' });
    const a = await host.signIn('avery');
    expect((await a.start('2')).status).toBe(200);
    await Promise.all([host.ob.close(), host.ob.close()]);
    expect(types(host)).toEqual(['started', 'ended:shutdown']);
    expect(host.audit.events.at(-1)).toMatchObject({ actor: { id: 1 }, subject: { id: 2 }, cause: 'shutdown' });
  });

  describe('with the Redis store', () => {
    let redis: RedisProcess;
    const clients: RedisClientType[] = [];
    beforeAll(async () => {
      redis = await startRedis();
    });
    afterAll(async () => {
      for (const c of clients) await c.close().catch(() => {});
      await redis.stop();
    });
    const connect = async () => {
      const c: RedisClientType = createClient({ url: redis.url, disableOfflineQueue: true });
      c.on('error', () => {});
      await c.connect();
      clients.push(c);
      return c;
    };

    it('keeps live sessions for the next process: nothing is ended at shutdown, and the session goes on there', async () => {
      const store = redisStore({ client: await connect() });
      host = await startIdentityHost({ signIn: 'session-key', onbehalf: () => ({ store }) });
      const admin = await host.signIn('avery');
      expect((await admin.start('2')).status).toBe(200);
      const { sessionStore, audit } = host;
      await host.close();
      host = undefined;
      expect(audit.events.map((e) => e.type)).toEqual(['started']);

      const next = redisStore({ client: await connect() });
      host = await startIdentityHost({ signIn: 'session-key', sessionStore, audit, onbehalf: () => ({ store: next }) });
      const moved = new Client(host.url);
      moved.setCookie('connect.sid', admin.cookie()!);
      expect((await moved.status())).toMatchObject({ active: true, session: { subject: { id: 2 } } });
      expect((await moved.stop()).status).toBe(200);
      expect(types(host)).toEqual(['started', 'ended:exit']);
    });
  });
});
