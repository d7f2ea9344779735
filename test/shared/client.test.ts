import { describe, expect, it } from 'vitest';
import { onBehalfClient } from '../../shared/client.js';
import { actingTokens } from '../../server/tokens/index.js';
import { startHost, type TestHost } from '../helpers/host.js';
import type { Client } from '../helpers/http.js';
import { API_AUDIENCE, closeAfterEach, ISSUER, startApi, testKey, type TestApi } from '../helpers/tokens.js';

const closing = closeAfterEach();
let host: TestHost;
let api: TestApi;

/** The page's fetch: the signed-in test client's cookies go with every same-origin call, as a browser's would. */
function pageFetch(browser: Client, calls: string[]): typeof fetch {
  return async (input, init = {}) => {
    const url = String(input);
    calls.push(`${init.method ?? 'GET'} ${new URL(url).pathname}`);
    if (!url.startsWith(browser.base)) return fetch(input, init);
    const headers = new Headers(init.headers);
    headers.set('cookie', browser.cookieHeader);
    return fetch(input, { ...init, headers });
  };
}

async function acting() {
  const { memoryStore } = await import('../../server/index.js');
  const store = memoryStore();
  host = closing(await startHost({ store, tokens: actingTokens({ issuer: ISSUER, audiences: [API_AUDIENCE], keys: [testKey('k1')] }) }));
  api = closing(await startApi({ jwks: `${host.url}/onbehalf/jwks.json`, sessions: store }));
  const browser = await host.signIn('avery');
  await browser.start('ashley');
  const calls: string[] = [];
  let clock = Date.now();
  const client = onBehalfClient({ origin: host.url, fetch: pageFetch(browser, calls), now: () => clock });
  return { browser, calls, client, tick: (ms: number) => (clock += ms) };
}

describe('onBehalfClient: the typed client an SPA (and the extension) uses', () => {
  it('gets a token once, reuses it while it has life left, and refreshes it only near its end', async () => {
    const { client, calls, tick } = await acting();
    const tokens = client.tokenFor(API_AUDIENCE);
    const first = await tokens.get();
    expect(await tokens.get()).toBe(first);
    tick(200_000);
    expect(await tokens.get()).toBe(first);
    tick(80_000); // 20 s left: under the 30 s refresh margin.
    const second = await tokens.get();
    expect(second).not.toBe(first);
    expect(calls.filter((c) => c === 'POST /onbehalf/token')).toHaveLength(2);
    // The CSRF token came from one status read.
    expect(calls.filter((c) => c === 'GET /onbehalf/status')).toHaveLength(1);
  });

  it('calls the API as the subject, and says why once the session is over', async () => {
    const { client, browser } = await acting();
    const tokens = client.tokenFor(API_AUDIENCE);
    const r = await tokens.fetch(`${api.url}/notes`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' });
    expect(await r.json()).toEqual({ savedAs: 'ashley', by: 'avery' });
    await browser.stop();
    // The held token is refused by the API (its session ended)...
    expect((await tokens.fetch(`${api.url}/me`)).status).toBe(401);
    // ...and no new one is issued.
    tokens.clear();
    await expect(tokens.get()).rejects.toMatchObject({ name: 'OnBehalfClientError', code: 'NOT_ACTING' });
  });

  it('asks for a fresh token once when the API says the held one expired, and not again', async () => {
    const { browser } = await acting();
    const calls: string[] = [];
    const real = pageFetch(browser, calls);
    // An API whose clock runs ahead: it calls every token expired but the second one it sees.
    const seen: string[] = [];
    const client = onBehalfClient({
      origin: host.url,
      fetch: async (input, init = {}) => {
        if (!String(input).startsWith('http://api.test/')) return real(input, init);
        seen.push(new Headers(init.headers).get('authorization')!);
        const ok = seen.length === 2;
        const body = ok ? { ok } : { error: { code: 'TOKEN_EXPIRED', message: 'The token has expired.' } };
        return new Response(JSON.stringify(body), { status: ok ? 200 : 401, headers: { 'content-type': 'application/json' } });
      },
    });
    const tokens = client.tokenFor(API_AUDIENCE);
    expect((await tokens.fetch('http://api.test/notes')).status).toBe(200);
    expect(seen).toHaveLength(2);
    expect(seen[1]).not.toBe(seen[0]);
    // A third answer of "expired" is handed to the caller: one retry per call, no loop.
    expect((await tokens.fetch('http://api.test/notes')).status).toBe(401);
    expect(seen).toHaveLength(4);
  });
});
