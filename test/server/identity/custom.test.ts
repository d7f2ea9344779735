import type { Server } from 'node:http';
import express from 'express';
import session from 'express-session';
import { afterEach, describe, expect, it } from 'vitest';
import { memoryAudit, onBehalf, type IdentityAdapter } from '../../../server/index.js';
import { Client } from '../../helpers/http.js';

let server: Server | undefined;
afterEach(() => new Promise<void>((resolve) => (server ? (server.closeAllConnections(), server.close(() => resolve())) : resolve())));

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
    server = await new Promise<Server>((resolve) => {
      const s = app.listen(0, '127.0.0.1', () => resolve(s));
    });
    const c = new Client(`http://127.0.0.1:${(server.address() as { port: number }).port}`);
    await c.request('POST', '/login', { body: {} });
    expect((await c.start('ashley')).status).toBe(200);
    expect((await c.get('/me')).json).toEqual({ sub: 'ashley', actor: 'avery' });
    expect((await c.stop()).status).toBe(200);
    expect((await c.get('/me')).json).toEqual({ sub: 'avery', actor: null });
  });
});
