// A small real host app for the extension's tests and bench: express-session, a sign-in route,
// a tiny in-memory user directory and the real onBehalf middleware.
import { randomUUID } from 'node:crypto';
import express from 'express';
import session from 'express-session';
import { listen } from '../helpers/http.js';
import { ATTACKS } from './attacks.js';
import { memoryAudit, onBehalf, type DirectoryUser, type OnBehalf, type OnBehalfOptions } from '../../server/index.js';

declare module 'express-session' {
  interface SessionData {
    userId?: string;
  }
}

/** How a page script finds the extension's banner host on the test pages (they have no popover of their own). */
export const BANNER_HOST = ':root > div[popover]';

export const ADMIN: DirectoryUser = { id: 'u-admin', name: 'Avery Admin', email: 'avery@example.test', active: true, permissions: ['impersonate'], privilege: 50 };
export const ASHLEY: DirectoryUser = { id: 'u-ashley', name: 'Ashley Kim', email: 'ashley@example.test', active: true, privilege: 0 };
export const INACTIVE: DirectoryUser = { id: 'u-ines', name: 'Ines Gone', email: 'ines@example.test', active: false, privilege: 0 };
export const OTHER_ADMIN: DirectoryUser = { id: 'u-olga', name: 'Olga Admin', email: 'olga@example.test', active: true, permissions: ['impersonate'], privilege: 50 };
/** A name that would run script if it were ever inserted as HTML. */
export const TRICKY: DirectoryUser = { id: 'u-tricky', name: 'Bobby <img src=x onerror=alert(1)>', email: 'bobby@example.test', active: true, privilege: 0 };
export const DEFAULT_USERS = [ADMIN, ASHLEY, INACTIVE, OTHER_ADMIN, TRICKY];

/** `count` ordinary users, for the picker's latency bench. */
export function manyUsers(count: number): DirectoryUser[] {
  return Array.from({ length: count }, (_, i) => ({ id: `u-${i}`, name: `User ${i} Example`, email: `user${i}@example.test`, active: true, privilege: 0 }));
}

export interface TestHost {
  /** e.g. `http://127.0.0.1:41234` */
  origin: string;
  ob: OnBehalf;
  close(): Promise<void>;
}

export interface TestHostOptions {
  users?: DirectoryUser[];
  /** Overrides for onBehalf (e.g. a short `maxDurationMs`). */
  onBehalf?: Partial<OnBehalfOptions>;
  /** Mount the server-rendered banner too. Default false. */
  serverBanner?: boolean;
}

/** The host's page: who the app serves, an SPA link, and a fixed footer the banner must not hide. */
function page(who: string): string {
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Test host</title>
<style>body{font-family:sans-serif;margin:0;padding:16px}footer{position:fixed;bottom:0;left:0;right:0;background:#036;color:#fff;padding:4px}</style></head>
<body><h1 id="who">${who}</h1>
<a id="spa-link" href="/spa/next">Next (SPA)</a>
<div id="content">First view</div>
<footer id="page-footer">Page footer</footer>
<script>
document.getElementById('spa-link').addEventListener('click', (e) => {
  e.preventDefault();
  history.pushState({}, '', '/spa/next');
  // Frameworks often rebuild the whole body on navigation.
  document.body.innerHTML = '<h1 id="who">' + document.getElementById('who').textContent + '</h1><div id="content">Second view</div>';
});
</script></body></html>`;
}

const escape = (s: string) => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

export async function startTestHost(options: TestHostOptions = {}): Promise<TestHost> {
  const users = new Map((options.users ?? DEFAULT_USERS).map((u) => [u.id, u]));
  const list = [...users.values()];
  const app = express();
  // Cookies ignore ports: hosts on 127.0.0.1 side by side each need their own cookie name.
  const cookieName = `host-${randomUUID().slice(0, 8)}.sid`;
  app.use(session({ name: cookieName, secret: 'test-host-secret', resave: false, saveUninitialized: false, cookie: { sameSite: 'lax', httpOnly: true } }));
  const ob = onBehalf({
    users: {
      get: (id) => users.get(id),
      search: (q, limit) => {
        const needle = q.toLowerCase();
        const out: DirectoryUser[] = [];
        for (const u of list) {
          if (u.name.toLowerCase().includes(needle) || u.email?.toLowerCase().includes(needle)) out.push(u);
          if (out.length >= limit) break;
        }
        return out;
      },
    },
    currentUser: (req) => req.session.userId,
    audit: memoryAudit(),
    warn: () => undefined,
    ...options.onBehalf,
  });
  app.use(ob);
  if (options.serverBanner) app.use(ob.banner());
  // Test-only sign-in: the host's own auth, which onbehalf reads through currentUser.
  app.get('/test/signin', (req, res) => {
    const id = String(req.query.as ?? '');
    if (!users.has(id)) return void res.status(404).send('no such user');
    req.session.regenerate(() => {
      req.session.userId = id;
      req.session.save(() => res.redirect('/'));
    });
  });
  // A page that attacks the banner with one of the scripts in attacks.ts.
  app.get('/hostile/:attack', (req, res) => {
    const script = ATTACKS[req.params.attack];
    if (!script) return void res.status(404).send('no such attack');
    res.type('html').send(`<!doctype html><html lang="en" data-page><head data-page><meta charset="utf-8"><title>Hostile</title><script>${script}</script></head>` +
      `<body data-page><h1 id="who" data-page>Hostile page</h1><button id="page-button" data-page>Still usable</button></body></html>`);
  });
  app.get(['/', '/spa/next', '/other'], (req, res) => {
    const ctx = req.onBehalf;
    const who = ctx?.userId ? `Signed in as ${users.get(ctx.userId)?.name ?? ctx.userId}` : 'Signed out';
    res.type('html').send(page(escape(who)));
  });
  const { url, close } = await listen(app);
  return {
    origin: url,
    ob,
    close: async () => {
      await ob.close();
      await close();
    },
  };
}
