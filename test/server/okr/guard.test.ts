import express, { type Request } from 'express';
import session from 'express-session';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { errorBodySchema } from '../../../shared/errors.js';
import { requirePermission } from '../../../server/okr/index.js';
import { memoryAudit, onBehalf } from '../../../server/index.js';
import { listen, type Listening } from '../../helpers/http.js';
import { fixtureModel } from './fixture.js';

type Sess = Record<string, string | undefined>;
const sess = (req: Request) => req.session as unknown as Sess;

/**
 * A host app on 127.0.0.1 with real express-session, and with or without the real impersonation
 * middleware (Olivia, the org owner, holds the impersonation permission).
 */
function hostApp(withOnBehalf: boolean) {
  const { model } = fixtureModel();
  const app = express();
  app.use(express.json());
  app.use(session({ secret: 'guard-test-secret', resave: false, saveUninitialized: false, cookie: { sameSite: 'lax' } }));
  app.post('/login', (req, res) => {
    sess(req).userId = req.body.userId;
    res.json({ ok: true });
  });
  if (withOnBehalf) {
    app.use(
      onBehalf({
        users: {
          get: (id) => ({ id, name: String(id), active: true, permissions: id === 'olivia' ? ['impersonate'] : [] }),
          search: () => [],
        },
        currentUser: (req) => sess(req).userId,
        audit: memoryAudit(),
        sweepIntervalMs: 0,
      }),
    );
  }
  const options = withOnBehalf ? {} : { currentUser: (req: Request) => sess(req).userId };
  const ok = (req: Request, res: express.Response) => res.json({ ok: true });
  app.get('/okrs/:id', requirePermission(model, 'view', (req) => String(req.params.id), options), ok);
  app.patch('/okrs/:id', requirePermission(model, 'edit', (req) => String(req.params.id), options), ok);
  app.post('/okrs/:id/check-ins', requirePermission(model, 'check-in', (req) => String(req.params.id), options), ok);
  app.post('/teams/:teamId/okrs', requirePermission(model, 'create', async (req) => ({ level: 'team' as const, teamId: String(req.params.teamId) }), options), ok);
  app.post('/orgs/:orgId/members', requirePermission(model, 'add-member', (req) => String(req.params.orgId), options), ok);
  app.get('/malformed', requirePermission(model, 'view', () => ({ not: 'an id' }) as never, options), ok);
  app.use((_err: unknown, _req: Request, res: express.Response, _next: express.NextFunction) => {
    res.status(500).json({ error: { code: 'INTERNAL', message: 'test app error' } });
  });
  return app;
}

/** A browser-like client: keeps the session cookie. */
function client(base: string) {
  let cookie = '';
  const call = async (method: string, path: string, body?: unknown) => {
    const res = await fetch(base + path, {
      method,
      headers: { 'content-type': 'application/json', ...(cookie ? { cookie } : {}) },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const set = res.headers.get('set-cookie');
    if (set) cookie = set.split(';')[0];
    return { status: res.status, body: (await res.json()) as Record<string, unknown> };
  };
  return {
    call,
    signIn: (userId: string) => call('POST', '/login', { userId }),
    /** Start working on behalf of a user through the real API, as the extension or admin page does. */
    async act(subjectId: string) {
      const { csrfToken } = (await call('GET', '/onbehalf/status')).body as { csrfToken: string };
      const res = await fetch(`${base}/onbehalf/start`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-csrf-token': csrfToken, cookie },
        body: JSON.stringify({ userId: subjectId, reason: 'Customer ticket 42: cannot check in' }),
      });
      const set = res.headers.get('set-cookie');
      if (set) cookie = set.split(';')[0];
      expect(res.status).toBe(200);
    },
  };
}

/** Asserts the documented error body and returns it. */
function error(r: { status: number; body: unknown }, status: number, code: string) {
  expect(r.status).toBe(status);
  const parsed = errorBodySchema.parse(r.body);
  expect(parsed.error.code).toBe(code);
  return parsed.error;
}

describe.each([
  ['with the impersonation middleware (req.onBehalf)', true],
  ['without it (options.currentUser)', false],
])('requirePermission %s', (_name, withOnBehalf) => {
  let server: Listening;
  beforeAll(async () => {
    server = await listen(hostApp(withOnBehalf));
  });
  afterAll(() => server.close());

  it('not signed in → 401 NOT_SIGNED_IN', async () => {
    error(await client(server.url).call('GET', '/okrs/o-sales'), 401, 'NOT_SIGNED_IN');
  });

  it('allowed → the handler runs', async () => {
    const tina = client(server.url);
    await tina.signIn('tina');
    expect(await tina.call('GET', '/okrs/o-sales')).toEqual({ status: 200, body: { ok: true } });
    expect((await tina.call('POST', '/teams/sales/okrs')).status).toBe(200);
  });

  it('denied → 403 FORBIDDEN naming the deciding rule', async () => {
    const tina = client(server.url);
    await tina.signIn('tina');
    const e = error(await tina.call('PATCH', '/okrs/o-sales'), 403, 'FORBIDDEN');
    expect(e).toEqual({ code: 'FORBIDDEN', message: 'You may not edit this.', rule: 'NO_ACCESS' });
    expect(error(await tina.call('POST', '/orgs/acme/members'), 403, 'FORBIDDEN').rule).toBe('ORG_POLICY_RESTRICTED');

    const ashley = client(server.url);
    await ashley.signIn('ashley');
    expect(error(await ashley.call('PATCH', '/okrs/o-closed'), 403, 'FORBIDDEN').rule).toBe('OKR_CLOSED');

    const olivia = client(server.url);
    await olivia.signIn('olivia');
    expect(error(await olivia.call('GET', '/okrs/o-private'), 403, 'FORBIDDEN').rule).toBe('PRIVATE_NOT_LISTED');
  });

  it('a browser asking for a page gets the refusal as a page, not raw JSON (one error writer)', async () => {
    const r = await fetch(`${server.url}/okrs/o-sales`, { headers: { accept: 'text/html' } });
    expect(r.status).toBe(401);
    expect(r.headers.get('content-type')).toMatch(/html/);
    expect(await r.text()).toContain('NOT_SIGNED_IN');
  });

  it('unknown ids → 404, a malformed target → 400, never 500', async () => {
    const tina = client(server.url);
    await tina.signIn('tina');
    error(await tina.call('GET', '/okrs/o-nope'), 404, 'NOT_FOUND');
    error(await tina.call('POST', '/teams/nope/okrs'), 404, 'NOT_FOUND');
    error(await tina.call('POST', '/orgs/nope/members'), 404, 'NOT_FOUND');
    error(await tina.call('GET', '/malformed'), 400, 'BAD_REQUEST');
    const ghost = client(server.url);
    await ghost.signIn('ghost');
    error(await ghost.call('GET', '/okrs/o-sales'), 404, 'USER_NOT_FOUND');
  });
});

describe('P14: while working on behalf, every check runs as the subject', () => {
  let server: Listening;
  // A fresh host each time: one admin has one impersonation at a time.
  beforeEach(async () => {
    server = await listen(hostApp(true));
  });
  afterEach(() => server.close());

  it('an org owner acting as a member has the member\'s rights, not the union', async () => {
    const olivia = client(server.url);
    await olivia.signIn('olivia');
    expect((await olivia.call('PATCH', '/okrs/o-sales')).status).toBe(200);
    await olivia.act('tina');
    expect(error(await olivia.call('PATCH', '/okrs/o-sales'), 403, 'FORBIDDEN').rule).toBe('NO_ACCESS');
    expect((await olivia.call('GET', '/okrs/o-sales')).status).toBe(200);
  });

  it('acting as a user gains exactly that user\'s rights, private OKRs included', async () => {
    const olivia = client(server.url);
    await olivia.signIn('olivia');
    expect((await olivia.call('POST', '/okrs/o-private/check-ins')).status).toBe(403);
    await olivia.act('chuck');
    expect((await olivia.call('POST', '/okrs/o-private/check-ins')).status).toBe(200);
    expect(error(await olivia.call('GET', '/okrs/o-private'), 403, 'FORBIDDEN').rule).toBe('PRIVATE_NOT_LISTED');
  });
});
