import { afterEach, describe, expect, it } from 'vitest';
import { startHost, type TestHost } from '../../helpers/host.js';
import type { Client } from '../../helpers/http.js';

let host: TestHost;
afterEach(async () => host?.close());

let t = Date.parse('2026-11-25T09:00:00Z');
const now = () => t;
const MIN = 60_000;

/** What a browser sends for a page load, a favicon and a script's fetch. */
const page = { 'sec-fetch-dest': 'document', accept: 'text/html,application/xhtml+xml,*/*;q=0.8' };
const favicon = { 'sec-fetch-dest': 'image', accept: 'image/avif,image/webp,*/*' };
const fetchJson = { 'sec-fetch-dest': 'empty', accept: 'application/json' };

const ends: Array<[string, (h: TestHost, sessionId: string) => unknown]> = [
  ['revoked', (h, sessionId) => h.ob.revoke({ sessionId })],
  ['idle', () => void (t += 11 * MIN)],
  ['expired by the sweep', (h) => ((t += 31 * MIN), h.ob.sweep())],
  ['ineligible', (h) => void (h.users.get('ashley')!.active = false)],
];

describe('after an end the actor did not ask for', () => {
  it.each(ends)('(%s) no write from a page rendered as the subject runs as the actor, however many reads come first', async (_n, end) => {
    host = await startHost({ now, idleTimeoutMs: 10 * MIN, maxDurationMs: 30 * MIN });
    const avery: Client = await host.signIn('avery');
    const { sessionId } = (await avery.start('ashley')).json.session;
    const token = await avery.csrf(); // the token the subject's page holds
    await end(host, sessionId);
    // The extension's poll, a favicon, another tab's fetch: none of them is the actor seeing the end.
    expect((await avery.status()).active).toBe(false);
    await avery.get('/favicon.ico', favicon);
    await avery.get('/whoami', fetchJson);
    for (const headers of [{ 'x-csrf-token': token }, { 'x-csrf-token': await avery.csrf() }]) {
      const r = await avery.request('POST', '/notes', { body: { text: 'meant for Ashley' }, headers });
      expect(r.status).toBe(409);
      expect(r.json.error.code).toBe('EXPIRED');
    }
    const form = await avery.request('POST', '/notes', { form: { text: 'meant for Ashley' }, headers: page });
    expect(form.status).toBe(409);
    expect(form.headers.get('content-type')).toMatch(/text\/html/);
    expect(host.notesSaved).toBe(0);
    // A page shown to the actor as themself is what acknowledges the end.
    expect((await avery.get('/', page)).text).toContain('Home of avery');
    const after = await avery.post('/notes', { text: 'mine' });
    expect(after.status).toBe(201);
    expect(after.json.savedAs).toBe('avery');
  });

  it('Exit is never refused: it acknowledges the end and lands on the exit path', async () => {
    host = await startHost();
    const avery = await host.signIn('avery');
    const { sessionId } = (await avery.start('ashley')).json.session;
    await host.ob.revoke({ sessionId });
    await avery.status();
    const stop = await avery.stop();
    expect(stop.status).toBe(200);
    expect(stop.json.redirect).toBe('/');
    expect((await avery.post('/notes', {})).status).toBe(201);
    // Without an end to acknowledge, Exit while not acting is still NOT_ACTING.
    expect((await avery.stop()).json.error.code).toBe('NOT_ACTING');
  });

  it('the actor’s own Exit leaves nothing to acknowledge; a new start is never refused', async () => {
    host = await startHost();
    const avery = await host.signIn('avery');
    await avery.start('ashley');
    await avery.stop();
    expect((await avery.post('/notes', {})).status).toBe(201);
    const { sessionId } = (await avery.start('ashley')).json.session;
    await host.ob.revoke({ sessionId });
    await avery.status();
    expect((await avery.start('bob')).status).toBe(200);
    expect((await avery.post('/notes', {})).json.savedAs).toBe('bob');
  });
});
