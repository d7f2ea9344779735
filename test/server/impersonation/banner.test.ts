import { afterEach, describe, expect, it } from 'vitest';
import { BANNER } from '../../../shared/index.js';
import { startHost, type TestHost } from '../../helpers/host.js';

let host: TestHost;
afterEach(async () => host?.close());

describe('server-rendered banner', () => {
  it('is injected into HTML pages while acting, with both W8 messages, reason, time left and Exit', async () => {
    host = await startHost({ banner: true });
    const avery = await host.signIn('avery');
    expect((await avery.get('/')).text).not.toContain(BANNER.serverMarker);
    await avery.start('ashley', 'Checking her check-in page', { ticket: 'SUP-9' });
    const page = (await avery.get('/')).text;
    expect(page).toContain(BANNER.serverMarker);
    expect(page).toContain('You are currently working on behalf of <bdi>Ashley</bdi>');
    expect(page).toContain('Any changes you make will take effect on <bdi>Ashley</bdi>&#39;s account.');
    expect(page).toContain('Checking her check-in page');
    expect(page).toContain('SUP-9');
    expect(page).toMatch(/role="alert"/);
    expect(page).toMatch(/<form method="post" action="\/onbehalf\/stop"/);
    expect(page.indexOf(BANNER.serverMarker)).toBeLessThan(page.indexOf('</body>'));
    expect(page).toMatch(/Time left: <span data-expires-at="\d+">(29:59|30:00)<\/span>/);
  });

  it('Exit in the banner works as a plain form post with its CSRF token', async () => {
    host = await startHost({ banner: true });
    const avery = await host.signIn('avery');
    await avery.start('ashley', 'Checking her check-in page', { returnTo: '/admin' });
    const page = (await avery.get('/')).text;
    const token = page.match(/name="_csrf" value="([^"]+)"/)![1];
    const r = await avery.request('POST', '/onbehalf/stop', { form: { _csrf: token } });
    expect(r.status).toBe(303);
    expect(r.headers.get('location')).toBe('/admin');
    expect((await avery.get('/')).text).not.toContain(BANNER.serverMarker);
  });

  it('escapes the subject name and the reason', async () => {
    host = await startHost({ banner: true });
    const avery = await host.signIn('avery');
    await avery.start('mallory', '<script>alert("reason")</script> investigating');
    const page = (await avery.get('/')).text;
    expect(page).not.toContain('<script>alert');
    expect(page).not.toContain('<img src=x');
    expect(page).toContain('&#60;script&#62;alert(&#34;reason&#34;)&#60;/script&#62;');
    expect(page).toContain('&#60;img src=x onerror=alert(1)&#62;&#34;Mal');
  });

  it('leaves JSON and streamed responses untouched', async () => {
    host = await startHost({ banner: true });
    const avery = await host.signIn('avery');
    await avery.start('ashley');
    const json = await avery.get('/whoami');
    expect(json.headers.get('content-type')).toMatch(/json/);
    expect(json.text).not.toContain(BANNER.serverMarker);
    const streamed = await avery.get('/stream');
    expect(streamed.text).toBe('<html><body>part one part two</body></html>');
  });

  it('stays out of HTML fragments a page fetches by script (htmx, Turbo Frames), never out of whole documents or navigations', async () => {
    host = await startHost({ banner: true });
    const avery = await host.signIn('avery');
    await avery.start('ashley');
    const get = async (path: string, dest?: string) => (await avery.request('GET', path, { headers: { accept: 'text/html', ...(dest && { 'sec-fetch-dest': dest }) } })).text;
    expect(await get('/cached', 'empty')).toBe('<p>cacheable</p>');
    for (const dest of ['document', 'iframe', undefined]) expect(await get('/cached', dest)).toContain(BANNER.serverMarker);
    // Turbo Drive fetches the next whole page by script and swaps its <body> in: the banner must come with it.
    expect(await get('/', 'empty')).toContain(BANNER.serverMarker);
  });

  it('sets Content-Length to the new body', async () => {
    host = await startHost({ banner: true });
    const avery = await host.signIn('avery');
    await avery.start('ashley');
    const r = await avery.get('/');
    expect(Number(r.headers.get('content-length'))).toBe(Buffer.byteLength(r.text));
  });

  it('goes first in <body>, so its Exit is the first Tab stop, with room kept at the end', async () => {
    host = await startHost({ banner: true });
    const avery = await host.signIn('avery');
    await avery.start('ashley');
    const page = (await avery.get('/')).text;
    const body = page.indexOf('<body>') + '<body>'.length;
    expect(page.indexOf(BANNER.serverMarker)).toBeLessThan(page.indexOf('<h1>'));
    expect(page.slice(body).match(/<(a|button|input|select|textarea)\b[^>]*>/g)?.find((t) => !/type="hidden"/.test(t))).toMatch(/id="onbehalf-exit"/);
    expect(page.indexOf('data-onbehalf-spacer')).toBeGreaterThan(page.indexOf('</h1>'));
    expect(page.indexOf('data-onbehalf-spacer')).toBeLessThan(page.indexOf('</body>'));
  });

  it('is never answered 304 from the host page’s ETag and never stored, so a reload shows the live banner', async () => {
    host = await startHost({ banner: true });
    const avery = await host.signIn('avery');
    const before = await avery.get('/');
    const etag = before.headers.get('etag');
    expect(etag).toBeTruthy();
    await avery.start('ashley', 'First session reason, long enough');
    const acting = await avery.get('/', { 'if-none-match': etag! });
    expect(acting.status).toBe(200);
    expect(acting.text).toContain('First session reason, long enough');
    expect(acting.headers.get('etag')).toBeNull();
    expect(acting.headers.get('cache-control')).toBe('no-store');
  });

  it('serves its script while acting; the script keeps the countdown and the session live', async () => {
    host = await startHost({ banner: true });
    const avery = await host.signIn('avery');
    await avery.start('ashley');
    const page = (await avery.get('/')).text;
    expect(page).toContain('<script src="/onbehalf/banner.js" defer></script>');
    const script = await avery.get('/onbehalf/banner.js');
    expect(script.status).toBe(200);
    expect(script.headers.get('content-type')).toMatch(/^text\/javascript/);
    expect(script.text).toContain("fetch(base + '/status'");
    expect(() => new Function(script.text)).not.toThrow();
  });

  it('an Exit left on a page after the session ended elsewhere goes back to that page, never raw JSON', async () => {
    host = await startHost({ banner: true });
    const avery = await host.signIn('avery');
    await avery.start('ashley');
    const page = (await avery.get('/')).text;
    const token = page.match(/name="_csrf" value="([^"]+)"/)![1];
    expect((await avery.stop()).status).toBe(200);
    const r = await avery.request('POST', '/onbehalf/stop', { form: { _csrf: token }, headers: { referer: `${host.url}/teams?x=1` } });
    expect(r.status).toBe(303);
    expect(r.headers.get('location')).toBe('/teams?x=1');
  });

  it('an Exit form with an out-of-date token while acting answers a readable page, not JSON', async () => {
    host = await startHost({ banner: true });
    const avery = await host.signIn('avery');
    await avery.start('ashley');
    const r = await avery.request('POST', '/onbehalf/stop', { form: { _csrf: 'stale' } });
    expect(r.status).toBe(403);
    expect(r.headers.get('content-type')).toMatch(/^text\/html/);
    expect(r.text).toContain('This page was out of date, so nothing was changed.');
    expect((await avery.status()).active).toBe(true);
  });
});
