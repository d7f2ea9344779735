import express from 'express';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { errorHandler, OnBehalfError, sendError, strictUtf8 } from '../../../server/http/index.js';
import { listen, type Listening } from '../../helpers/http.js';

/** A host app answering every failure through the one writer. */
let server: Listening;
let base: string;
const warnings: string[] = [];
beforeAll(async () => {
  const app = express();
  app.use(express.json({ limit: '1kb', verify: strictUtf8 }), express.urlencoded({ extended: false, limit: '1kb', parameterLimit: 5 }));
  app.post('/refuse', (req, res) => sendError(req, res, new OnBehalfError('NOT_ALLOWED', 'No <b>way</b>.', { rule: 'NO_ACCESS' })));
  app.post('/echo', (req, res) => res.json({ body: req.body }));
  app.post('/token', (req, res) => sendError(req, res, new OnBehalfError('UNSUPPORTED_GRANT_TYPE', 'Wrong grant.'), { as: 'json' }));
  app.get('/bug', () => {
    throw new Error('secret internals at /srv/app.js:12');
  });
  app.use(errorHandler((m) => warnings.push(m)));
  server = await listen(app);
  base = server.url;
});
afterAll(() => server.close());

const FORM = 'application/x-www-form-urlencoded';
const BROWSER_ACCEPT = 'text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8';
async function call(path: string, headers: Record<string, string>, body = 'a=1', method = 'POST') {
  const r = await fetch(base + path, { method, headers, body: method === 'GET' ? undefined : body });
  const text = await r.text();
  return { status: r.status, type: r.headers.get('content-type') ?? '', text };
}

describe('one error writer: a page or JSON by Accept and the body type', () => {
  it.each([
    ['a plain browser form post', 'html', { 'content-type': FORM, accept: BROWSER_ACCEPT }],
    ['a form post with no Accept', 'html', { 'content-type': FORM }],
    ['a form post with Accept: */*', 'html', { 'content-type': FORM, accept: '*/*' }],
    ['a multipart or text/plain form post', 'html', { 'content-type': 'text/plain' }],
    ['a form post from a script asking for JSON', 'json', { 'content-type': FORM, accept: 'application/json' }],
    ['a JSON body', 'json', { 'content-type': 'application/json' }],
    ['a JSON body with Accept: */*', 'json', { 'content-type': 'application/json', accept: '*/*' }],
    ['a JSON body from a client that ranks HTML first', 'html', { 'content-type': 'application/json', accept: 'text/html, application/json;q=0.5' }],
  ])('%s gets %s', async (_name, format, headers) => {
    const body = headers['content-type'] === 'application/json' ? '{"a":1}' : 'a=1';
    const r = await call('/refuse', headers, body);
    expect(r.status).toBe(403);
    if (format === 'json') {
      expect(r.type).toMatch(/^application\/json/);
      expect(JSON.parse(r.text)).toEqual({ error: { code: 'NOT_ALLOWED', message: 'No <b>way</b>.', rule: 'NO_ACCESS' } });
    } else {
      expect(r.type).toMatch(/^text\/html/);
      expect(r.text).toContain('No &#60;b&#62;way&#60;/b&#62;.');
      expect(r.text).toContain('<code>NOT_ALLOWED</code>');
      expect(r.text).not.toContain('{"error"');
    }
  });

  it('answers JSON where the protocol fixes it (RFC 8693), a plain form post included', async () => {
    const r = await call('/token', { 'content-type': FORM, accept: BROWSER_ACCEPT });
    expect(r.status).toBe(400);
    expect(JSON.parse(r.text).error.code).toBe('UNSUPPORTED_GRANT_TYPE');
  });
});

describe('body-parser errors, mapped once', () => {
  it.each([
    ['invalid UTF-8 inside a JSON string', Buffer.from([0x7b, 0x22, 0x61, 0x22, 0x3a, 0x22, 0xff, 0xfe, 0x22, 0x7d]), 400, 'BAD_REQUEST', 'not valid UTF-8'],
    ['malformed JSON', '{"a":', 400, 'BAD_REQUEST', 'not valid JSON'],
    ['a body over the limit', JSON.stringify({ a: 'x'.repeat(2000) }), 413, 'PAYLOAD_TOO_LARGE', 'too large'],
  ])('%s → %i %s', async (_name, body, status, code, message) => {
    const r = await fetch(`${base}/echo`, { method: 'POST', headers: { 'content-type': 'application/json' }, body });
    expect(r.status).toBe(status);
    const json = (await r.json()) as { error: { code: string; message: string } };
    expect(json.error.code).toBe(code);
    expect(json.error.message).toContain(message);
  });

  it('too many form fields → 413, as a page for the form post it was', async () => {
    const r = await call('/echo', { 'content-type': FORM }, 'a=1&b=2&c=3&d=4&e=5&f=6&g=7');
    expect(r.status).toBe(413);
    expect(r.type).toMatch(/html/);
    expect(r.text).toContain('PAYLOAD_TOO_LARGE');
  });

  it('valid UTF-8 in any script passes untouched', async () => {
    const r = await fetch(`${base}/echo`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ a: 'Prüfung — ตรวจสอบ' }) });
    expect(await r.json()).toEqual({ body: { a: 'Prüfung — ตรวจสอบ' } });
  });

  it('an unexpected failure is 500 INTERNAL with no details, and one warning line', async () => {
    const r = await call('/bug', { accept: 'application/json' }, '', 'GET');
    expect(r.status).toBe(500);
    expect(JSON.parse(r.text)).toEqual({ error: { code: 'INTERNAL', message: 'Something went wrong; nothing was changed.' } });
    expect(r.text).not.toContain('/srv/app.js');
    expect(warnings).toEqual(['unexpected error on GET /bug: secret internals at /srv/app.js:12']);
  });
});
