import express from 'express';
import session from 'express-session';
import { afterEach, describe, expect, it } from 'vitest';
import { memoryAudit, onBehalf, type IdentityAdapter } from '../../../server/index.js';
import { Client, listen, type Listening } from '../../helpers/http.js';

let server: Listening | undefined;
afterEach(() => server?.close());

describe('a custom identity adapter (the docs/recipes.md example)', () => {
  it("presents the subject in the host's own req.auth while acting, and the actor after exit", async () => {
    const users = [
      { id: 'avery', name: 'Avery Admin', active: true, permissions: ['impersonate'], privilege: 100 },
      { id: 'ashley', name: 'Ashley Kim', active: true },
    ];
    const app = express();
    app.use(session({ secret: 'custom', resave: false, saveUninitialized: false, cookie: { sameSite: 'lax' } }));
    // The host's own auth: it keeps the signed-in user on req.auth.
    app.use((req: any, _res, next) => ((req.auth = req.session.uid ? { sub: req.session.uid } : undefined), next()));
    app.post('/login', (req: any, res) => req.session.regenerate(() => ((req.session.uid = 'avery'), res.json({ ok: true }))));
    const identity: IdentityAdapter = {
      name: 'jwt-cookie',
      read: (req: any) => req.auth?.sub,
      present: (req: any, subject) => {
        req.auth = { ...req.auth, sub: subject.id };
      },
      sessionKeys: ['uid'],
    };
    app.use(onBehalf({ users: { get: (id) => users.find((u) => u.id === id), search: () => users }, identity, audit: memoryAudit(), sweepIntervalMs: 0 }));
    app.get('/me', (req: any, res) => res.json({ sub: req.auth?.sub, actor: req.onBehalf?.active ? req.onBehalf.actor.id : null }));
    server = await listen(app);
    const c = new Client(server.url);
    await c.request('POST', '/login', { body: {} });
    expect((await c.start('ashley')).status).toBe(200);
    expect((await c.get('/me')).json).toEqual({ sub: 'ashley', actor: 'avery' });
    expect((await c.stop()).status).toBe(200);
    expect((await c.get('/me')).json).toEqual({ sub: 'avery', actor: null });
  });
});
