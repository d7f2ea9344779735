import { Agent } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { prng } from '../../../server/okr/dataset.js';
import type { Client } from '../../helpers/http.js';
import { startHost, type TestHost } from '../../helpers/host.js';
import { errorShapeProblem, rawRequest, STACK, type RawAnswer } from '../../helpers/raw-http.js';

/**
 * A bounded, seeded fuzz of every endpoint of onbehalf's API and the host pages that mount it,
 * signed out, signed in and acting. Reproduce a failure with FUZZ_SEED=<the printed seed>.
 */
const SEED = Number(process.env.FUZZ_SEED ?? Math.floor(Math.random() * 2 ** 31));
const PER_STATE = Number(process.env.FUZZ_REQUESTS ?? 1_000);
const CONCURRENCY = 4;

type Rng = ReturnType<typeof prng>;

const API = [
  '', '/', '/status', '/users', '/users?q=a', '/users?q=&limit=abc', '/users?q=%00&limit=-1', '/start', '/stop', '/banner.js',
  '/sessions', '/sessions/ID/revoke', '/me/access', '/me/notices/ID/dismiss', '/me/grants', '/me/grants/ID/revoke',
  '/me/requests/ID/approve', '/me/requests/ID/decline', '/consent-requests', '/requests', '/approvals', '/approvals/ID/approve',
  '/approvals/ID/decline', '/subjects/ID/access', '/audit', '/audit?limit=0&cursor=zz', '/audit/export', '/audit/export?format=evil',
  '/audit/sessions/ID', '/token', '/jwks.json', '/nope',
];
const HOST = ['/', '/whoami', '/notes', '/rows', '/prefs', '/account/password', '/ACCOUNT/Password/', '/cached', '/stream', '/oauth2/authorize', '/x/../account/password', '/nothing-here'];
const IDS = ['x', '1', '-1', '%00', '..', '%2e%2e', 'ashley', '%E2%80%8B', 'a'.repeat(300), '%F0%9F%98%80', '%C0%AF', '{}', 'null'];
const FORMAT_CHARS = ['\u200b', '\u200d', '\u200f', '\ufeff', '\u2061', '\u202e', '\u2066', '\u0000', '\u2028'];

function mangle(r: Rng, path: string): string {
  let p = path.replaceAll('ID', () => r.pick(IDS));
  if (r.chance(0.1)) p = p.replace(/\//g, () => r.pick(['/', '//', '/./', '/%2F', '\\']));
  if (r.chance(0.1)) p = p.replace(/[a-z]/g, (c) => (r.chance(0.3) ? `%${c.charCodeAt(0).toString(16)}` : r.chance(0.2) ? c.toUpperCase() : c));
  if (r.chance(0.1)) p = `${p}/`;
  if (r.chance(0.05)) p = `/x/..${p}`;
  if (r.chance(0.1)) p += `${p.includes('?') ? '&' : '?'}${r.pick(['a=%ZZ', 'q=%E2%80%8B', '__proto__[x]=1', 'limit=1e309', 'a[]=1&a[]=2'])}`;
  return p;
}

const ACCEPT = [undefined, 'application/json', 'text/html', '*/*', 'application/json;q=0.1, text/html', 'text/html;q=0.1, application/json', 'image/png', 'application/x-unknown, */*;q=0'];
const CONTENT_TYPE = [undefined, 'application/json', 'application/json; charset=utf-8', 'application/json; charset=latin1', 'application/x-www-form-urlencoded', 'multipart/form-data; boundary=zz', 'text/plain', 'application/xml', 'application/*+json'];
const ORIGIN = [undefined, 'SAME', 'http://evil.example', 'null'];
const METHODS = ['GET', 'GET', 'POST', 'POST', 'POST', 'PUT', 'DELETE', 'PATCH', 'OPTIONS', 'HEAD', 'PROPFIND'];

function body(r: Rng): Buffer | undefined {
  const text = () => `Fixing ${r.pick(FORMAT_CHARS)}ticket ${r.int(1e6)}${r.chance(0.5) ? r.pick(FORMAT_CHARS) : ''}`;
  switch (r.int(9)) {
    case 0:
      return undefined;
    case 1:
      return Buffer.from('{"userId": "ashley", "reason": ');
    case 2: // invalid UTF-8 inside a JSON string
      return Buffer.concat([Buffer.from('{"userId":"ashley","reason":"Investigating \u00e9 '), Buffer.from([0xc3, 0x28, 0xff]), Buffer.from('"}')]);
    case 3:
      return Buffer.from(JSON.stringify({ userId: 'x'.repeat(r.pick([10, 5_000, 300_000])), reason: text() }));
    case 4: // wrong types
      return Buffer.from(JSON.stringify(r.pick([[1, 2], 42, null, 'str', { userId: { $gt: '' } }, { userId: ['ashley'], reason: 7, readOnly: 'yes', hours: -1 }])));
    case 5:
      return Buffer.from(JSON.stringify({ userId: r.pick(['ashley', 'bob', 'priya', 'nobody', 12]), reason: text(), ticket: `SUP-${r.pick(FORMAT_CHARS)}1234`, returnTo: r.pick(['/', '//evil', 'https://evil', '/\\evil', 'javascript:x']) }));
    case 6:
      return Buffer.from('userId=ashley&reason=' + encodeURIComponent(text()) + '&_onbehalf_csrf=x');
    case 7:
      return Buffer.from('['.repeat(5_000));
    default:
      return Buffer.from(`--zz\r\nContent-Disposition: form-data; name="userId"\r\n\r\nashley\r\n--zz--\r\n`);
  }
}

const agent = new Agent({ keepAlive: true, maxSockets: CONCURRENCY });
const send = (url: string, method: string, path: string, headers: Record<string, string>, payload?: Buffer) => rawRequest(url, method, path, headers, payload, agent);

let host: TestHost;
let avery: Client;
let sam: Client;
beforeAll(async () => {
  host = await startHost({ banner: true });
  avery = await host.signIn('avery');
  expect((await avery.start('ashley')).status).toBe(200);
  sam = await host.signIn('sam');
});
afterAll(async () => {
  agent.destroy();
  await host?.close();
});

describe(`fuzz (seed ${SEED}, FUZZ_SEED to repeat)`, () => {
  it('every endpoint, signed out, signed in and acting: no 5xx but 503, JSON errors in the one shape, no stack trace, no state change', async () => {
    console.log(`fuzz seed ${SEED} (FUZZ_SEED=${SEED} repeats this run), ${PER_STATE} requests per state`);
    const r = prng(SEED);
    const states = [
      { name: 'signed out', cookie: '', csrf: '' },
      { name: 'signed in', cookie: sam.cookieHeader, csrf: await sam.csrf() },
      { name: 'acting', cookie: avery.cookieHeader, csrf: await avery.csrf() },
    ];
    const sessionsBefore = JSON.stringify(await liveSessions());
    const eventsBefore = host.audit.events.length;
    const failures: string[] = [];
    let sent = 0;
    const t0 = performance.now();

    for (const state of states) {
      // Draw every request of the state first, so the sequence depends on the seed alone.
      const plans = Array.from({ length: PER_STATE }, () => {
        const method = r.pick(METHODS);
        const own = r.chance(0.7);
        const rawPath = r.chance(0.01) ? '*' : own ? `/onbehalf${mangle(r, r.pick(API))}` : mangle(r, r.pick(HOST));
        const headers: Record<string, string> = {};
        const accept = r.pick(ACCEPT);
        if (accept) headers.accept = accept;
        const origin = r.pick(ORIGIN);
        if (origin) headers.origin = origin === 'SAME' ? host.url : origin;
        if (state.cookie) headers.cookie = state.cookie;
        // A valid token sometimes, to get past CSRF to the body checks; never on the acting
        // session's Exit, which would (rightly) end it.
        if (state.csrf && r.chance(0.5) && !/stop/i.test(rawPath)) headers['x-csrf-token'] = state.csrf;
        if (r.chance(0.2)) headers['sec-fetch-dest'] = r.pick(['document', 'empty', 'iframe']);
        const payload = method === 'GET' || method === 'HEAD' ? undefined : body(r);
        const type = r.pick(CONTENT_TYPE);
        if (payload && type) headers['content-type'] = type;
        // onbehalf's own answers are those under its base path as routed (`/onbehalf\\x` is a host path).
        const mine = own && /^\/onbehalf(\/|\?|$)/.test(rawPath);
        return { method, rawPath, headers, payload, own: mine, json: accept === 'application/json' };
      });
      const queue = [...plans];
      const worker = async () => {
        for (let p = queue.shift(); p; p = queue.shift()) {
          const label = `${state.name}: ${p.method} ${p.rawPath.slice(0, 120)} ${JSON.stringify(p.headers).slice(0, 200)} body ${p.payload?.subarray(0, 60).toString('latin1') ?? '-'}`;
          let a: RawAnswer;
          try {
            a = await send(host.url, p.method, p.rawPath, p.headers, p.payload);
          } catch (err) {
            failures.push(`${label}: ${String(err)}`);
            continue;
          }
          sent++;
          if (a.status >= 500 && a.status !== 503) failures.push(`${label}: ${a.status} ${a.text.slice(0, 300)}`);
          if (p.own && STACK.test(a.text)) failures.push(`${label}: a stack trace or source path in the answer: ${a.text.slice(0, 300)}`);
          const shape = p.own && p.json && a.status >= 400 && p.method !== 'HEAD' ? errorShapeProblem(a) : undefined;
          if (shape) failures.push(`${label}: ${a.status} ${shape}`);
        }
      };
      await Promise.all(Array.from({ length: CONCURRENCY }, worker));
    }
    const ms = Math.round(performance.now() - t0);
    console.log(`fuzz: ${sent} requests in ${ms} ms, ${failures.length} failures`);
    expect(failures.slice(0, 20)).toEqual([]);

    // No state change: the same one impersonation, still as ashley; nothing started or ended.
    expect(JSON.stringify(await liveSessions())).toBe(sessionsBefore);
    const who = await avery.get('/whoami');
    expect(who.json.onBehalf).toMatchObject({ active: true, userId: 'ashley', actor: { id: 'avery' } });
    const added = host.audit.events.slice(eventsBefore);
    // Writes the host let through while acting are audited (action, then its outcome), and a
    // refused start is audited as denied; nothing else may appear.
    expect(added.filter((e) => !['action', 'outcome', 'denied'].includes(e.type)).map((e) => e.type)).toEqual([]);
    for (const e of added.filter((x) => x.type === 'action')) expect(e.path?.toLowerCase().startsWith('/onbehalf/')).toBe(false);
  }, 120_000);
});

async function liveSessions() {
  const list = await avery.get('/onbehalf/status');
  return { session: list.json.session?.sessionId, subject: list.json.session?.subject?.id };
}
