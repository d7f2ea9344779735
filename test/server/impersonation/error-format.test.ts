import { afterEach, describe, expect, it } from 'vitest';
import { startHost, type TestHost } from '../../helpers/host.js';

let host: TestHost;
afterEach(async () => host?.close());

const PAGE = 'text/html,application/xhtml+xml,*/*;q=0.8';
const isPage = (r: { headers: Headers }) => /text\/html/.test(r.headers.get('content-type') ?? '');
const isJson = (r: { headers: Headers }) => /application\/json/.test(r.headers.get('content-type') ?? '');

describe('the error format follows Accept as well as the body type', () => {
  it('a form body with Accept: application/json gets JSON; a plain form post gets a page', async () => {
    host = await startHost();
    const avery = await host.signIn('avery');
    const _csrf = await avery.csrf();
    const json = await avery.request('POST', '/onbehalf/start', { form: { userId: 'ashley', reason: 'short', _csrf }, headers: { accept: 'application/json' } });
    expect(json.status).toBe(400);
    expect(isJson(json)).toBe(true);
    expect(json.json.error.code).toBe('INVALID_REASON');
    const page = await avery.request('POST', '/onbehalf/start', { form: { userId: 'ashley', reason: 'short', _csrf }, headers: { accept: PAGE } });
    expect(page.status).toBe(400);
    expect(isPage(page)).toBe(true);
    expect(page.text).toContain('INVALID_REASON');
  });

  it('a CSRF refusal and a rate-limited start answer a plain form post with a page, never raw JSON', async () => {
    host = await startHost({ rateLimit: { limit: 2 } });
    const avery = await host.signIn('avery');
    const csrf = await avery.request('POST', '/onbehalf/start', { form: { userId: 'ashley', reason: 'Investigating a ticket' }, headers: { accept: PAGE } });
    expect(csrf.status).toBe(403);
    expect(isPage(csrf)).toBe(true);
    expect(csrf.text).toContain('CSRF');
    let last;
    for (let i = 0; i < 3; i++) last = await avery.request('POST', '/onbehalf/start', { form: { userId: 'ashley', reason: 'x' }, headers: { accept: PAGE } });
    expect(last!.status).toBe(429);
    expect(isPage(last!)).toBe(true);
    // The same refusal to a script is JSON.
    const script = await avery.request('POST', '/onbehalf/start', { body: {}, headers: { accept: 'application/json' } });
    expect(script.status).toBe(429);
    expect(script.json.error.code).toBe('RATE_LIMITED');
  });

  it('host pages refused while acting follow Accept the same way', async () => {
    host = await startHost();
    const avery = await host.signIn('avery');
    await avery.start('ashley');
    const page = await avery.get('/account/password', { accept: PAGE });
    expect(page.status).toBe(403);
    expect(isPage(page)).toBe(true);
    const json = await avery.get('/account/password', { accept: 'application/json' });
    expect(json.json.error.code).toBe('BLOCKED_WHILE_ACTING');
    const form = await avery.request('POST', '/onbehalf/sessions/x/revoke', { form: {}, headers: { accept: 'application/json' } });
    expect(form.json.error.code).toBe('BLOCKED_WHILE_ACTING');
  });

  it('a JSON body with invalid UTF-8 is 400 and starts nothing', async () => {
    host = await startHost();
    const avery = await host.signIn('avery');
    const token = await avery.csrf();
    const body = Buffer.concat([Buffer.from('{"userId":"ashley","reason":"Investigating '), Buffer.from([0xff, 0xfe]), Buffer.from(' ticket"}')]);
    const r = await fetch(`${host.url}/onbehalf/start`, { method: 'POST', body, headers: { 'content-type': 'application/json', 'x-csrf-token': token, cookie: avery.cookieHeader } });
    expect(r.status).toBe(400);
    expect((await r.json()).error.code).toBe('BAD_REQUEST');
    expect((await avery.status()).active).toBe(false);
    expect(host.audit.events).toHaveLength(0);
  });
});

describe('reason and ticket on the server', () => {
  it('refuses zero-width and bidi characters with 400 and starts nothing', async () => {
    host = await startHost();
    const avery = await host.signIn('avery');
    const ticket = await avery.start('ashley', 'Investigating the ticket about OKRs', { ticket: 'SUP-\u200b1234' });
    expect(ticket.status).toBe(400);
    expect(ticket.json.error.code).toBe('INVALID_TICKET');
    const reason = await avery.start('ashley', 'Investigating \u202ethe ticket about OKRs');
    expect(reason.json.error.code).toBe('INVALID_REASON');
    expect((await avery.status()).active).toBe(false);
  });
});
