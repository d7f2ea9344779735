import { afterEach, describe, expect, it } from 'vitest';
import { startDemo, type RunningDemo } from './start-demo.js';

let running: RunningDemo | undefined;
afterEach(async () => {
  await running?.close();
  running = undefined;
});

const BROWSER = 'text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8';
const FIRST_VISIT = 'Ashley asked why her check-in total looks wrong';

describe('My access while someone acts as the user', () => {
  it('the acting admin can neither read nor dismiss Ashley’s notices and history: the page and the API answer 403 BLOCKED_WHILE_ACTING, and nothing changes', async () => {
    running = await startDemo();
    const avery = await running.signIn('avery@contoso.test');
    expect((await avery.start('ashley', FIRST_VISIT)).status).toBe(200);
    expect((await avery.post('/okrs/kr-modules/check-ins', { value: 2, note: 'Module two done' })).status).toBe(200);
    expect((await avery.stop()).status).toBe(200);
    await running.demo.ob.settled();
    const ashley = await running.signIn('ashley@contoso.test');
    const before = (await ashley.get('/onbehalf/me/access')).json;
    const { sessionId } = before.sessions[0];
    expect(before.sessions[0]).toMatchObject({ reason: FIRST_VISIT });
    expect(before.sessions[0].dismissedAt).toBeUndefined();

    expect((await avery.start('ashley', 'A second look at her check-ins')).status).toBe(200);
    // Her pages, as Avery sees them: no My access link, no notice of the first visit.
    const home = await avery.get('/', { accept: BROWSER });
    expect(home.text).toContain('data-testid="signed-in-as">Ashley<');
    expect(home.text).not.toContain('data-testid="my-access"');
    expect(home.text).not.toContain('data-onbehalf-notice');
    expect(home.text).not.toContain(FIRST_VISIT);

    const page = await avery.get('/account/access', { accept: BROWSER });
    expect(page.status).toBe(403);
    expect(page.headers.get('content-type')).toMatch(/^text\/html/);
    expect(page.text).toContain('<code>BLOCKED_WHILE_ACTING</code>');
    expect(page.text).not.toContain(FIRST_VISIT);
    expect(page.text).not.toContain(sessionId);
    const pageJson = await avery.get('/account/access', { accept: 'application/json' });
    expect([pageJson.status, pageJson.json.error.code]).toEqual([403, 'BLOCKED_WHILE_ACTING']);

    const token = await avery.csrf();
    const refused: Array<[method: string, path: string]> = [
      ['GET', '/onbehalf/me/access'],
      ['POST', `/onbehalf/me/notices/${sessionId}/dismiss`],
      ['POST', '/onbehalf/me/grants'],
      ['POST', '/onbehalf/me/grants/any/revoke'],
      ['POST', '/onbehalf/me/requests/any/approve'],
      ['POST', '/onbehalf/me/requests/any/decline'],
    ];
    for (const [method, path] of refused) {
      const json = await avery.request(method, path, method === 'GET' ? {} : { body: { hours: 1 }, headers: { 'x-csrf-token': token } });
      expect([json.status, json.json?.error?.code], `${method} ${path} (JSON)`).toEqual([403, 'BLOCKED_WHILE_ACTING']);
      if (method === 'GET') continue;
      // The no-JS form the page would post.
      const form = await avery.request(method, path, { form: { _csrf: token, hours: '1' }, headers: { accept: BROWSER } });
      expect([form.status, form.headers.get('content-type')?.split(';')[0]], `${method} ${path} (form)`).toEqual([403, 'text/html']);
      expect(form.text).toContain('BLOCKED_WHILE_ACTING');
    }
    // Still acting, and her history and notices are as they were.
    expect((await avery.status()).active).toBe(true);
    const after = (await ashley.get('/onbehalf/me/access')).json;
    expect(after.sessions.find((e: { sessionId: string }) => e.sessionId === sessionId)).toEqual(before.sessions[0]);
    expect(after.grants).toEqual(before.grants);
    expect((await ashley.get('/', { accept: BROWSER })).text).toContain('data-onbehalf-notice');
  });
});
