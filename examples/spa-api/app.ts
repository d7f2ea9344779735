import { build } from 'esbuild';
import express, { type Express } from 'express';
import session, { type Store } from 'express-session';
import helmet from 'helmet';
import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { onBehalf, type AuditSink, type DirectoryUser, type ImpersonationStore, type OnBehalf } from 'onbehalf';
import { actingTokens, type TokenKeyConfig } from 'onbehalf/tokens';

export interface SpaAppOptions {
  /** This app's own origin: the tokens' `iss`. */
  origin: string;
  /** The API service the SPA calls: its origin and its audience. */
  api: { origin: string; audience: string };
  keys: TokenKeyConfig[];
  store: ImpersonationStore;
  audit: AuditSink;
  sessionSecret: string;
  sessionStore?: Store;
}

/** The example's people: one support admin, two users. */
export const PEOPLE: DirectoryUser[] = [
  { id: 'avery', name: 'Avery Admin', active: true, permissions: ['impersonate'], privilege: 100 },
  { id: 'ashley', name: 'Ashley', active: true },
  { id: 'bob', name: 'Bob', active: true },
];
/** The example's sign-in takes this password for everyone: stands in for the app's real login. */
export const EXAMPLE_PASSWORD = 'example';

/** The repository root, from the source (examples/spa-api) or the build (dist/examples/spa-api). */
function repoRoot(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  while (!existsSync(join(dir, 'shared', 'client.ts'))) {
    const up = dirname(dir);
    if (up === dir) throw new Error('spa-api example: shared/client.ts not found above this file.');
    dir = up;
  }
  return dir;
}

/** The SPA's script, bundled once: it imports the typed client as a host's SPA would ("onbehalf/client"). */
async function bundleSpa(): Promise<string> {
  const root = repoRoot();
  const out = await build({
    entryPoints: [resolve(root, 'examples/spa-api/spa/app.js')],
    bundle: true,
    write: false,
    format: 'esm',
    target: 'es2022',
    minify: true,
    alias: { 'onbehalf/client': resolve(root, 'shared/client.ts') },
    logLevel: 'silent',
  });
  return out.outputFiles[0].text;
}

const escapeAttr = (s: string) => s.replace(/[&"<>]/g, (c) => `&#${c.charCodeAt(0)};`);

/** The app: its own cookie sign-in, onbehalf with acting tokens, and the SPA's static page. */
export async function createSpaApp(o: SpaAppOptions): Promise<{ app: Express; ob: OnBehalf }> {
  const users = new Map(PEOPLE.map((u) => [u.id, u]));
  const script = await bundleSpa();
  const page = (await import('node:fs/promises')).readFile(resolve(repoRoot(), 'examples/spa-api/spa/index.html'), 'utf8');
  const html = (await page).replace('{{API}}', escapeAttr(o.api.origin)).replace('{{AUDIENCE}}', escapeAttr(o.api.audience));

  const app = express();
  app.disable('x-powered-by');
  app.use(helmet({ contentSecurityPolicy: { directives: { 'connect-src': ["'self'", o.api.origin] } } }));
  app.use(
    session({
      secret: o.sessionSecret,
      resave: false,
      saveUninitialized: false,
      cookie: { httpOnly: true, sameSite: 'lax' },
      ...(o.sessionStore && { store: o.sessionStore }),
    }),
  );
  const ob = onBehalf({
    users: {
      get: (id) => users.get(id),
      search: (q, limit) => PEOPLE.filter((u) => u.name.toLowerCase().includes(q.toLowerCase())).slice(0, limit),
    },
    currentUser: (req) => req.session.userId,
    audit: o.audit,
    store: o.store,
    tokens: actingTokens({ issuer: o.origin, audiences: [o.api.audience], keys: o.keys }),
  });
  app.use(ob);

  app.post('/login', express.urlencoded({ extended: false, limit: '2kb' }), (req, res, next) => {
    const id = String(req.body?.userId ?? '');
    if (!users.has(id) || req.body?.password !== EXAMPLE_PASSWORD) return res.status(401).type('text').send('Unknown user or wrong password.');
    req.session.regenerate((err) => {
      if (err) return next(err);
      req.session.userId = id;
      res.redirect(303, '/');
    });
  });
  app.post('/logout', async (req, res, next) => {
    try {
      await ob.logout(req);
      req.session.destroy(() => res.redirect(303, '/'));
    } catch (err) {
      next(err);
    }
  });
  app.get('/', (_req, res) => res.type('html').send(html));
  app.get('/app.js', (_req, res) => res.type('text/javascript').send(script));
  return { app, ob };
}

declare module 'express-session' {
  interface SessionData {
    userId?: string;
  }
}
