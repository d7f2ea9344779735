import { randomUUID } from 'node:crypto';
import { afterEach, describe, expect, it } from 'vitest';
import type { Reply } from '../../helpers/http.js';
import { startRedis, type RedisProcess } from '../../helpers/redis.js';
import { Browser, startScaleHost, type ScaleHost } from './redis-host.js';

/** The request deadline of every Redis piece here (their default). */
const DEADLINE_MS = 2_000;
/** Scheduling slack on a loaded 2-core machine: generous, yet below a second deadline. */
const SLACK_MS = 1_500;

let open: { hosts: ScaleHost[]; redis: RedisProcess[] } = { hosts: [], redis: [] };
afterEach(async () => {
  const { hosts, redis } = open;
  open = { hosts: [], redis: [] };
  for (const r of redis) r.resume();
  await Promise.all(hosts.map((h) => h.close()));
  await Promise.all(redis.map((r) => r.stop(true)));
  for (const h of hosts) expect(h.unexpected, `${h.name}: errors the host answered 500`).toEqual([]);
});

async function pair(redis: RedisProcess, afterSession?: (req: import('express').Request) => void) {
  const prefix = `f${randomUUID().slice(0, 8)}:`;
  const hosts = await Promise.all(['A', 'B'].map((name) => startScaleHost(name, { sessionUrl: redis.url, prefix, afterSession })));
  open.hosts.push(...hosts);
  return hosts as [ScaleHost, ScaleHost];
}

const storeUnavailable = (r: Reply) => r.status === 503 && r.json?.error?.code === 'STORE_UNAVAILABLE';
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const until = async (check: () => Promise<boolean>, what: string, ms = 15_000) => {
  const end = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await sleep(50);
  }
};

/** A browser behind the load balancer, and whom every answer it gets must be served as. */
interface Person {
  label: string;
  browser: Browser;
  /** `actor>subject` while acting, the user's own id otherwise. */
  identity: string;
}
const identityOf = (servedAs: { active: boolean; userId?: string; actor?: { id: string | number } } | undefined) =>
  servedAs?.active ? `${servedAs.actor?.id}>${servedAs.userId}` : String(servedAs?.userId);

interface Tally {
  ok: number;
  unavailable: number;
  /** Answers served as someone else than the browser's person: must stay empty. */
  wrongIdentity: string[];
  /** Anything but a correct answer or 503 STORE_UNAVAILABLE (a 500, a cut connection): must stay empty. */
  errors: string[];
}

/**
 * Every person sends requests in a loop, spread over the instances (GET and POST of host routes
 * that echo whom they were served as, and onbehalf's status), until `stop()` says so.
 */
function traffic(people: Person[], hosts: ScaleHost[], workersEach = 2) {
  const tally: Tally = { ok: 0, unavailable: 0, wrongIdentity: [], errors: [] };
  let running = true;
  let n = 0;
  const one = async (p: Person) => {
    const host = hosts[n++ % hosts.length];
    const kind = n % 3;
    const label = `${p.label} ${['GET /whoami', 'POST /notes', 'GET status'][kind]} on ${host.name}`;
    let r: Reply;
    try {
      const c = p.browser.at(host);
      r = kind === 0 ? await c.get('/whoami') : kind === 1 ? await c.request('POST', '/notes', { body: { n } }) : await c.get('/onbehalf/status');
    } catch (err) {
      tally.errors.push(`${label}: ${String(err)}`);
      return;
    }
    if (storeUnavailable(r)) return void tally.unavailable++;
    if (r.status !== 200 && r.status !== 201) return void tally.errors.push(`${label}: ${r.status} ${r.text.slice(0, 200)}`);
    // Status names the acting pair; not acting, it only says someone is signed in.
    const served = kind === 2 ? (r.json.active ? `${r.json.session.actor.id}>${r.json.session.subject.id}` : r.json.signedIn ? 'self' : 'nobody') : identityOf(r.json.servedAs);
    const expected = kind === 2 && !p.identity.includes('>') ? 'self' : p.identity;
    if (served !== expected) tally.wrongIdentity.push(`${label}: served as ${served}`);
    else tally.ok++;
  };
  const loops = people.flatMap((p) =>
    Array.from({ length: workersEach }, async () => {
      while (running) await one(p);
    }),
  );
  return {
    tally,
    async stop() {
      running = false;
      await Promise.all(loops);
      return tally;
    },
  };
}

describe('Redis faults answer 503 STORE_UNAVAILABLE within one request deadline', () => {
  it('a Redis that hangs after the session was read: 503 within one deadline (not one per command), then service resumes', async () => {
    const redis = await startRedis({ persist: true });
    open.redis.push(redis);
    // The worst case: the session is read, then Redis hangs, and the request still has onbehalf's
    // reads (and the rate limit, and express-session's save at the end) to go.
    const [A] = await pair(redis, (req) => {
      if (req.get('x-hang-now')) redis.pause();
    });
    const avery = await Browser.signedIn(A, 'avery');
    const sam = await Browser.signedIn(A, 'sam');
    expect((await avery.at(A).start('ashley')).status).toBe(200);
    const samToken = (await sam.at(A).status()).csrfToken;
    const averyToken = (await avery.at(A).status()).csrfToken;
    const hang = { 'x-hang-now': '1' };
    const cases: Array<[string, () => Promise<Reply>]> = [
      ['acting GET', () => avery.at(A).get('/whoami', hang)],
      ['acting POST', () => avery.at(A).request('POST', '/notes', { body: {}, headers: hang })],
      ['acting stop', () => avery.at(A).request('POST', '/onbehalf/stop', { body: {}, headers: { ...hang, 'x-csrf-token': averyToken } })],
      ['start', () => sam.at(A).request('POST', '/onbehalf/start', { body: { userId: 'bob', reason: 'Investigating a ticket' }, headers: { ...hang, 'x-csrf-token': samToken } })],
    ];
    const took: Record<string, number> = {};
    for (const [label, send] of cases) {
      const t0 = performance.now();
      const r = await send();
      took[label] = Math.round(performance.now() - t0);
      redis.resume();
      expect(storeUnavailable(r), `${label}: ${r.status} ${r.text.slice(0, 200)}`).toBe(true);
      await until(async () => (await avery.at(A).get('/whoami')).status === 200, 'Redis to answer again');
    }
    console.log(`answer times with Redis hung after the session read (deadline ${DEADLINE_MS} ms): ${JSON.stringify(took)}`);
    for (const [label, ms] of Object.entries(took)) {
      expect(ms, `${label} waited for the deadline`).toBeGreaterThanOrEqual(DEADLINE_MS * 0.95);
      expect(ms, `${label} answered within one deadline`).toBeLessThanOrEqual(DEADLINE_MS + SLACK_MS);
    }
    // Resumed on the same clients: avery is still acting for ashley, sam can start.
    expect((await avery.at(A).get('/whoami')).json.servedAs).toMatchObject({ active: true, userId: 'ashley' });
  });

  it('Redis killed (-9) under in-flight requests, then restarted: only correct answers or 503, never a 500, and service resumes without restarting the app', async () => {
    const redis = await startRedis({ persist: true });
    open.redis.push(redis);
    const [A, B] = await pair(redis);
    const people: Person[] = [];
    for (const [actor, subject] of [['avery', 'ashley'], ['sam', 'bob']]) {
      const browser = await Browser.signedIn(A, actor);
      expect((await browser.at(B).start(subject)).status).toBe(200);
      people.push({ label: actor, browser, identity: `${actor}>${subject}` });
    }
    for (const id of ['member1', 'member2']) people.push({ label: id, browser: await Browser.signedIn(B, id), identity: id });

    const load = traffic(people, [A, B], 3);
    const rounds: Array<{ unavailable: number; recoveredMs: number }> = [];
    for (let round = 0; round < 3; round++) {
      await sleep(300);
      const before = load.tally.unavailable;
      await redis.stop(true);
      await sleep(300);
      await redis.restart();
      const back = performance.now();
      await until(async () => {
        const replies = await Promise.all(people.flatMap((p) => [A, B].map((h) => p.browser.at(h).get('/whoami'))));
        return replies.every((r) => r.status === 200);
      }, 'every person to be served again on both instances');
      rounds.push({ unavailable: load.tally.unavailable - before, recoveredMs: Math.round(performance.now() - back) });
    }
    const tally = await load.stop();
    console.log(`kill -9 rounds: ${JSON.stringify(rounds)}; answers: ${tally.ok} correct, ${tally.unavailable} × 503`);
    expect(tally.errors).toEqual([]);
    expect(tally.wrongIdentity).toEqual([]);
    expect(tally.ok).toBeGreaterThan(0);
  }, 90_000);

  it('two instances serving acting traffic for different subjects and signed-in users, through a hang and a kill -9: never a wrong identity, only 503s, and service recovers', async () => {
    const redis = await startRedis({ persist: true });
    open.redis.push(redis);
    const [A, B] = await pair(redis);
    const people: Person[] = [];
    const pairs = [['avery', 'ashley'], ['sam', 'bob'], ['admin1', 'member1'], ['admin2', 'member2']];
    for (const [i, [actor, subject]] of pairs.entries()) {
      const browser = await Browser.signedIn(i % 2 ? A : B, actor);
      const started = await browser.at(i % 2 ? B : A).start(subject);
      expect(started.status, started.text).toBe(200);
      people.push({ label: actor, browser, identity: `${actor}>${subject}` });
    }
    // Signed in, not acting: among them the subjects themselves, in their own sessions.
    for (const id of ['ashley', 'member1', 'member3']) people.push({ label: id, browser: await Browser.signedIn(A, id), identity: id });

    const everyoneServed = () =>
      until(async () => {
        const replies = await Promise.all(people.flatMap((p) => [A, B].map((h) => p.browser.at(h).get('/whoami'))));
        return replies.every((r) => r.status === 200 && identityOf(r.json.servedAs) === people[Math.floor(replies.indexOf(r) / 2)].identity);
      }, 'every person to be served as themselves again on both instances');

    const load = traffic(people, [A, B], 2);
    await sleep(400);
    const okBefore = load.tally.ok;
    redis.pause();
    await sleep(DEADLINE_MS + 1_000);
    const hung = load.tally.unavailable;
    redis.resume();
    await everyoneServed();
    await sleep(300);
    await redis.stop(true);
    await sleep(500);
    await redis.restart();
    await everyoneServed();
    await sleep(300);
    const tally = await load.stop();
    console.log(`two instances: ${tally.ok} correct answers (${okBefore} before the hang), ${tally.unavailable} × 503 (${hung} by the end of the hang)`);
    expect(tally.wrongIdentity).toEqual([]);
    expect(tally.errors).toEqual([]);
    expect(hung).toBeGreaterThan(0);
    expect(tally.ok).toBeGreaterThan(okBefore);
    // Every request a host route served, on either instance, was one of these identities.
    const known = new Set(people.map((p) => p.identity));
    for (const s of [...A.served, ...B.served]) if (s.path !== '/login') expect(known.has(identityOf(s.servedAs)), JSON.stringify(s)).toBe(true);
  }, 90_000);
});
