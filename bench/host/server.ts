/**
 * The benchmark servers: every variant in this one process, each on its own port, so they share
 * one JIT and one heap and differ only by what the variant mounts (separate processes differed by
 * ±5 % on this machine with identical code). bench/host.ts loads one port at a time and reads this
 * process's CPU time around each load over IPC.
 */
import express from 'express';
import session from 'express-session';
import helmet from 'helmet';
import { createServer, type Server } from 'node:http';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createClient } from 'redis';
import { fileAudit } from '../../server/audit/index.js';
import { memoryStore, onBehalf, type DirectoryUser, type ImpersonationStore } from '../../server/index.js';
import { redisStore } from '../../server/impersonation/store/redis.js';
import { generateDataset, memoryDirectory, okrModel } from '../../server/okr/index.js';
import { VARIANTS, type Variant } from './variants.js';

export interface ServerTarget {
  variant: Variant;
  store: 'memory' | 'redis' | '-';
  port: number;
  cookie: string;
}

const redisUrl = process.argv[2] || undefined;
const send = (m: unknown) => process.send!(m);

// Exit cleanly on SIGTERM so `--cpu-prof` can write its profile.
process.on('SIGTERM', () => process.exit(0));
process.on('message', (m: { type: string }) => {
  if (m.type === 'cpu') {
    const u = process.cpuUsage();
    send({ type: 'cpu', micros: u.user + u.system });
  }
});

const listen = async (srv: Server) => {
  await new Promise<void>((r) => srv.listen(0, '127.0.0.1', r));
  return (srv.address() as { port: number }).port;
};

const data = generateDataset({ size: 'tiny', seed: 7 });
const okr = okrModel(memoryDirectory(data));
const people = new Map<string, DirectoryUser>(data.users.map((u) => [u.id, { id: u.id, name: u.name, email: u.email, active: u.active !== false }]));
const subject = data.users.find((u) => u.active !== false && !okr.hasPrivateObjectives(u.id))!;
const someOkr = (data.okrs ?? []).find((o) => !o.private)!;

/** One host app: express + helmet + express-session, with or without onbehalf. */
async function hostApp(variant: Variant, store: 'memory' | 'redis' | '-'): Promise<ServerTarget> {
  // One admin per variant: one impersonation per actor, and the Redis variants share a store.
  const admin: DirectoryUser = { id: `bench-admin-${variant}-${store}`, name: 'Bench Admin', active: true, permissions: ['impersonate'], privilege: 100 };
  people.set(admin.id, admin);
  const app = express();
  app.use(helmet());
  app.use(session({ secret: 'bench', resave: false, saveUninitialized: false, cookie: { httpOnly: true, sameSite: 'lax' } }));
  // Every variant serves the same user (the subject), signed in directly or worked on behalf of.
  app.post('/login', (req, res) => {
    (req.session as unknown as { userId: string }).userId = variant.startsWith('acting') ? admin.id : subject.id;
    res.json({ ok: true });
  });
  if (variant !== 'host') {
    let impersonations: ImpersonationStore = memoryStore();
    if (store === 'redis') {
      const client = createClient({ url: redisUrl, disableOfflineQueue: true });
      await client.connect();
      impersonations = redisStore({ client });
    }
    app.use(
      onBehalf({
        users: { get: (id) => people.get(id), search: () => [] },
        currentUser: (req) => (req.session as unknown as { userId?: string }).userId,
        audit: fileAudit({ dir: mkdtempSync(join(tmpdir(), 'onbehalf-bench-audit-')), warn: () => undefined }),
        store: impersonations,
        okr,
        rateLimit: { limit: 1_000_000 },
        warn: () => undefined,
      }),
    );
  }
  const who = (req: express.Request) => req.onBehalf?.userId ?? (req.session as unknown as { userId?: string }).userId;
  app.get('/api/okr', (req, res) => {
    const userId = who(req);
    res.json({ ok: Boolean(userId && okr.can(userId, 'view', someOkr.id)) });
  });
  app.post('/api/okr', (req, res) => res.json({ ok: Boolean(who(req)) }));
  const port = await listen(createServer(app));

  // Sign in (and start acting) the way a browser would, then hand the cookie to the load generator.
  let cookie = '';
  const call = async (method: string, path: string, body?: unknown, headers: Record<string, string> = {}) => {
    const res = await fetch(`http://127.0.0.1:${port}${path}`, {
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
  return { variant, store, port, cookie };
}

async function main() {
  const targets: ServerTarget[] = [];
  const bare = createServer((_req, res) => {
    res.setHeader('content-type', 'application/json');
    res.end('{"ok":true}');
  });
  targets.push({ variant: 'node:http', store: '-', port: await listen(bare), cookie: '' });
  targets.push(await hostApp('host', '-'));
  for (const store of redisUrl ? (['memory', 'redis'] as const) : (['memory'] as const)) {
    for (const variant of VARIANTS.slice(2)) targets.push(await hostApp(variant, store));
  }
  send({ type: 'ready', targets });
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
