import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { fileAudit } from '../../../server/audit/index.js';
import { memoryAudit, onBehalf, passportIdentity, sessionKeyIdentity } from '../../../server/index.js';
import { redisStore } from '../../../server/redis/index.js';
import { actingTokens, verifyActingTokens } from '../../../server/tokens/index.js';
import { ERROR_STATUS, ERRORS_PAGE, SETUP_CODES } from '../../../shared/errors.js';
import { ROOT } from '../../../scripts/docs/index.js';
import { anchorOf, collectCodes, errorsPage } from '../../../scripts/docs/errors.js';
import { startHost, warningsInProduction } from '../../helpers/host.js';

const page = readFileSync(join(ROOT, ERRORS_PAGE), 'utf8');
const anchors = new Set([...page.matchAll(/^#{1,6} (.+)$/gm)].map((m) => m[1].trim().toLowerCase().replace(/[^\w\- ]/g, '').replace(/ /g, '-')));
const codes = collectCodes(ROOT);

/** A setup message: its code first, then a link to that code's entry in the page. */
function expectLinked(message: string) {
  const m = /^([A-Z_]+): .+ See (\S+)#([a-z_]+)$/s.exec(message);
  expect(m, `no code and link in: ${message}`).not.toBeNull();
  const [, code, page, anchor] = m!;
  expect(page).toBe(ERRORS_PAGE);
  expect(anchor).toBe(anchorOf(code));
  expect(anchors.has(anchor), `${ERRORS_PAGE} has no entry #${anchor}`).toBe(true);
}

describe('docs/reference/errors.md', () => {
  it('has one entry, with a meaning and what to do, for every code of the tables', () => {
    expect(codes.errors.map((e) => e.code)).toEqual(Object.keys(ERROR_STATUS));
    expect(codes.setup.map((e) => e.code)).toEqual(Object.keys(SETUP_CODES));
    for (const e of [...codes.errors, ...codes.setup]) {
      expect(e.meaning, `${e.code} needs JSDoc in shared/errors.ts`).not.toBe('');
      expect(e.fix, `${e.code} needs a @fix in shared/errors.ts`).not.toBe('');
      expect(anchors.has(anchorOf(e.code)), `no entry for ${e.code}`).toBe(true);
    }
    expect(codes.errors.find((e) => e.code === 'SIGN_IN_NOT_KEPT')!.when).toBe('409');
  });

  it('is up to date with shared/errors.ts (run `npm run docs`)', () => {
    expect(page, 'docs/reference/errors.md is stale: run `npm run docs` and commit it').toBe(errorsPage(codes));
  });

  it('every setup code is reported somewhere in server/', () => {
    const source = (dir: string): string =>
      readdirSync(dir).map((n) => join(dir, n)).map((p) => (statSync(p).isDirectory() ? source(p) : p.endsWith('.ts') ? readFileSync(p, 'utf8') : '')).join('\n');
    const server = source(join(ROOT, 'server'));
    // INVALID_OPTIONS is what optionError() throws.
    const reported = (code: string) => new RegExp(code === 'INVALID_OPTIONS' ? 'optionError\\(' : `setupMessage\\(\\s*'${code}'`);
    for (const code of Object.keys(SETUP_CODES)) expect(server, `${code} is never reported`).toMatch(reported(code));
  });
});

describe('setup warnings and option errors link to their entry', () => {
  const dirs: string[] = [];
  afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));
  const users = { get: () => undefined, search: () => [] };

  it('at start-up: the memory store in production, an unsigned file audit', () => {
    const warnings = warningsInProduction();
    const dir = mkdtempSync(join(tmpdir(), 'onbehalf-docs-'));
    dirs.push(dir);
    fileAudit({ dir, warn: (m) => warnings.push(m) });
    expect(warnings.map((w) => w.split(':')[0])).toEqual(['MEMORY_STORE_IN_PRODUCTION', 'AUDIT_UNSIGNED']);
    warnings.forEach(expectLinked);
  });

  it('on the first request: the session cookie', async () => {
    const host = await startHost({ cookie: { httpOnly: false, sameSite: false } });
    try {
      await host.client().get('/whoami');
      expect(host.warnings.map((w) => w.split(':')[0])).toEqual(['COOKIE_NOT_HTTP_ONLY', 'COOKIE_NO_SAME_SITE']);
      host.warnings.forEach(expectLinked);
    } finally {
      await host.close();
    }
  });

  it('on a start that would sign the admin out', async () => {
    const host = await startHost({ authSessionKeys: ['somethingElse'] });
    try {
      const r = await (await host.signIn('avery')).start('ashley');
      expect(r.json.error.code).toBe('SIGN_IN_NOT_KEPT');
      expect(host.warnings).toHaveLength(1);
      expectLinked(host.warnings[0]);
    } finally {
      await host.close();
    }
  });

  it('options that cannot work', () => {
    const thrown = (f: () => unknown) => {
      try {
        f();
      } catch (err) {
        return (err as Error).message;
      }
      throw new Error('did not throw');
    };
    for (const options of [{}, { users }, { users, currentUser: () => undefined }, { users, currentUser: () => undefined, audit: memoryAudit(), exitMode: 'away' }, { users, identity: {}, audit: memoryAudit() }, { users, currentUser: () => undefined, audit: memoryAudit(), subject: { notify: 1 } }]) {
      const message = thrown(() => onBehalf(options as never));
      expect(message).toMatch(/^INVALID_OPTIONS: /);
      expectLinked(message);
    }
    const others = [
      () => fileAudit({}),
      () => actingTokens({} as never),
      () => verifyActingTokens({} as never),
      () => passportIdentity(undefined as never),
      () => sessionKeyIdentity(''),
      () => redisStore({ client: {} as never, cacheTtlMs: 1000 }),
    ];
    for (const make of others) {
      const message = thrown(make);
      expect(message).toMatch(/^INVALID_OPTIONS: /);
      expectLinked(message);
    }
  });
});
