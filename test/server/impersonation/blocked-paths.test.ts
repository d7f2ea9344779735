import { afterEach, describe, expect, it } from 'vitest';
import { normalizePath } from '../../../server/impersonation/blocked-paths.js';
import { startHost, type TestHost } from '../../helpers/host.js';

let host: TestHost;
afterEach(async () => host?.close());

describe('blocked while acting', () => {
  it('covers OAuth 2 and its siblings by default', async () => {
    host = await startHost();
    const avery = await host.signIn('avery');
    await avery.start('ashley');
    for (const path of ['/oauth/authorize', '/oauth2/authorize', '/oauth2/token', '/openid/userinfo', '/connect/authorize', '/saml/sso', '/sso/start', '/account/security', '/account/api-keys/new']) {
      const r = await avery.get(path);
      expect(r.status, path).toBe(403);
      expect(r.json.error.code, path).toBe('BLOCKED_WHILE_ACTING');
    }
    // Whole segments only: a page merely starting with the same letters is served.
    expect((await avery.get('/accounting')).status).toBe(404);
  });

  it.each([
    '/account/password', '/ACCOUNT/Password', '//account//password', '/account/password/', '/account/password//',
    '/account%2Fpassword', '/account%2fpassword', '/%61ccount/password', '/account%252Fpassword', '/account/./password',
    '/account/x/../password', '/account/%2e%2e/account/password', '/x/..%2Faccount/password', '/onbehalf//users', '/onbehalf/%75sers',
    '/OAUTH2/authorize/', '/oauth2%2Fauthorize',
  ])('%s is refused however it is spelled', async (path) => {
    host = await startHost();
    const avery = await host.signIn('avery');
    await avery.start('ashley');
    const r = await avery.get(path);
    expect(r.status).toBe(403);
    expect(r.json.error.code).toBe('BLOCKED_WHILE_ACTING');
  });

  it('normalises paths as a router in front might', () => {
    expect(normalizePath('/a//b/./c/../d/')).toBe('/a/b/d');
    expect(normalizePath('/A%2fB%5cC')).toBe('/a/b/c');
    expect(normalizePath('/../../etc')).toBe('/etc');
    expect(normalizePath('/bad%zzescape')).toBe('/bad%zzescape');
  });
});

describe('Exit always works', () => {
  it.each([
    ['read-only', { readOnly: true }, {}],
    ['a blocked entry matching the exit path', {}, { blockedWhileActing: ['/onbehalf', /stop/, /.*/] }],
  ])('with %s, from the API and from the page', async (_name, startExtra, options) => {
    host = await startHost(options);
    const avery = await host.signIn('avery');
    await avery.start('ashley', 'Investigating a ticket about OKRs', startExtra);
    expect((await avery.stop()).status).toBe(200);
    expect((await avery.status()).active).toBe(false);
    await avery.start('ashley', 'Investigating a ticket about OKRs', startExtra);
    const form = await avery.request('POST', '/onbehalf/stop', { form: { _csrf: await avery.csrf() }, headers: { accept: 'text/html' } });
    expect(form.status).toBe(303);
    expect((await avery.get('/whoami')).json.onBehalf).toEqual({ active: false, userId: 'avery' });
  });
});

describe('Exit always works for a subject the host holds back', () => {
  it('when the host sends the subject to a password change or MFA set-up first', async () => {
    host = await startHost({
      // The host's own gate: someone who owes a password change sees nothing else.
      gate: (req, res, next) => (req.onBehalf?.userId === 'ashley' && req.path !== '/account/mfa' ? res.redirect(302, '/account/mfa') : next()),
    });
    const avery = await host.signIn('avery');
    await avery.start('ashley');
    expect((await avery.get('/whoami')).status).toBe(302);
    expect((await avery.stop()).status).toBe(200);
    expect((await avery.get('/whoami')).json.onBehalf.userId).toBe('avery');
  });
});
