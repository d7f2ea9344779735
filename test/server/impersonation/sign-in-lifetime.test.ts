import { afterEach, describe, expect, it } from 'vitest';
import { startHost, type TestHost } from '../../helpers/host.js';
import type { Reply } from '../../helpers/http.js';

let host: TestHost;
afterEach(async () => host?.close());

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
/** The session cookie's Expires, as the browser would store it. */
function expiresOf(r: Reply): number | undefined {
  const c = r.headers.getSetCookie().find((x) => x.startsWith('connect.sid='));
  const m = c && /expires=([^;]+)/i.exec(c);
  return m ? Date.parse(m[1]) : undefined;
}

describe('start and stop never extend the actor’s sign-in', () => {
  it('every cookie they issue expires no later than the one the sign-in issued', async () => {
    host = await startHost({ sessionMaxAgeMs: 60 * 60_000 });
    const avery = host.client();
    const login = await avery.request('POST', '/login', { body: { userId: 'avery' } });
    const signedInUntil = expiresOf(login)!;
    expect(signedInUntil).toBeGreaterThan(Date.now());
    const issued: number[] = [];
    for (let i = 0; i < 3; i++) {
      // Cookie dates have one-second resolution: let the clock move on between cycles.
      await sleep(1100);
      await avery.get('/whoami');
      issued.push(expiresOf(await avery.start('ashley'))!);
      await sleep(1100);
      issued.push(expiresOf(await avery.stop())!);
    }
    expect(issued.every((t) => Number.isFinite(t))).toBe(true);
    for (const t of issued) expect(t).toBeLessThanOrEqual(signedInUntil);
    // And the impersonation itself still ends with the sign-in.
    const { session } = (await avery.start('ashley')).json;
    expect(session.expiresAt).toBeLessThanOrEqual(signedInUntil + 999);
  });
});
