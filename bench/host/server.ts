/**
 * One benchmark server in its own process, so its CPU time is its own. Started by bench/host.ts
 * with the variant in argv; answers over IPC: { port, cookie } once ready, then cpu readings.
 */
import express from 'express';
import session from 'express-session';
import helmet from 'helmet';
import { createServer } from 'node:http';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createClient } from 'redis';
import { fileAudit } from '../../server/audit/index.js';
import { memoryStore, onBehalf, type DirectoryUser, type ImpersonationStore } from '../../server/index.js';
import { redisStore } from '../../server/impersonation/store/redis.js';
import { generateDataset, memoryDirectory, okrModel } from '../../server/okr/index.js';
import type { Variant } from './variants.js';


const [variant, storeKind, redisUrl] = process.argv.slice(2) as [Variant, 'memory' | 'redis', string | undefined];
const send = (m: unknown) => process.send!(m);

// Exit cleanly on SIGTERM so `--cpu-prof` (see bench/README) can write its profile.
process.on('SIGTERM', () => process.exit(0));
process.on('message', (m: { type: string }) => {
  if (m.type === 'cpu') {
    const u = process.cpuUsage();
    send({ type: 'cpu', micros: u.user + u.system });
  }
});

async function main() {
  if (variant === 'node:http') {
    const srv = createServer((_req, res) => {
      res.setHeader('content-type', 'application/json');
      res.end('{"ok":true}');
    });
    await new Promise<void>((r) => srv.listen(0, '127.0.0.1', r));
    return send({ type: 'ready', port: (srv.address() as { port: number }).port });
  }

  const data = generateDataset({ size: 'tiny', seed: 7 });
  const okr = okrModel(memoryDirectory(data));
  const okrUsers = data.users;
  const people = new Map<string, DirectoryUser>(okrUsers.map((u) => [u.id, { id: u.id, name: u.name, email: u.email, active: u.active !== false }]));
  // One admin per server process: the Redis variants share one store, one session per actor.
  const admin: DirectoryUser = { id: `bench-admin-${process.pid}`, name: 'Bench Admin', active: true, permissions: ['impersonate'], privilege: 100 };
  people.set(admin.id, admin);
  const subject = okrUsers.find((u) => u.active !== false && !okr.hasPrivateObjectives(u.id))!;
  const someOkr = (data.okrs ?? []).find((o) => !o.private)!;

  const app = express();
  app.use(helmet());
  app.use(session({ secret: 'bench', resave: false, saveUninitialized: false, cookie: { httpOnly: true, sameSite: 'lax' } }));
  // Every variant serves the same user (the subject), signed in directly or worked on behalf of.
  app.post('/login', (req, res) => {
    (req.session as unknown as { userId: string }).userId = variant.startsWith('acting') ? admin.id : subject.id;
    res.json({ ok: true });
  });

  if (variant !== 'host') {
    let store: ImpersonationStore = memoryStore();
    if (storeKind === 'redis') {
      const client = createClient({ url: redisUrl, disableOfflineQueue: true });
      await client.connect();
      store = redisStore({ client: client as never });
    }
    const ob = onBehalf({
      users: { get: (id) => people.get(id), search: () => [] },
      currentUser: (req) => (req.session as unknown as { userId?: string }).userId,
      audit: fileAudit({ dir: mkdtempSync(join(tmpdir(), 'onbehalf-bench-audit-')), warn: () => undefined }),
      store,
      hasPrivateObjectives: (id) => okr.hasPrivateObjectives(id),
      rateLimit: { limit: 1_000_000 },
      warn: () => undefined,
    });
    app.use(ob);
  }
  const who = (req: express.Request) => req.onBehalf?.userId ?? (req.session as unknown as { userId?: string }).userId;
  app.get('/api/okr', (req, res) => {
    const userId = who(req);
    res.json({ ok: Boolean(userId && okr.can(userId, 'view', someOkr.id)) });
  });
  app.post('/api/okr', (req, res) => res.json({ ok: Boolean(who(req)) }));

  const srv = app.listen(0, '127.0.0.1');
  await new Promise<void>((r) => srv.once('listening', () => r()));
  const base = `http://127.0.0.1:${(srv.address() as { port: number }).port}`;

  // Sign in (and start acting) the way a browser would, then hand the cookie to the load generator.
  let cookie = '';
  const call = async (method: string, path: string, body?: unknown, headers: Record<string, string> = {}) => {
    const res = await fetch(base + path, {
      method,
      headers: { cookie, ...(body ? { 'content-type': 'application/json' } : {}), ...headers },
      body: body ? JSON.stringify(body) : undefined,
    });
    const set = res.headers.getSetCookie()[0];
    if (set) cookie = set.split(';')[0];
    return res.json() as Promise<Record<string, unknown>>;
  };
  await call('POST', '/login');
  if (variant.startsWith('acting')) {
    const { csrfToken } = await call('GET', '/onbehalf/status');
    const started = await call('POST', '/onbehalf/start', { userId: subject.id, reason: 'Benchmarking the acting path' }, { 'x-csrf-token': String(csrfToken) });
    if (!started.session) throw new Error(`bench: start failed: ${JSON.stringify(started)}`);
  }
  send({ type: 'ready', port: (srv.address() as { port: number }).port, cookie });
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
