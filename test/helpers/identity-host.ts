// A small real host for the identity adapters: express-session, its own sign-in (passport-local or
// a session key), routes that read the host's own identity and never req.onBehalf.
import express5 from 'express';
import express4 from 'express4';
import session from 'express-session';
import { Passport } from 'passport';
import { Strategy as LocalStrategy } from 'passport-local';
import { memoryAudit, memoryStore, onBehalf, passportIdentity, sessionKeyIdentity, type DirectoryUser, type OnBehalf, type OnBehalfOptions } from '../../server/index.js';
import { Client, listen } from './http.js';

/** The host's own user rows: integer ids, as SQL gives them. */
export interface Row {
  id: number;
  username: string;
  name: string;
  admin?: boolean;
}
export const ROWS: Row[] = [
  { id: 1, username: 'avery', name: 'Avery Admin', admin: true },
  { id: 2, username: 'ashley', name: 'Ashley Kim' },
  { id: 3, username: 'bob', name: 'Bob Member' },
];
const byId = (id: unknown) => ROWS.find((r) => r.id === Number(id));
const directoryUser = (r: Row): DirectoryUser => ({ id: r.id, name: r.name, active: true, ...(r.admin && { permissions: ['impersonate'], privilege: 100 }) });

export interface IdentityHostOptions {
  /** Which sign-in the host has. */
  signIn: 'passport' | 'session-key';
  express?: 4 | 5;
  /** passport: `passport.session()` mounted after onbehalf, the misconfiguration onbehalf must refuse. */
  passportAfterOnBehalf?: boolean;
  /** passport: serializeUser stores `{ id, username }` (as the passport todos example does) instead of the id. */
  serializeObject?: boolean;
  /** onbehalf options to use instead of the recipe's (e.g. a bare currentUser). */
  onbehalf?: (passport: InstanceType<typeof Passport>) => Partial<OnBehalfOptions>;
  /** Keep these across hosts, to restart the server with the same sessions and audit. */
  sessionStore?: session.Store;
  audit?: ReturnType<typeof memoryAudit>;
  now?: () => number;
}

export interface IdentityHost {
  url: string;
  ob: OnBehalf;
  audit: ReturnType<typeof memoryAudit>;
  sessionStore: session.Store;
  warnings: string[];
  /** Notes created through the host's own route, with the owner it read. */
  notes: Array<{ owner: unknown; text: string }>;
  signIn(username: string, client?: Client): Promise<Client>;
  close(): Promise<void>;
  /** Stop serving as a crash would: without onbehalf's shutdown (its sessions are left as they are). */
  crash(): void;
}

export async function startIdentityHost(options: IdentityHostOptions): Promise<IdentityHost> {
  const express = (options.express === 4 ? express4 : express5) as unknown as typeof express5;
  const audit = options.audit ?? memoryAudit();
  const sessionStore = options.sessionStore ?? new session.MemoryStore();
  const warnings: string[] = [];
  const notes: IdentityHost['notes'] = [];
  const passport = new Passport();
  const app = express();
  app.use(express.json(), express.urlencoded({ extended: false }));
  app.use(session({ secret: 'identity-test', resave: false, saveUninitialized: false, store: sessionStore, cookie: { httpOnly: true, sameSite: 'lax' } }));

  const users = { get: (id: string | number) => { const r = byId(id); return r && directoryUser(r); }, search: () => ROWS.map(directoryUser) };
  let ob: OnBehalf;
  if (options.signIn === 'passport') {
    passport.use(new LocalStrategy((username, _password, cb) => cb(null, ROWS.find((r) => r.username === username) ?? false)));
    passport.serializeUser((user: any, cb) => cb(null, options.serializeObject ? { id: user.id, username: user.username } : user.id));
    // What the host's own code sees as req.user: its own row, marked as coming from deserializeUser.
    passport.deserializeUser((s: any, cb) => {
      const r = byId(options.serializeObject ? s.id : s);
      cb(null, r ? { ...r, from: 'deserializeUser' } : false);
    });
    if (!options.passportAfterOnBehalf) app.use(passport.session());
  }
  ob = onBehalf({
    users,
    audit,
    store: memoryStore(),
    identity: options.signIn === 'passport' ? passportIdentity(passport, options.serializeObject ? { user: (id) => byId(id) } : {}) : sessionKeyIdentity('userId'),
    warn: (m) => warnings.push(m),
    sweepIntervalMs: 0,
    ...(options.now && { now: options.now }),
    ...options.onbehalf?.(passport),
  } as OnBehalfOptions);

  // A route mounted before onbehalf that signs in again (onbehalf never sees it).
  app.post('/early-login', (req, res) => {
    req.session.regenerate(() => {
      if (options.signIn === 'passport') (req.session as any).passport = { user: options.serializeObject ? { id: 1, username: 'avery' } : 1 };
      else (req.session as any).userId = 1;
      res.json({ ok: true });
    });
  });
  app.use(ob);
  if (options.passportAfterOnBehalf) app.use(passport.session());
  // The host's own sign-in and logout, as they were before onbehalf.
  const call = (fn: (cb: (err?: unknown) => void) => void) => new Promise<void>((resolve, reject) => fn((err) => (err ? reject(err) : resolve())));
  if (options.signIn === 'passport') {
    app.post('/login', passport.authenticate('local', { failWithError: true }), (_req, res) => res.json({ ok: true }));
    app.post('/logout', (req, res, next) => req.logout((err) => (err ? next(err) : res.json({ ok: true }))));
  } else {
    app.post('/login', (req, res, next) => {
      const r = ROWS.find((x) => x.username === req.body?.username);
      if (!r) return res.status(401).json({ error: 'unknown' });
      req.session.regenerate((err) => {
        if (err) return next(err);
        (req.session as any).userId = r.id;
        res.json({ ok: true });
      });
    });
    // Some apps sign in by writing the key, with no regenerate.
    app.post('/switch', (req, res) => {
      (req.session as any).userId = ROWS.find((x) => x.username === req.body?.username)?.id;
      res.json({ ok: true });
    });
    app.post('/logout', (req, res, next) => call((cb) => req.session.destroy(cb)).then(() => res.json({ ok: true }), next));
  }
  const me = (req: express5.Request) =>
    options.signIn === 'passport' ? (req as any).user : (req.session as any).userId === undefined ? undefined : byId((req.session as any).userId);
  app.get('/me', (req, res) =>
    res.json({ me: me(req) ?? null, authenticated: options.signIn === 'passport' ? (req as any).isAuthenticated() : me(req) !== undefined, onBehalf: req.onBehalf, pref: (req.session as any).pref }),
  );
  // Host data kept in the session (a cart, a current team): /me shows it.
  app.post('/prefs', (req, res) => {
    (req.session as any).pref = req.body?.pref;
    res.json({ ok: true });
  });
  app.post('/notes', (req, res) => {
    const owner = me(req)?.id;
    notes.push({ owner, text: String(req.body?.text) });
    res.status(201).json({ owner });
  });
  app.use((err: any, _req: express5.Request, res: express5.Response, _next: express5.NextFunction) => res.status(err.status ?? 500).json({ error: String(err.message) }));

  const { server, url, close } = await listen(app);
  return {
    url,
    ob,
    audit,
    sessionStore,
    warnings,
    notes,
    async signIn(username, client = new Client(url)) {
      const r = await client.request('POST', '/login', { body: { username, password: 'pw' } });
      if (r.status !== 200) throw new Error(`sign-in as ${username}: ${r.status} ${r.text}`);
      return client;
    },
    async close() {
      await ob.close();
      await close();
    },
    crash() {
      server.closeAllConnections();
      server.close();
    },
  };
}
