// Express 4 does not catch a rejected promise of a middleware: one that escapes onbehalf would
// leave the request hanging and emit unhandledRejection. Every dependency failing, on Express 4
// with both recipes, must still answer 4xx/503 JSON, promptly.
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { memoryAudit, memoryStore, passportIdentity, type ImpersonationStore } from '../../../server/index.js';
import type { Client, Reply } from '../../helpers/http.js';
import { ROWS, startIdentityHost, type IdentityHost } from '../../helpers/identity-host.js';

const faults = new Set<string>();
/** `target` whose methods reject (or throw, for `name.method!`) while `name.method` is in `faults`. */
function failing<T extends object>(name: string, target: T): T {
  const out: Record<string, unknown> = {};
  for (const key of Object.keys(target)) {
    const value = (target as Record<string, unknown>)[key];
    out[key] =
      typeof value !== 'function'
        ? value
        : (...args: unknown[]) => {
            if (faults.has(`${name}.${key}!`)) throw new Error(`${name}.${key} broke`);
            if (faults.has(`${name}.${key}`)) return Promise.reject(new Error(`${name}.${key} is down`));
            return value.apply(target, args);
          };
  }
  return out as T;
}

const rejections: unknown[] = [];
const onRejection = (reason: unknown) => rejections.push(reason);
beforeAll(() => void process.on('unhandledRejection', onRejection));
afterAll(() => void process.off('unhandledRejection', onRejection));

let host: IdentityHost | undefined;
afterEach(async () => {
  faults.clear();
  await host?.close();
  host = undefined;
});

/** The answer, which must come (a hang fails here), as JSON with a 4xx/503 status. */
async function answered(call: Promise<Reply>, codes: string[]): Promise<Reply> {
  const r = await Promise.race([call, new Promise<never>((_, reject) => setTimeout(() => reject(new Error('no answer within 3 s: the request hangs')), 3_000))]);
  expect(r.status === 503 || (r.status >= 400 && r.status < 500), `${r.status} ${r.text}`).toBe(true);
  expect(r.headers.get('content-type')).toMatch(/application\/json/);
  expect(codes).toContain(r.json?.error?.code);
  expect(r.text).not.toMatch(/\bat .*\.(js|ts):\d+/);
  return r;
}

const directory = () => ({
  get: (id: string | number) => {
    const r = ROWS.find((x) => x.id === Number(id));
    return r && { id: r.id, name: r.name, active: true, ...(r.admin && { permissions: ['impersonate'], privilege: 100 }) };
  },
  search: () => ROWS.map((r) => ({ id: r.id, name: r.name, active: true })),
});

describe.each(['passport', 'session-key'] as const)('Express 4, %s recipe: a dependency that rejects answers JSON, never hangs, never an unhandled rejection', (signIn) => {
  async function hostWithFaults() {
    const store = failing('store', memoryStore() as ImpersonationStore);
    const audit = memoryAudit();
    const sink = failing('audit', { write: (e: Parameters<typeof audit.write>[0]) => audit.write(e) });
    host = await startIdentityHost({ signIn, express: 4, onbehalf: () => ({ store, audit: sink, users: failing('users', directory()) }) });
    return host;
  }
  const acting = async (h: IdentityHost): Promise<Client> => {
    const admin = await h.signIn('avery');
    expect((await admin.start('2')).status).toBe(200);
    return admin;
  };

  it.each([
    ['store.get', ['STORE_UNAVAILABLE']],
    ['store.get!', ['STORE_UNAVAILABLE']],
    ['store.touch', ['STORE_UNAVAILABLE']],
    ['users.get', ['STORE_UNAVAILABLE']],
    ['users.get!', ['STORE_UNAVAILABLE']],
    ['audit.write', ['AUDIT_UNAVAILABLE']],
  ])('while acting, %s', async (fault, codes) => {
    const admin = await acting(await hostWithFaults());
    faults.add(fault);
    // Activity is written at most once a second: wait past that, so touch runs.
    if (fault === 'store.touch') await new Promise((r) => setTimeout(r, 1_100));
    // A read needs no audit record: it is served; everything else fails closed.
    if (fault.startsWith('audit')) expect((await admin.get('/me')).status).toBe(200);
    else await answered(admin.get('/me'), codes);
    if (fault === 'store.touch') await new Promise((r) => setTimeout(r, 1_100));
    await answered(admin.post('/notes', { text: 'x' }), codes);
    expect(host!.notes).toEqual([]);
    expect(rejections).toEqual([]);
  });

  it.each([
    ['store.create', '/onbehalf/start', ['STORE_UNAVAILABLE']],
    ['audit.write', '/onbehalf/start', ['AUDIT_UNAVAILABLE']],
    ['users.get', '/onbehalf/start', ['STORE_UNAVAILABLE']],
    ['users.search', '/onbehalf/users?q=a', ['STORE_UNAVAILABLE']],
    ['users.search!', '/onbehalf/users?q=a', ['STORE_UNAVAILABLE']],
  ])('starting, %s on %s', async (fault, path, codes) => {
    const h = await hostWithFaults();
    const admin = await h.signIn('avery');
    // The CSRF token first (status reads the directory too), then the fault.
    const token = await admin.csrf();
    faults.add(fault);
    const body = { userId: '2', reason: 'Investigating ticket about missing OKRs' };
    await answered(path === '/onbehalf/start' ? admin.request('POST', path, { body, headers: { 'x-csrf-token': token } }) : admin.get(path), codes);
    faults.clear();
    expect((await admin.status()).active).toBe(false);
    expect(rejections).toEqual([]);
  });

  it('stopping while the store is down: 503, and Exit works once it is back', async () => {
    const admin = await acting(await hostWithFaults());
    faults.add('store.end');
    await answered(admin.stop(), ['STORE_UNAVAILABLE']);
    faults.clear();
    expect((await admin.stop()).status).toBe(200);
    expect(rejections).toEqual([]);
  });
});

describe('Express 4: the host\'s sign-in read or the presented subject failing', () => {
  it('an async currentUser that rejects: 503 IDENTITY_UNAVAILABLE, acting or not', async () => {
    let fail = false;
    host = await startIdentityHost({
      signIn: 'session-key',
      express: 4,
      onbehalf: () => ({ identity: undefined, currentUser: async (req: any) => (fail ? Promise.reject(new Error('sso down')) : req.session.userId) }),
    });
    const admin = await host.signIn('avery');
    expect((await admin.start('2')).status).toBe(200);
    fail = true;
    await answered(admin.get('/me'), ['IDENTITY_UNAVAILABLE']);
    await answered(admin.post('/notes', {}), ['IDENTITY_UNAVAILABLE']);
    await answered(admin.stop(), ['IDENTITY_UNAVAILABLE']);
    expect(host.notes).toEqual([]);
    expect(rejections).toEqual([]);
  });

  it("an adapter whose present rejects (passport's deserializeUser failing for the subject): 503, the handler never runs", async () => {
    let fail = false;
    host = await startIdentityHost({
      signIn: 'passport',
      express: 4,
      onbehalf: (passport) => {
        const recipe = passportIdentity(passport);
        return { identity: { ...recipe, present: (req, subject, ctx) => (fail ? Promise.reject(new Error('deserializeUser failed')) : recipe.present!(req, subject, ctx)) } };
      },
    });
    const admin = await host.signIn('avery');
    expect((await admin.start('2')).status).toBe(200);
    fail = true;
    await answered(admin.get('/me'), ['IDENTITY_UNAVAILABLE']);
    await answered(admin.post('/notes', {}), ['IDENTITY_UNAVAILABLE']);
    expect(host.notes).toEqual([]);
    fail = false;
    expect((await admin.get('/me')).json.me).toMatchObject({ id: 2 });
    expect(rejections).toEqual([]);
  });
});
