import express from 'express';
import session from 'express-session';
import { afterEach, describe, expect, it } from 'vitest';
import { memoryAudit, onBehalf, sessionKeyIdentity } from '../../../server/index.js';
import { Client, listen, type Listening } from '../../helpers/http.js';

// Loaded by name: csrf-sync and csrf-csrf can't both be typed in one project.
const load = (name: string): Promise<any> => import(name);

/** Each library as its docs mount it, checking `_csrf` on the host's own form posts. */
const LIBRARIES: Record<string, () => Promise<express.RequestHandler | express.RequestHandler[]>> = {
  csurf: async () => (await load('csurf')).default(),
  // Double submit: the token's hash in a cookie (cookie-parser reads it), bound to the session id, which onbehalf rotates at start and stop.
  'csrf-csrf': async () => {
    const { doubleCsrf } = await load('csrf-csrf');
    const { doubleCsrfProtection } = doubleCsrf({
      getSecret: () => 'csrf-csrf test secret',
      getSessionIdentifier: (req: any) => req.session.id,
      cookieName: 'x-csrf-token',
      cookieOptions: { secure: false, sameSite: 'lax' },
      getCsrfTokenFromRequest: (req: any) => req.body?._csrf,
    });
    return [(await load('cookie-parser')).default(), doubleCsrfProtection];
  },
  'csrf-sync': async () => (await load('csrf-sync')).csrfSync({ getTokenFromRequest: (req: any) => req.body?._csrf }).csrfSynchronisedProtection,
  lusca: async () => (await load('lusca')).default.csrf(),
};

let server: Listening | undefined;
afterEach(() => server?.close());

const users = [
  { id: 1, name: 'Avery Admin', active: true, permissions: ['impersonate'], privilege: 100 },
  { id: 2, name: 'Ashley Kim', active: true },
];

async function host(library: string, order: 'before' | 'after') {
  const warnings: string[] = [];
  const app = express();
  app.use(express.urlencoded({ extended: false }), express.json());
  app.use(session({ secret: 'csrf-test', resave: false, saveUninitialized: false, cookie: { sameSite: 'lax' } }));
  app.post('/login', (req, res) => req.session.regenerate(() => ((req.session as any).userId = 1, res.json({ ok: true }))));
  const csrf = await LIBRARIES[library]();
  const ob = onBehalf({
    users: { get: (id) => users.find((u) => u.id === Number(id)), search: () => users },
    identity: sessionKeyIdentity('userId'),
    audit: memoryAudit(),
    warn: (m) => warnings.push(m),
    sweepIntervalMs: 0,
  });
  if (order === 'before') app.use(csrf, ob, ob.banner());
  else app.use(ob, ob.banner(), csrf);
  app.get('/form', (req: any, res) => res.type('html').send(`<html><body><form><input name="_csrf" value="${req.csrfToken()}"></form></body></html>`));
  app.post('/form', (req, res) => res.json({ savedAs: (req.session as any).userId }));
  server = await listen(app);
  return { url: server.url, warnings };
}

const fields = (html: string) => Object.fromEntries([...html.matchAll(/<input type="hidden" name="([^"]+)" value="([^"]*)">/g)].map((m) => [m[1], m[2]]));
const hostToken = (html: string) => /name="_csrf" value="([^"]+)"/.exec(html)![1];

describe.each(Object.keys(LIBRARIES))("with the host's own %s", (library) => {
  it.each(['before', 'after'] as const)('mounted %s onbehalf: start, the host form while acting, the banner Exit, the host form after exit', async (order) => {
    const { url, warnings } = await host(library, order);
    const c = new Client(url);
    await c.request('POST', '/login', { body: {} });
    const page = await c.get('/onbehalf/?user=2');
    expect(page.status).toBe(200);
    const start = await c.request('POST', '/onbehalf/start', { form: { ...fields(page.text), userId: '2', reason: 'Customer says the list is empty', confirm: 'on' } });
    expect(start.status, start.text).toBe(303);

    const acting = await c.get('/form');
    expect((await c.request('POST', '/form', { form: { _csrf: hostToken(acting.text) } })).json).toEqual({ savedAs: 2 });
    // The host's check is really there: a forged token is refused by the host itself.
    expect((await c.request('POST', '/form', { form: { _csrf: 'forged' } })).status).toBe(403);

    // The banner's Exit, as the page rendered it.
    const banner = acting.text.slice(acting.text.indexOf('id="onbehalf-banner"'));
    const stop = await c.request('POST', '/onbehalf/stop', { form: fields(banner) });
    expect(stop.status, stop.text).toBe(303);

    const after = await c.get('/form');
    expect((await c.request('POST', '/form', { form: { _csrf: hostToken(after.text) } })).json).toEqual({ savedAs: 1 });
    expect(warnings.some((w) => /CSRF middleware runs before onBehalf/.test(w))).toBe(order === 'before');
  });
});
