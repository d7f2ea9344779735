import { rmSync } from 'node:fs';
import { createClient, type RedisClientType } from 'redis';
import { fanoutAudit, fileAudit, memoryAudit } from '../../../server/audit/index.js';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { redisStore } from '../../../server/redis/index.js';
import { Client } from '../../helpers/http.js';
import { recordTypes, startHost } from '../../helpers/host.js';
import { startIdentityHost, type IdentityHost } from '../../helpers/identity-host.js';
import { startRedis, type RedisProcess } from '../../helpers/redis.js';
import { tempDir } from '../audit/fixtures.js';

let host: IdentityHost | undefined;
afterEach(async () => {
  await host?.close();
  host = undefined;
});

describe('ob.close(): the shutdown', () => {
  it('with the memory store, ends every live session as shutdown, on the record before close() resolves; twice is once', async () => {
    host = await startIdentityHost({ signIn: 'session-key' });
    const a = await host.signIn('avery');
    expect((await a.start('2')).status).toBe(200);
    await Promise.all([host.ob.close(), host.ob.close()]);
    expect(recordTypes(host)).toEqual(['started', 'ended:shutdown']);
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
      expect(recordTypes(host)).toEqual(['started', 'ended:exit']);
    });
  });

  it('at start-up, a file audit (here a fan-out’s primary) with the memory store: a started an earlier process left without an end is ended as lost before any start', async () => {
    const dir = tempDir('onbehalf-orphans-');
    try {
      const earlier = fileAudit({ dir, warn: () => {} });
      const person = (id: string) => ({ id, name: id });
      await earlier.write({ id: 'e1', time: new Date().toISOString(), type: 'started', actor: person('avery'), subject: person('ashley'), reason: 'Left live by a crash', sessionId: 'orphan-1' });
      await earlier.write({ id: 'e2', time: new Date().toISOString(), type: 'started', actor: person('sam'), subject: person('bob'), reason: 'Ended properly', sessionId: 'done-1' });
      await earlier.write({ id: 'e3', time: new Date().toISOString(), type: 'ended', actor: person('sam'), subject: person('bob'), sessionId: 'done-1', cause: 'exit' });
      await earlier.close();

      const sink = fileAudit({ dir, warn: () => {} });
      const h = await startHost({ audit: fanoutAudit({ primary: sink, secondary: [memoryAudit()] }) });
      const avery = await h.signIn('avery');
      const started = await avery.start('ashley');
      expect(started.status).toBe(200);
      const { events } = await sink.query({ limit: 100 });
      expect(events.map((e) => `${e.type}:${e.sessionId}${e.cause ? `:${e.cause}` : ''}`)).toEqual([
        'started:orphan-1', 'started:done-1', 'ended:done-1:exit', 'ended:orphan-1:lost', `started:${started.json.session.sessionId}`,
      ]);
      expect(events[3]).toMatchObject({ actor: { id: 'avery' }, subject: { id: 'ashley' }, reason: 'Left live by a crash' });
      expect(h.warnings).toContainEqual(expect.stringContaining('audited 1 session(s) an earlier process left live'));
      await h.close();
      await sink.close();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
