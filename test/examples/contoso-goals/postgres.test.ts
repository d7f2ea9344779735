import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { redisBackends, type RedisBackends } from '../../../examples/contoso-goals/redis.js';
import { pgAudit, verifyPgAudit } from '../../../server/postgres/index.js';
import { startPostgres, type PostgresProcess } from '../../helpers/postgres.js';
import { startRedis, type RedisProcess } from '../../helpers/redis.js';
import { startDemo, type RunningDemo } from './start-demo.js';

let db: PostgresProcess;
let redis: RedisProcess;
const backends: RedisBackends[] = [];
const instances: RunningDemo[] = [];
// Three instances of the demo behind one PostgreSQL and one Redis, as docs/scaling.md sets them up.
beforeAll(async () => {
  db = await startPostgres();
  redis = await startRedis();
  for (let i = 0; i < 3; i++) {
    const b = await redisBackends(redis.url, () => undefined);
    backends.push(b);
    instances.push(await startDemo({ sessionStore: b.sessionStore, impersonationStore: b.store, rateLimitStore: b.rateLimitStore, audit: pgAudit({ connectionString: db.url, warn: () => {} }) }));
  }
});
afterAll(async () => {
  for (const d of instances) await d.close();
  for (const b of backends) await b.close();
  await redis?.stop();
  db?.stop();
});

describe('DATABASE_URL + REDIS_URL: three demo instances, one trail', () => {
  it('an impersonation started on one instance is audited once, and Admin › Audit on every instance shows it', async () => {
    const [a, b, c] = instances;
    const avery = await a.signIn('avery@contoso.test');
    expect((await avery.start('ashley', 'Checking her key results on three instances')).status).toBe(200);
    // The same browser session, sent to another instance by the load balancer.
    const onB = b.client();
    onB.setCookie('connect.sid', avery.cookie()!);
    expect((await onB.stop()).status).toBe(200);
    for (const d of [a, b, c]) {
      const audrey = await d.signIn('audrey@contoso.test');
      const page = await audrey.get('/admin/audit?actor=avery');
      expect(page.status).toBe(200);
      expect(page.text).toContain('Checking her key results on three instances');
    }
    const events = (await c.demo.audit.query({ actor: 'avery' })).events.map((e) => e.type);
    expect(events.filter((t) => t === 'started')).toHaveLength(1);
    expect(events.filter((t) => t === 'ended')).toHaveLength(1);
    expect(await verifyPgAudit({ connectionString: db.url })).toMatchObject({ ok: true });
  });
});
