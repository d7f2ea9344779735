import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import express from 'express';
import { describe, expect, it } from 'vitest';
import { memoryAudit, onBehalf, type ActingTokenIssuer } from '../../../server/index.js';
import { ERROR_STATUS } from '../../../shared/errors.js';
import { ENDPOINTS } from '../../../scripts/docs/endpoints.js';
import { ROOT } from '../../../scripts/docs/index.js';
import { httpApiPage, openApiJson } from '../../../scripts/docs/openapi.js';

/** Every route `onBehalf()` mounts, as [METHOD, path under basePath], read off Express's Route as they are declared. */
function mountedRoutes(): string[][] {
  const Route = express.Router().route('/probe').constructor as { prototype: Record<string, (...args: unknown[]) => unknown> };
  const seen: string[][] = [];
  const original = { get: Route.prototype.get, post: Route.prototype.post, all: Route.prototype.all };
  for (const [method, fn] of Object.entries(original)) {
    Route.prototype[method] = function (this: { path: string }, ...args: unknown[]) {
      seen.push([method.toUpperCase(), this.path]);
      return fn.apply(this, args);
    };
  }
  try {
    const tokens: ActingTokenIssuer = { audiences: ['https://api.test'], jwks: { keys: [] }, issue: () => Promise.reject(new Error('unused')) };
    const ob = onBehalf({
      users: { get: () => undefined, search: () => [] },
      currentUser: () => undefined,
      audit: memoryAudit(),
      tokens,
      subject: { consent: true, approval: true },
      sweepIntervalMs: 0,
      warn: () => undefined,
    });
    void ob.close();
  } finally {
    Object.assign(Route.prototype, original);
  }
  return seen;
}

describe('the HTTP API reference', () => {
  const routes = mountedRoutes();
  const key = (method: string, path: string) => `${method} ${path}`;

  it('lists every endpoint the middleware mounts, and only those', () => {
    const served = routes.filter(([m]) => m !== 'ALL').map(([m, p]) => key(m, p));
    expect(served.length).toBeGreaterThan(20);
    expect(ENDPOINTS.map((e) => key(e.method, e.path)).sort()).toEqual([...new Set(served)].sort());
  });

  it('every POST endpoint refuses other methods (405), as the reference says', () => {
    const refused = new Set(routes.filter(([m]) => m === 'ALL').map(([, p]) => p));
    for (const e of ENDPOINTS.filter((x) => x.method === 'POST')) expect(refused, `${e.path} answers GET`).toContain(e.path);
  });

  it('names only codes of the error table', () => {
    for (const e of ENDPOINTS) for (const code of e.errors) expect(ERROR_STATUS).toHaveProperty(code);
  });

  it('is up to date with the schemas (run `npm run docs`)', () => {
    const version = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')).version;
    expect(readFileSync(join(ROOT, 'docs/reference/openapi.json'), 'utf8'), 'openapi.json is stale: run `npm run docs`').toBe(openApiJson(version));
    expect(readFileSync(join(ROOT, 'docs/reference/http-api.md'), 'utf8'), 'http-api.md is stale: run `npm run docs`').toBe(httpApiPage());
  });

  it('is OpenAPI 3.1 with a JSON Schema for every body and JSON answer', () => {
    const doc = JSON.parse(readFileSync(join(ROOT, 'docs/reference/openapi.json'), 'utf8'));
    expect(doc.openapi).toBe('3.1.0');
    const start = doc.paths['/start'].post;
    expect(start.requestBody.content['application/json'].schema.required).toEqual(expect.arrayContaining(['userId', 'reason']));
    expect(start.responses['200'].content['application/json'].schema.properties).toHaveProperty('session');
    expect(start.responses['403'].description).toContain('TARGET_PRIVILEGED');
    expect(doc.paths['/sessions/{id}/revoke'].post.parameters[0]).toMatchObject({ name: 'id', in: 'path', required: true });
  });
});
