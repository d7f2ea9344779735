import { request } from 'node:http';
import { afterEach, describe, expect, it } from 'vitest';
import { startHost, type TestHost } from '../../helpers/host.js';

let host: TestHost;
afterEach(async () => host?.close());

/** A raw request (fetch can't send the target `*`). */
function raw(url: string, method: string, path: string): Promise<{ status: number; body: string; type: string }> {
  const { hostname, port } = new URL(url);
  return new Promise((resolve, reject) => {
    const req = request({ hostname, port, method, path }, (res) => {
      let body = '';
      res.on('data', (c) => (body += c));
      res.on('end', () => resolve({ status: res.statusCode!, body, type: String(res.headers['content-type']) }));
    });
    req.on('error', reject);
    req.end();
  });
}

describe('faults answer 4xx/503 JSON and one log line, never a 500 or a stack', () => {
  it('request target * (OPTIONS *), which express-session skips', async () => {
    host = await startHost();
    for (let i = 0; i < 5; i++) {
      const r = await raw(host.url, 'OPTIONS', '*');
      expect(r.status).toBe(400);
      expect(r.type).toMatch(/application\/json/);
      expect(JSON.parse(r.body).error.code).toBe('BAD_REQUEST');
      expect(r.body).not.toMatch(/at .*\.js/);
    }
  });

  it('a currentUser that throws: 503 on every request, one warning', async () => {
    host = await startHost({
      currentUser: () => {
        throw new Error('user service down');
      },
    });
    for (let i = 0; i < 5; i++) {
      const r = await host.client().get('/whoami');
      expect(r.status).toBe(503);
      expect(r.json.error.code).toBe('IDENTITY_UNAVAILABLE');
    }
    expect(host.warnings.filter((w) => w.includes('currentUser'))).toHaveLength(1);
  });

  it('a currentUser that rejects, while acting too', async () => {
    let fail = false;
    host = await startHost({ currentUser: (req) => (fail ? Promise.reject(new Error('down')) : (req.session as any).userId) });
    const avery = await host.signIn('avery');
    await avery.start('ashley');
    fail = true;
    for (const r of [await avery.get('/whoami'), await avery.post('/notes', {}), await host.client().get('/')]) {
      expect(r.status).toBe(503);
      expect(r.json.error.code).toBe('IDENTITY_UNAVAILABLE');
    }
    expect(host.notesSaved).toBe(0);
  });
});

describe('caching while acting', () => {
  it('everything served as the subject is Cache-Control: no-store, even where the host set its own', async () => {
    host = await startHost();
    const avery = await host.signIn('avery');
    for (const path of ['/cached', '/cached-head', '/cached-head-list']) expect((await avery.get(path)).headers.get('cache-control'), path).toBe('public, max-age=3600');
    await avery.start('ashley');
    for (const path of ['/', '/whoami', '/stream', '/cached', '/cached-head', '/cached-head-list', '/account/password', '/nowhere']) {
      expect((await avery.get(path)).headers.get('cache-control'), path).toBe('no-store');
    }
    expect((await avery.post('/notes', {})).headers.get('cache-control')).toBe('no-store');
    await avery.stop();
    expect((await avery.get('/cached')).headers.get('cache-control')).toBe('public, max-age=3600');
  });
});
