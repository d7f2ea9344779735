import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { memorySubjectStore } from '../../../../server/index.js';
import { clock } from '../../../helpers/clock.js';
import { startHost, type TestHost } from '../../../helpers/host.js';
import type { Client } from '../../../helpers/http.js';
import { errorShapeProblem, rawRequest, STACK } from '../../../helpers/raw-http.js';

/**
 * Every route of the subject's side, fed bad input by every kind of caller: each answers its 4xx
 * (the JSON error shape to a script, a page to a browser), never a 500, and changes nothing in
 * the subject store, the audit or the live sessions.
 */
const HOUR = 3_600_000;
const BROWSER = 'text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8';
const REASON = 'Ticket 500: her check-ins look wrong';

type Who = 'ashley' | 'avery' | 'bob' | 'olga' | 'aud' | 'acting' | 'nobody';
interface Row {
  who: Who;
  method: string;
  path: string;
  /** A JSON value (sent as JSON), or raw bytes with their content type. */
  body?: unknown;
  raw?: { type: string; bytes: string | Buffer };
  /** Leave the CSRF token out. */
  noToken?: boolean;
  status: number;
  code: string;
}

const c = clock();
const store = memorySubjectStore();
let host: TestHost;
const clients = {} as Record<Exclude<Who, 'nobody'>, Client>;
const tokens = {} as Record<Who, string>;
/** The fixtures' ids: Ashley's grant and her notice; consent requests (open, expired); four-eyes requests (pending, approved, expired). */
const ids = {} as Record<'grant' | 'notice' | 'consent' | 'consentExpired' | 'approval' | 'approved' | 'approvalExpired', string>;

beforeAll(async () => {
  host = await startHost({ now: c.now, subject: { consent: ({ target }) => target.id === 'ashley', approval: ({ target }) => target.id === 'bob' || target.id === 'olga', store } });
  for (const id of ['olga', 'aud', 'sam', 'avery']) host.users.get(id)!.permissions!.push('impersonate:approve');
  for (const id of ['ashley', 'avery', 'bob', 'olga', 'aud'] as const) clients[id] = await host.signIn(id);
  clients.acting = await host.signIn('sam');
  const { avery, ashley, olga } = clients;
  ids.consentExpired = (await avery.post('/onbehalf/consent-requests', { userId: 'ashley', reason: REASON })).json.request.id;
  ids.approvalExpired = (await avery.start('olga', REASON)).json.error.request.id;
  c.advance(25 * HOUR);
  ids.grant = (await ashley.post('/onbehalf/me/grants', { hours: 168 })).json.grant.id;
  expect((await avery.start('ashley', REASON)).status).toBe(200);
  expect((await avery.post('/notes', { text: 'x' })).status).toBe(201);
  expect((await avery.stop()).status).toBe(200);
  await host.ob.settled();
  ids.notice = (await ashley.get('/onbehalf/me/access')).json.sessions[0].sessionId;
  ids.consent = (await clients.acting.post('/onbehalf/consent-requests', { userId: 'ashley', reason: REASON })).json.request.id;
  ids.approval = (await avery.start('bob', REASON)).json.error.request.id;
  ids.approved = (await clients.acting.start('bob', REASON)).json.error.request.id;
  expect((await olga.post(`/onbehalf/approvals/${ids.approved}/approve`)).status).toBe(200);
  // Sam now acts as Ashley (under her grant), for the acting rows, and as a session nothing may end.
  expect((await clients.acting.start('ashley', REASON)).status).toBe(200);
  for (const who of Object.keys(clients) as Array<keyof typeof clients>) tokens[who] = await clients[who].csrf();
  tokens.nobody = '';
  expect(Object.values(ids).every(Boolean)).toBe(true);
});
afterAll(async () => host?.close());

/** All the state a bad input could change. */
async function state() {
  const users = [...host.users.keys()];
  return JSON.stringify({
    requests: await Promise.all(Object.values(ids).map((id) => store.getRequest(id))),
    open: await store.listRequests({}, c.now()),
    grants: await Promise.all(users.map((u) => store.listGrants(u, c.now()))),
    access: await Promise.all(users.map((u) => store.listAccess(u, 500))),
    audit: host.audit.events.length,
    acting: (await clients.acting.status()).session?.sessionId,
  });
}

const long = 'x'.repeat(5_000);
const invalidUtf8 = Buffer.concat([Buffer.from('{"hours":1,"to":"'), Buffer.from([0xc3, 0x28]), Buffer.from('"}')]);
const form = (bytes: string) => ({ type: 'application/x-www-form-urlencoded', bytes });
const json = (bytes: string | Buffer) => ({ type: 'application/json', bytes });

/** Rows naming fixtures by key (`:grant`, …), filled in once they exist. */
function rows(): Row[] {
  const grants = '/onbehalf/me/grants';
  const durations: unknown[] = [0, -1, 169, 1e308, 1.5, '1.5', 'soon', 'NaN', '', '0x10', '1e2', ' 5', null, true, [1], { h: 1 }];
  return [
    // Grants: durations below 1 h, above 7 days, not numbers; oneself; unknown or malformed grantees.
    { who: 'ashley', method: 'POST', path: grants, body: {}, status: 400, code: 'INVALID_DURATION' },
    ...durations.map((hours): Row => ({ who: 'ashley', method: 'POST', path: grants, body: { hours }, status: 400, code: 'INVALID_DURATION' })),
    { who: 'ashley', method: 'POST', path: grants, raw: json('{"hours":NaN}'), status: 400, code: 'BAD_REQUEST' },
    { who: 'ashley', method: 'POST', path: grants, raw: form('hours=abc'), status: 400, code: 'INVALID_DURATION' },
    { who: 'ashley', method: 'POST', path: grants, raw: form('hours=1&hours=2'), status: 400, code: 'INVALID_DURATION' },
    { who: 'ashley', method: 'POST', path: grants, raw: form('hours=0x10'), status: 400, code: 'INVALID_DURATION' },
    { who: 'ashley', method: 'POST', path: grants, body: { hours: 1, to: 'ashley' }, status: 400, code: 'GRANT_SELF' },
    { who: 'ashley', method: 'POST', path: grants, raw: form('hours=1&to=ashley'), status: 400, code: 'GRANT_SELF' },
    { who: 'ashley', method: 'POST', path: grants, body: { hours: 1, to: 'nobody' }, status: 404, code: 'USER_NOT_FOUND' },
    ...[7.5, '', long, { $gt: '' }, ['sam'], 'sam\u0000'].map((to): Row => ({ who: 'ashley', method: 'POST', path: grants, body: { hours: 1, to }, status: 400, code: 'BAD_REQUEST' })),
    // Malformed, wrong-typed and oversized bodies.
    { who: 'ashley', method: 'POST', path: grants, raw: json('{"hours":'), status: 400, code: 'BAD_REQUEST' },
    { who: 'ashley', method: 'POST', path: grants, raw: json('[1,2]'), status: 400, code: 'BAD_REQUEST' },
    { who: 'ashley', method: 'POST', path: grants, raw: json('"hours"'), status: 400, code: 'BAD_REQUEST' },
    { who: 'ashley', method: 'POST', path: grants, raw: json('['.repeat(5_000)), status: 400, code: 'BAD_REQUEST' },
    { who: 'ashley', method: 'POST', path: grants, raw: json(invalidUtf8), status: 400, code: 'BAD_REQUEST' },
    { who: 'ashley', method: 'POST', path: grants, raw: json(JSON.stringify({ hours: 1, to: 'x'.repeat(300_000) })), status: 413, code: 'PAYLOAD_TOO_LARGE' },
    { who: 'ashley', method: 'POST', path: grants, raw: { type: 'text/plain', bytes: 'hours=1' }, status: 400, code: 'INVALID_DURATION' },
    { who: 'ashley', method: 'POST', path: grants, body: { hours: 1 }, noToken: true, status: 403, code: 'CSRF' },
    { who: 'nobody', method: 'POST', path: grants, body: { hours: 1 }, status: 401, code: 'NOT_SIGNED_IN' },
    { who: 'acting', method: 'POST', path: grants, body: { hours: 1 }, status: 403, code: 'BLOCKED_WHILE_ACTING' },
    { who: 'ashley', method: 'GET', path: grants, status: 405, code: 'METHOD_NOT_ALLOWED' },
    { who: 'ashley', method: 'PUT', path: grants, body: { hours: 1 }, status: 405, code: 'METHOD_NOT_ALLOWED' },

    // Revoking: unknown ids, someone else's grant, while acting.
    ...['nope', 'x'.repeat(300), '%00', '..%2F..', '%E2%80%8B'].map((id): Row => ({ who: 'ashley', method: 'POST', path: `/onbehalf/me/grants/${id}/revoke`, status: 404, code: 'GRANT_NOT_FOUND' })),
    { who: 'bob', method: 'POST', path: '/onbehalf/me/grants/:grant/revoke', status: 404, code: 'GRANT_NOT_FOUND' },
    { who: 'avery', method: 'POST', path: '/onbehalf/me/grants/:grant/revoke', status: 404, code: 'GRANT_NOT_FOUND' },
    { who: 'acting', method: 'POST', path: '/onbehalf/me/grants/:grant/revoke', status: 403, code: 'BLOCKED_WHILE_ACTING' },
    { who: 'ashley', method: 'POST', path: '/onbehalf/me/grants/:grant/revoke', raw: json('{'), status: 400, code: 'BAD_REQUEST' },
    { who: 'ashley', method: 'DELETE', path: '/onbehalf/me/grants/:grant/revoke', status: 405, code: 'METHOD_NOT_ALLOWED' },

    // Notices: unknown, someone else's (the actor's own view of it included), while acting.
    ...['nope', 'x'.repeat(300), '%00'].map((id): Row => ({ who: 'ashley', method: 'POST', path: `/onbehalf/me/notices/${id}/dismiss`, status: 404, code: 'NOTICE_NOT_FOUND' })),
    { who: 'bob', method: 'POST', path: '/onbehalf/me/notices/:notice/dismiss', status: 404, code: 'NOTICE_NOT_FOUND' },
    { who: 'avery', method: 'POST', path: '/onbehalf/me/notices/:notice/dismiss', status: 404, code: 'NOTICE_NOT_FOUND' },
    { who: 'acting', method: 'POST', path: '/onbehalf/me/notices/:notice/dismiss', status: 403, code: 'BLOCKED_WHILE_ACTING' },
    { who: 'nobody', method: 'POST', path: '/onbehalf/me/notices/:notice/dismiss', status: 401, code: 'NOT_SIGNED_IN' },
    { who: 'ashley', method: 'GET', path: '/onbehalf/me/notices/:notice/dismiss', status: 405, code: 'METHOD_NOT_ALLOWED' },

    // The subject answering consent requests: bad durations, expired, unknown, not theirs, a four-eyes request.
    ...[{}, { hours: 0 }, { hours: 200 }, { hours: 'x' }, { hours: [24] }].map((body): Row => ({ who: 'ashley', method: 'POST', path: '/onbehalf/me/requests/:consent/approve', body, status: 400, code: 'INVALID_DURATION' })),
    { who: 'ashley', method: 'POST', path: '/onbehalf/me/requests/:consentExpired/approve', body: { hours: 1 }, status: 410, code: 'REQUEST_EXPIRED' },
    { who: 'ashley', method: 'POST', path: '/onbehalf/me/requests/:consentExpired/decline', status: 410, code: 'REQUEST_EXPIRED' },
    { who: 'ashley', method: 'POST', path: '/onbehalf/me/requests/nope/approve', body: { hours: 1 }, status: 404, code: 'REQUEST_NOT_FOUND' },
    { who: 'bob', method: 'POST', path: '/onbehalf/me/requests/:consent/approve', body: { hours: 1 }, status: 404, code: 'REQUEST_NOT_FOUND' },
    { who: 'avery', method: 'POST', path: '/onbehalf/me/requests/:consent/decline', status: 404, code: 'REQUEST_NOT_FOUND' },
    { who: 'bob', method: 'POST', path: '/onbehalf/me/requests/:approval/approve', body: { hours: 1 }, status: 404, code: 'REQUEST_NOT_FOUND' },
    { who: 'acting', method: 'POST', path: '/onbehalf/me/requests/:consent/approve', body: { hours: 1 }, status: 403, code: 'BLOCKED_WHILE_ACTING' },
    { who: 'ashley', method: 'POST', path: '/onbehalf/me/requests/:consent/decline', raw: json('{"x":'), status: 400, code: 'BAD_REQUEST' },

    // Four-eyes decisions: no permission, the requester, twice, expired, unknown, a consent request.
    { who: 'bob', method: 'POST', path: '/onbehalf/approvals/:approval/approve', status: 403, code: 'NOT_ALLOWED' },
    { who: 'ashley', method: 'POST', path: '/onbehalf/approvals/:approval/decline', status: 403, code: 'NOT_ALLOWED' },
    { who: 'avery', method: 'POST', path: '/onbehalf/approvals/:approval/approve', status: 403, code: 'SELF_APPROVAL' },
    { who: 'avery', method: 'POST', path: '/onbehalf/approvals/:approval/decline', status: 403, code: 'SELF_APPROVAL' },
    { who: 'olga', method: 'POST', path: '/onbehalf/approvals/:approved/approve', status: 409, code: 'ALREADY_DECIDED' },
    { who: 'aud', method: 'POST', path: '/onbehalf/approvals/:approved/decline', status: 409, code: 'ALREADY_DECIDED' },
    { who: 'aud', method: 'POST', path: '/onbehalf/approvals/:approvalExpired/approve', status: 410, code: 'REQUEST_EXPIRED' },
    { who: 'aud', method: 'POST', path: '/onbehalf/approvals/:consent/approve', status: 404, code: 'REQUEST_NOT_FOUND' },
    ...['nope', 'x'.repeat(300), '%00', '{}', 'null'].map((id): Row => ({ who: 'olga', method: 'POST', path: `/onbehalf/approvals/${id}/approve`, status: 404, code: 'REQUEST_NOT_FOUND' })),
    { who: 'olga', method: 'POST', path: '/onbehalf/approvals/:approval/approve', raw: json('{"approve":'), status: 400, code: 'BAD_REQUEST' },
    { who: 'olga', method: 'POST', path: '/onbehalf/approvals/:approval/approve', noToken: true, status: 403, code: 'CSRF' },
    { who: 'acting', method: 'POST', path: '/onbehalf/approvals/:approval/approve', status: 403, code: 'BLOCKED_WHILE_ACTING' },
    { who: 'olga', method: 'GET', path: '/onbehalf/approvals/:approval/approve', status: 405, code: 'METHOD_NOT_ALLOWED' },
    { who: 'bob', method: 'GET', path: '/onbehalf/approvals', status: 403, code: 'NOT_ALLOWED' },

    // Consent requests: every field wrong, targets that may not be asked, callers that may not ask.
    { who: 'avery', method: 'POST', path: '/onbehalf/consent-requests', body: {}, status: 400, code: 'BAD_REQUEST' },
    { who: 'avery', method: 'POST', path: '/onbehalf/consent-requests', body: { userId: 'ashley' }, status: 400, code: 'INVALID_REASON' },
    ...['short', long, 'Fixing \u202eticket 12345', 42].map((reason): Row => ({ who: 'avery', method: 'POST', path: '/onbehalf/consent-requests', body: { userId: 'ashley', reason }, status: 400, code: 'INVALID_REASON' })),
    { who: 'avery', method: 'POST', path: '/onbehalf/consent-requests', body: { userId: 'ashley', reason: REASON, ticket: long }, status: 400, code: 'INVALID_TICKET' },
    ...[['ashley'], { $ne: null }, '', long, 1.5].map((userId): Row => ({ who: 'avery', method: 'POST', path: '/onbehalf/consent-requests', body: { userId, reason: REASON }, status: 400, code: 'BAD_REQUEST' })),
    { who: 'avery', method: 'POST', path: '/onbehalf/consent-requests', body: { userId: 'nobody', reason: REASON }, status: 404, code: 'USER_NOT_FOUND' },
    { who: 'avery', method: 'POST', path: '/onbehalf/consent-requests', body: { userId: 'avery', reason: REASON }, status: 403, code: 'TARGET_SELF' },
    { who: 'avery', method: 'POST', path: '/onbehalf/consent-requests', body: { userId: 'ivan', reason: REASON }, status: 403, code: 'TARGET_INACTIVE' },
    { who: 'avery', method: 'POST', path: '/onbehalf/consent-requests', raw: form(`userId=ashley&reason=short`), status: 400, code: 'INVALID_REASON' },
    { who: 'bob', method: 'POST', path: '/onbehalf/consent-requests', body: { userId: 'ashley', reason: REASON }, status: 403, code: 'NOT_ALLOWED' },
    { who: 'acting', method: 'POST', path: '/onbehalf/consent-requests', body: { userId: 'bob', reason: REASON }, status: 403, code: 'BLOCKED_WHILE_ACTING' },

    // Reads: bad query parameters, callers who may not read.
    ...['0', '-1', '201', '1.5', 'abc', '1e309', '', '1&limit=2'].map((limit): Row => ({ who: 'ashley', method: 'GET', path: `/onbehalf/me/access?limit=${limit}`, status: 400, code: 'BAD_REQUEST' })),
    { who: 'aud', method: 'GET', path: '/onbehalf/subjects/ashley/access?limit=abc', status: 400, code: 'BAD_REQUEST' },
    { who: 'bob', method: 'GET', path: '/onbehalf/subjects/ashley/access', status: 403, code: 'NOT_ALLOWED' },
    { who: 'acting', method: 'GET', path: '/onbehalf/me/access', status: 403, code: 'BLOCKED_WHILE_ACTING' },
    { who: 'nobody', method: 'GET', path: '/onbehalf/me/access', status: 401, code: 'NOT_SIGNED_IN' },
    { who: 'nobody', method: 'GET', path: '/onbehalf/requests', status: 401, code: 'NOT_SIGNED_IN' },
  ];
}

const fill = (path: string) => path.replace(/:(\w+)/g, (m, k: string) => (k in ids ? ids[k as keyof typeof ids] : m));

describe('the subject’s side on bad input', () => {
  it('every row: its 4xx, a JSON error to a script and a page to a browser, never a 500 nor a stack trace, and no state change', async () => {
    const before = await state();
    const failures: string[] = [];
    const table = rows();
    for (const row of table) {
      const path = fill(row.path);
      for (const accept of ['application/json', BROWSER]) {
        const label = `${row.who} ${row.method} ${path.slice(0, 80)} ${row.raw ? String(row.raw.bytes).slice(0, 40) : JSON.stringify(row.body)?.slice(0, 60)} (${accept.slice(0, 16)})`;
        const headers: Record<string, string> = { accept };
        if (row.who !== 'nobody') headers.cookie = clients[row.who].cookieHeader;
        if (!row.noToken && tokens[row.who]) headers['x-csrf-token'] = tokens[row.who];
        let payload: Buffer | undefined;
        if (row.raw) {
          headers['content-type'] = row.raw.type;
          payload = Buffer.from(row.raw.bytes);
        } else if (row.body !== undefined) {
          headers['content-type'] = 'application/json';
          payload = Buffer.from(JSON.stringify(row.body));
        }
        const a = await rawRequest(host.url, row.method, path, headers, payload);
        const page = accept === BROWSER;
        if (a.status !== row.status) failures.push(`${label}: ${a.status}, not ${row.status}: ${a.text.slice(0, 200)}`);
        if (STACK.test(a.text)) failures.push(`${label}: a stack trace or source path`);
        if (page && !(/^text\/html/.test(a.type) && a.text.includes(row.code))) failures.push(`${label}: not a page naming ${row.code}: ${a.type} ${a.text.slice(0, 120)}`);
        if (!page) {
          const shape = errorShapeProblem(a);
          if (shape) failures.push(`${label}: ${shape}`);
          else if (JSON.parse(a.text).error.code !== row.code) failures.push(`${label}: ${JSON.parse(a.text).error.code}, not ${row.code}`);
        }
        if ((await state()) !== before) failures.push(`${label}: changed the state`);
      }
    }
    expect(failures).toEqual([]);
    expect(table.length).toBeGreaterThan(100);
  }, 120_000);
});
