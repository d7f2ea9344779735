import express from 'express';
import session from 'express-session';
import { attribution, memoryAudit, onBehalf, type DirectoryUser, type OnBehalf, type OnBehalfOptions } from '../../server/index.js';
import type { AuditEvent } from '../../shared/index.js';
import { Client, listen } from './http.js';

/** What a host's audit recorded, in order: each record's type, an end with its cause (`ended:expired`). */
export const recordTypes = (host: { audit: { events: readonly AuditEvent[] } }) => host.audit.events.map((e) => (e.type === 'ended' ? `ended:${e.cause}` : e.type));

/** The people of the test host (a small directory that tests may change mid-session). */
export function testUsers(): Map<string, DirectoryUser> {
  const list: DirectoryUser[] = [
    { id: 'avery', name: 'Avery Admin', email: 'avery@contoso.test', active: true, permissions: ['impersonate'], privilege: 100 },
    { id: 'sam', name: 'Sam Support', email: 'sam@contoso.test', active: true, permissions: ['impersonate'], privilege: 50 },
    { id: 'tess', name: 'Tess Tenant', email: 'tess@contoso.test', active: true, permissions: [], privilege: 100 },
    { id: 'olga', name: 'Olga Owner', email: 'olga@contoso.test', active: true, permissions: [], privilege: 20 },
    { id: 'ashley', name: 'Ashley', email: 'ashley@contoso.test', active: true },
    { id: 'bob', name: 'Bob Member', email: 'bob@contoso.test', active: true },
    { id: 'ivan', name: 'Ivan Inactive', email: 'ivan@contoso.test', active: false },
    { id: 'priya', name: 'Priya Private', email: 'priya@contoso.test', active: true },
    { id: 'aud', name: 'Audrey Auditor', email: 'audrey@contoso.test', active: true, permissions: ['audit:read'] },
    { id: 'mallory', name: '<img src=x onerror=alert(1)>"Mal', email: 'mallory@contoso.test', active: true },
  ];
  return new Map(list.map((u) => [String(u.id), u]));
}

/** The warnings onBehalf gives at start-up with NODE_ENV=production and no store (so the memory one). */
export function warningsInProduction(): string[] {
  const warnings: string[] = [];
  const prev = process.env.NODE_ENV;
  process.env.NODE_ENV = 'production';
  try {
    onBehalf({ users: { get: () => undefined, search: () => [] }, currentUser: () => undefined, audit: memoryAudit(), warn: (m) => warnings.push(m), sweepIntervalMs: 0 });
  } finally {
    process.env.NODE_ENV = prev;
  }
  return warnings;
}

export interface TestHost {
  url: string;
  ob: OnBehalf;
  audit: ReturnType<typeof memoryAudit>;
  users: Map<string, DirectoryUser>;
  warnings: string[];
  /** How many times the host's write handler (`POST /notes`) has run. */
  readonly notesSaved: number;
  client(): Client;
  /** A client already signed in as `userId`. */
  signIn(userId: string): Promise<Client>;
  close(): Promise<void>;
}

/**
 * A real Express host on 127.0.0.1 with real express-session, its own sign-in, and onbehalf
 * mounted as the README says. Routes echo who each request was served as.
 */
export async function startHost(
  overrides: Partial<OnBehalfOptions> & {
    banner?: boolean;
    sessionMaxAgeMs?: number;
    cookie?: session.CookieOptions;
    /** A host middleware mounted right after onbehalf (e.g. a "change your password first" gate). */
    gate?: express.RequestHandler;
  } = {},
): Promise<TestHost> {
  const users = testUsers();
  const audit = memoryAudit();
  const warnings: string[] = [];
  const app = express();
  app.use(
    session({
      secret: 'test-secret',
      resave: false,
      saveUninitialized: false,
      cookie: { httpOnly: true, sameSite: 'lax', ...(overrides.sessionMaxAgeMs && { maxAge: overrides.sessionMaxAgeMs }), ...overrides.cookie },
    }),
  );
  // The host's own sign-in (stands in for a real login page).
  app.post('/login', express.json(), (req, res) => {
    const id = String(req.body?.userId ?? '');
    if (!users.has(id)) return res.status(401).json({ error: { code: 'NOT_SIGNED_IN', message: 'unknown' } });
    req.session.regenerate(() => {
      (req.session as any).userId = id;
      res.json({ ok: true });
    });
  });
  const { banner, sessionMaxAgeMs: _maxAge, cookie: _cookie, gate, ...options } = overrides;
  const ob = onBehalf({
    users: {
      get: (id) => users.get(String(id)),
      search: (q, limit) => [...users.values()].filter((u) => `${u.name} ${u.email}`.toLowerCase().includes(q.toLowerCase())).slice(0, limit),
    },
    currentUser: (req) => (req.session as any).userId,
    audit,
    // W4 as a domain model would plug it in (the OKR model's rule is tested in test/server/okr).
    canBeImpersonated: ({ target }) => (target.id === 'priya' ? 'TARGET_PRIVATE_OBJECTIVES' : true),
    warn: (m) => warnings.push(m),
    sweepIntervalMs: 0,
    ...options,
  });
  app.use(ob);
  if (gate) app.use(gate);
  if (banner) app.use(ob.banner());

  app.post('/logout', async (req, res) => {
    await ob.logout(req);
    req.session.destroy(() => res.json({ ok: true }));
  });
  const who = (req: express.Request) => ({ onBehalf: req.onBehalf, pref: (req.session as any).pref });
  app.get('/', (req, res) => res.type('html').send(`<!doctype html><html><body><h1>Home of ${req.onBehalf?.userId ?? 'nobody'}</h1></body></html>`));
  app.get('/whoami', (req, res) => res.json(who(req)));
  let notesSaved = 0;
  app.post('/notes', express.json(), (req, res) => {
    notesSaved++;
    res.status(201).json({ savedAs: req.onBehalf?.userId, ...who(req) });
  });
  // A host write that stores the attribution beside its row (docs/subject.md).
  app.post('/rows', express.json(), (req, res) => res.status(201).json({ row: { text: req.body?.text, ...attribution(req) } }));
  app.post('/prefs', express.json(), (req, res) => {
    (req.session as any).pref = req.body?.pref;
    res.json({ ok: true });
  });
  app.get('/account/password', (_req, res) => res.send('change your password'));
  app.get('/cached', (_req, res) => res.set('Cache-Control', 'public, max-age=3600').type('html').send('<p>cacheable</p>'));
  // Headers handed to writeHead itself: Node applies them after every setHeader.
  app.get('/cached-head', (_req, res) => res.writeHead(200, { 'cache-control': 'public, max-age=3600', 'Content-Type': 'text/html' }).end('<p>cacheable</p>'));
  app.get('/cached-head-list', (_req, res) => res.writeHead(200, 'OK', ['Cache-Control', 'public, max-age=3600', 'Content-Type', 'text/html']).end('<p>cacheable</p>'));
  app.get('/stream', (_req, res) => {
    res.type('html');
    res.write('<html><body>part one ');
    setTimeout(() => res.end('part two</body></html>'), 5);
  });

  const { url, close } = await listen(app);
  const basePath = options.basePath ?? '/onbehalf';
  return {
    url,
    ob,
    audit,
    users,
    warnings,
    get notesSaved() {
      return notesSaved;
    },
    client: () => new Client(url, basePath),
    async signIn(userId) {
      const c = new Client(url, basePath);
      const r = await c.request('POST', '/login', { body: { userId } });
      if (r.status !== 200) throw new Error(`sign-in as ${userId} failed: ${r.status}`);
      return c;
    },
    async close() {
      await ob.close();
      await close();
    },
  };
}
