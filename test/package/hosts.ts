/**
 * The consumer host every setup of the matrix runs: express-session, a sign-in of its own and
 * onbehalf mounted the way the README shows. One source, written out in each setup's module
 * syntax (ESM or CommonJS) and language (JavaScript, or TypeScript with the types checked).
 */

export interface Setup {
  /** Folder inside the consumer project. */
  name: string;
  /** The file written, and the one Node runs (after tsc, for TypeScript). */
  source: string;
  run: string;
  syntax: 'esm' | 'cjs';
  /** A tsconfig.json for TypeScript setups. */
  tsconfig?: Record<string, unknown>;
  /** The folder's package.json "type", where the setup needs one. */
  type?: 'module' | 'commonjs';
}

const strict = { strict: true, skipLibCheck: false, outDir: 'out' };

export const SETUPS: Setup[] = [
  { name: 'esm', source: 'host.mjs', run: 'host.mjs', syntax: 'esm' },
  { name: 'cjs', source: 'host.cjs', run: 'host.cjs', syntax: 'cjs' },
  { name: 'ts-nodenext-esm', source: 'host.mts', run: 'out/host.mjs', syntax: 'esm', tsconfig: { ...strict, module: 'nodenext', moduleResolution: 'nodenext' } },
  { name: 'ts-nodenext-cjs', source: 'host.cts', run: 'out/host.cjs', syntax: 'esm', tsconfig: { ...strict, module: 'nodenext', moduleResolution: 'nodenext' } },
  {
    name: 'ts-bundler',
    source: 'host.ts',
    run: 'out/host.js',
    syntax: 'esm',
    type: 'module',
    tsconfig: { ...strict, module: 'esnext', moduleResolution: 'bundler', target: 'es2022' },
  },
  {
    name: 'ts-node10',
    source: 'host.ts',
    run: 'out/host.js',
    syntax: 'esm',
    type: 'commonjs',
    tsconfig: { ...strict, module: 'commonjs', moduleResolution: 'node10', esModuleInterop: true, target: 'es2022', ignoreDeprecations: '5.0' },
  },
];

/** The host's source for one setup. With `redis`, the TypeScript setups also check `onbehalf/redis`'s types. */
export function hostSource(setup: Setup, options: { redis: boolean }): string {
  const ts = setup.tsconfig !== undefined;
  const imports =
    setup.syntax === 'esm'
      ? `import express from 'express';\nimport session from 'express-session';\nimport { memoryAudit, onBehalf } from 'onbehalf';`
      : `const express = require('express');\nconst session = require('express-session');\nconst { memoryAudit, onBehalf } = require('onbehalf');`;
  const types = ts
    ? [
        `import type { AuditSink } from 'onbehalf/audit';`,
        `import type { OkrModel } from 'onbehalf/okr';`,
        `import type { OnBehalfClient } from 'onbehalf/client';`,
        options.redis ? `import type { RedisStoreOptions } from 'onbehalf/redis';\nexport type Checked = [OkrModel, OnBehalfClient, RedisStoreOptions];` : `export type Checked = [OkrModel, OnBehalfClient];`,
        `declare module 'express-session' { interface SessionData { userId?: string } }`,
      ].join('\n')
    : '';
  return `${imports}
${types}

const people = new Map([
  ['avery', { id: 'avery', name: 'Avery Admin', active: true, permissions: ['impersonate'], privilege: 100 }],
  ['ashley', { id: 'ashley', name: 'Ashley', active: true }],
]);
const audit${ts ? ': AuditSink' : ''} = memoryAudit();

const app = express();
app.use(session({ secret: 'consumer-matrix-secret', resave: false, saveUninitialized: false, cookie: { httpOnly: true, sameSite: 'lax' } }));
app.post('/login', express.json(), (req, res) => {
  req.session.userId = String(req.body.userId);
  res.json({ ok: true });
});
app.use(onBehalf({
  users: { get: (id) => people.get(String(id)), search: (q, limit) => [...people.values()].slice(0, limit) },
  currentUser: (req) => req.session.userId,
  audit,
}));
app.get('/whoami', (req, res) => {
  res.json({ userId: req.onBehalf?.userId, acting: req.onBehalf?.active === true });
});
const server = app.listen(0, '127.0.0.1', () => console.log('listening ' + Object(server.address()).port));
`;
}
