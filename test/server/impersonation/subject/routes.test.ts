import { afterEach, describe, expect, it } from 'vitest';
import { startHost, type TestHost } from '../../../helpers/host.js';

let host: TestHost;
afterEach(async () => host?.close());

const FORM = 'application/x-www-form-urlencoded';
const BROWSER_ACCEPT = 'text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8';

/** Ashley's id of the session Avery had on her account. */
async function noticeOf(h: TestHost) {
  const avery = await h.signIn('avery');
  expect((await avery.start('ashley', 'Ticket 481: check-in button missing')).status).toBe(200);
  expect((await avery.stop()).status).toBe(200);
  await h.ob.settled();
  const ashley = await h.signIn('ashley');
  return { ashley, id: (await ashley.get('/onbehalf/me/access')).json.sessions[0].sessionId as string };
}

describe('the subject side answers errors like the rest of the API (by Accept and the body type)', () => {
  it('GET on a state-changing path: 405 with Allow, a page for a browser, JSON for a script', async () => {
    host = await startHost();
    const ashley = await host.signIn('ashley');
    const page = await ashley.get('/onbehalf/me/grants', { accept: BROWSER_ACCEPT });
    expect(page.status).toBe(405);
    expect(page.headers.get('allow')).toBe('POST');
    expect(page.headers.get('content-type')).toMatch(/^text\/html/);
    expect(page.text).toContain('METHOD_NOT_ALLOWED');
    const json = await ashley.get('/onbehalf/me/grants', { accept: 'application/json' });
    expect(json.status).toBe(405);
    expect(json.json.error.code).toBe('METHOD_NOT_ALLOWED');
  });

  it('a plain form post that fails gets a page, never raw JSON; the same form from a script asking for JSON gets JSON', async () => {
    host = await startHost();
    const ashley = await host.signIn('ashley');
    const _csrf = await ashley.csrf();
    const page = await ashley.request('POST', '/onbehalf/me/notices/no-such-notice/dismiss', { form: { _csrf }, headers: { accept: BROWSER_ACCEPT } });
    expect(page.status).toBe(404);
    expect(page.headers.get('content-type')).toMatch(/^text\/html/);
    expect(page.text).toContain('NOTICE_NOT_FOUND');
    expect(page.json).toBeUndefined();
    const json = await ashley.request('POST', '/onbehalf/me/notices/no-such-notice/dismiss', { form: { _csrf }, headers: { accept: 'application/json', 'content-type': FORM } });
    expect(json.status).toBe(404);
    expect(json.json.error).toEqual({ code: 'NOTICE_NOT_FOUND', message: 'No such notice.' });
  });

  it('a form post that succeeds: a 303 back for a browser, the JSON answer for a script asking for it', async () => {
    host = await startHost();
    const { ashley, id } = await noticeOf(host);
    const _csrf = await ashley.csrf();
    const json = await ashley.request('POST', `/onbehalf/me/notices/${id}/dismiss`, { form: { _csrf }, headers: { accept: 'application/json' } });
    expect(json.status).toBe(200);
    expect(json.json).toEqual({ dismissed: id });
    const page = await ashley.request('POST', `/onbehalf/me/notices/${id}/dismiss`, { form: { _csrf }, headers: { accept: BROWSER_ACCEPT, referer: `${host.url}/my-access` } });
    expect(page.status).toBe(303);
    expect(page.headers.get('location')).toBe('/my-access');
  });

  it('a JSON body with invalid UTF-8 is 400, nothing stored', async () => {
    host = await startHost();
    const ashley = await host.signIn('ashley');
    const token = await ashley.csrf();
    const r = await fetch(`${host.url}/onbehalf/me/grants`, {
      method: 'POST',
      headers: { cookie: ashley.cookieHeader, 'content-type': 'application/json', 'x-csrf-token': token },
      body: Buffer.concat([Buffer.from('{"hours":1,"to":"'), Buffer.from([0xc3, 0x28]), Buffer.from('"}')]),
    });
    expect(r.status).toBe(400);
    expect(((await r.json()) as { error: { message: string } }).error.message).toContain('UTF-8');
    expect((await ashley.get('/onbehalf/me/access')).json.grants).toEqual([]);
  });
});
