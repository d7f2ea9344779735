/**
 * The benchmark servers: every variant in this one process, each on its own port, so they share
 * one JIT and one heap and differ only by what the variant mounts (separate processes differed by
 * ±5 % on this machine with identical code). bench/host.ts loads one port at a time and reads this
 * process's CPU time around each load over IPC.
 *
 * Two baselines: the memory column is a host app on express-session's MemoryStore with
 * onbehalf's memoryStore(); the Redis column is the host app as several instances run it (README,
 * "Running several instances"): sessions in Redis through redisSessionStore(), and onbehalf's
 * redisStore() on the same client, plain and (column 'redis cached') with its opt-in cache.
 * onbehalf is the built library (dist/), as a host installs it; `npm run bench` builds it first.
 */
import express from 'express';
import session from 'express-session';
import helmet from 'helmet';
import { createServer, type Server } from 'node:http';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createClient } from 'redis';
// The built library, as a host runs it.
import { Passport } from 'passport';
import { memoryStore, onBehalf, passportIdentity, sessionKeyIdentity, type DirectoryUser, type ImpersonationStore } from '../../dist/server/index.js';
import { fileAudit } from '../../dist/server/audit/index.js';
import { memoryDirectory, okrModel, privateObjectivesRule } from '../../dist/server/okr/index.js';
import { generateDataset } from '../../dist/server/okr/dataset.js';
import { redisSessionStore, redisStore } from '../../dist/server/redis/index.js';
import { baselineColumn, IDENTITY_VARIANTS, signInOf, VARIANTS, type StoreColumn, type Variant } from './variants.js';


export interface ServerTarget {
  variant: Variant;
  store: StoreColumn | '-';
  port: number;
  cookie: string;
}

const redisUrl = process.argv[2] || undefined;
const send = (m: unknown) => process.send!(m);

// Exit cleanly on SIGTERM so `--cpu-prof` can write its profile.
process.on('SIGTERM', () => process.exit(0));
/** Session store writes (`set`) so far, per port: whether a variant makes express-session save on every request. */
const sessionWrites = new Map<number, number>();
process.on('message', (m: { type: string; port?: number }) => {
  if (m.type === 'cpu') {
    const u = process.cpuUsage();
    send({ type: 'cpu', micros: u.user + u.system });
  }
  if (m.type === 'session-writes') send({ type: 'session-writes', writes: sessionWrites.get(m.port!) ?? 0 });
});

/** The session store, counting its writes into `count`. */
function counted(store: session.Store, count: () => void): session.Store {
  const set = store.set.bind(store);
  store.set = (sid, sess, cb) => {
    count();
    set(sid, sess, cb);
  };
  return store;
}

/** One client per host app, as one instance of it would have. */
async function redisClient() {
  const client = createClient({ url: redisUrl, disableOfflineQueue: true });
  await client.connect();
  return client;
}

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
async function hostApp(variant: Variant, store: StoreColumn): Promise<ServerTarget> {
  // One admin per variant (one impersonation per actor; the Redis variants share a store), with
  // an id as short as the dataset's: the session holds it, and express-session hashes the session.
  const admin: DirectoryUser & { id: string } = { id: `a${people.size}`, name: 'Bench Admin', active: true, permissions: ['impersonate'], privilege: 100 };
  people.set(admin.id, admin);
  const client = store === 'memory' ? undefined : await redisClient();
  const app = express();
  const server = createServer(app);
  const port = await listen(server);
  const signIn = signInOf(variant);
  app.use(helmet());
  app.use(
    session({
      secret: 'bench',
      resave: false,
      saveUninitialized: false,
      cookie: { httpOnly: true, sameSite: 'lax' },
      store: counted(client ? redisSessionStore({ client, prefix: `bench:sess:${variant}:${store}:` }) : new session.MemoryStore(), () =>
        sessionWrites.set(port, (sessionWrites.get(port) ?? 0) + 1),
      ),
    }),
  );
  const passport = new Passport();
  if (signIn === 'passport') {
    passport.serializeUser((user, done) => done(null, (user as { id: string }).id));
    passport.deserializeUser((id: string, done) => done(null, people.get(id) ?? false));
    app.use(passport.session());
  }
  // Every variant serves the same user (the subject), signed in directly or worked on behalf of.
  app.post('/login', (req, res) => {
    const id = variant.startsWith('acting') ? admin.id : String(subject.id);
    if (signIn === 'passport') (req.session as unknown as { passport: { user: string } }).passport = { user: id };
    else (req.session as unknown as { userId: string }).userId = id;
    res.json({ ok: true });
  });
  if (variant !== 'host') {
    const impersonations: ImpersonationStore = client ? redisStore({ client, cacheTtlMs: store === 'redis cached' ? 1_000 : 0 }) : memoryStore();
    app.use(
      onBehalf({
        users: { get: (id) => people.get(String(id)), search: () => [] },
        ...(signIn === 'currentUser'
          ? { currentUser: (req: express.Request) => (req.session as unknown as { userId?: string }).userId }
          : { identity: signIn === 'passport' ? passportIdentity(passport) : sessionKeyIdentity('userId') }),
        audit: fileAudit({ dir: mkdtempSync(join(tmpdir(), 'onbehalf-bench-audit-')), warn: () => undefined }),
        store: impersonations,
        canBeImpersonated: privateObjectivesRule(okr),
        rateLimit: { limit: 1_000_000 },
        warn: () => undefined,
      }),
    );
  }
  // The host's own read of who is signed in: the recipes make it the subject while acting.
  const who = (req: express.Request): string | undefined =>
    signIn === 'passport'
      ? (req as unknown as { user?: { id: string } }).user?.id
      : signIn === 'sessionKey'
        ? (req.session as unknown as { userId?: string }).userId
        : (req.onBehalf?.userId ?? (req.session as unknown as { userId?: string }).userId);
  app.get('/api/okr', (req, res) => {
    const userId = who(req);
    res.json({ ok: Boolean(userId && okr.can(userId, 'view', someOkr.id)) });
  });
  app.post('/api/okr', (req, res) => res.json({ ok: Boolean(who(req)) }));

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
  for (const store of redisUrl ? (['memory', 'redis', 'redis cached'] as const) : (['memory'] as const)) {
    // A column with another column's baseline has no host app of its own.
    for (const variant of VARIANTS.slice(baselineColumn(store) === store ? 1 : 2)) targets.push(await hostApp(variant, store));
  }
  for (const variant of IDENTITY_VARIANTS) targets.push(await hostApp(variant, 'memory'));
  send({ type: 'ready', targets });
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
