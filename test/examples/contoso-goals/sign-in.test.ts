import session from 'express-session';
import { afterEach, describe, expect, it } from 'vitest';
import { SIGN_IN_FAILURES } from '../../../examples/contoso-goals/auth.js';
import { Client } from '../../helpers/http.js';
import { startDemo, type RunningDemo } from './start-demo.js';

let running: RunningDemo | undefined;
afterEach(async () => {
  await running?.close();
  running = undefined;
});

const login = (c: Client, email: string, password: string, headers: Record<string, string> = {}) =>
  c.request('POST', '/login', { body: { email, password }, headers });
const sessionsIn = (store: session.MemoryStore) => new Promise<number>((resolve, reject) => store.length((err, n) => (err ? reject(err) : resolve(n ?? 0))));

describe('the demo’s sign-in is throttled per client address and account', () => {
  it(`${SIGN_IN_FAILURES} failed sign-ins in 15 minutes, then 429 RATE_LIMITED with Retry-After, the right password too; another account is not held back`, async () => {
    running = await startDemo();
    const c = running.client();
    for (let i = 0; i < SIGN_IN_FAILURES; i++) expect((await login(c, 'ashley@contoso.test', `wrong-${i}`)).status).toBe(401);
    const limited = await login(c, 'ashley@contoso.test', 'wrong-again');
    expect(limited.status).toBe(429);
    expect(limited.json).toEqual({ error: { code: 'RATE_LIMITED', message: expect.stringContaining('Too many failed sign-ins') } });
    const retryAfter = Number(limited.headers.get('retry-after'));
    expect(retryAfter).toBeGreaterThan(14 * 60);
    expect(retryAfter).toBeLessThanOrEqual(15 * 60);
    // The right password is held back too until the window has passed (the account's case does not matter).
    expect((await login(c, 'ASHLEY@contoso.test', 'demo')).status).toBe(429);
    // A browser's form post gets a page, not raw JSON.
    const page = await c.request('POST', '/login', { form: { email: 'ashley@contoso.test', password: 'demo' }, headers: { accept: 'text/html' } });
    expect(page.status).toBe(429);
    expect(page.headers.get('content-type')).toContain('text/html');
    expect(page.text).toContain('RATE_LIMITED');
    expect(page.headers.get('retry-after')).toBeTruthy();
    // Another account from the same address still signs in.
    expect((await login(c, 'ben@contoso.test', 'demo')).status).toBe(200);
  });

  it('successful sign-ins are not counted', async () => {
    running = await startDemo();
    for (let i = 0; i < SIGN_IN_FAILURES + 3; i++) expect((await login(running.client(), 'ashley@contoso.test', 'demo')).status).toBe(200);
    expect((await login(running.client(), 'ashley@contoso.test', 'wrong')).status).toBe(401);
  });
});

describe('anonymous reads create no session', () => {
  it('200 signed-out GETs of status, sign-in page, built-in page, banner script and assets: no Set-Cookie, no stored session', async () => {
    const sessionStore = new session.MemoryStore();
    running = await startDemo({ sessionStore });
    const paths = ['/onbehalf/status', '/login', '/onbehalf/', '/onbehalf/banner.js', '/assets/demo.css', '/', '/account/access', '/onbehalf/me/access', '/onbehalf/users'];
    let cookies = 0;
    for (let i = 0; i < 200; i++) {
      const r = await new Client(running.url).get(paths[i % paths.length], { accept: i % 2 ? 'application/json' : 'text/html' });
      expect(r.status).toBeLessThan(500);
      cookies += r.headers.getSetCookie().length;
    }
    expect(cookies).toBe(0);
    expect(await sessionsIn(sessionStore)).toBe(0);
    // Status still answers what a signed-out client needs.
    expect((await new Client(running.url).get('/onbehalf/status')).json).toMatchObject({ active: false, signedIn: false, canImpersonate: false });
    // A signed-in user's status keeps giving the token their posts need.
    const avery = await running.signIn('avery@contoso.test');
    expect((await avery.status()).csrfToken).toMatch(/^[0-9a-f]{64}$/);
    expect(await sessionsIn(sessionStore)).toBe(1);
  });
});
