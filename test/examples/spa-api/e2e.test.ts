import { spawn, type ChildProcess } from 'node:child_process';
import { createServer, type Server } from 'node:http';
import type { Page } from 'puppeteer-core';
import { createClient } from 'redis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSpaApp, EXAMPLE_PASSWORD } from '../../../examples/spa-api/app.js';
import { redisStore, redisStreamAudit } from '../../../server/redis/index.js';
import { launchChromium, type LaunchedBrowser } from '../../helpers/browser.js';
import { startRedis, type RedisProcess } from '../../helpers/redis.js';
import { testKey } from '../../helpers/tokens.js';

let redis: RedisProcess;
let client: ReturnType<typeof createClient>;
let server: Server;
let api: ChildProcess | undefined;
let chromium: LaunchedBrowser | undefined;
let appUrl: string;
let apiUrl: string;

/** The notes API as its own process (tsx runs the example's source), sharing only Redis with the app. */
function startApiProcess(appOrigin: string): Promise<string> {
  return new Promise((resolve, reject) => {
    api = spawn(process.execPath, ['--import', 'tsx', 'examples/spa-api/api-main.ts'], {
      env: { ...process.env, APP_ORIGIN: appOrigin, REDIS_URL: redis.url, PORT: '0' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    const timer = setTimeout(() => reject(new Error(`the notes API did not start: ${out}`)), 30_000);
    const read = (chunk: Buffer) => {
      out += chunk;
      const m = /notes API on (http:\/\/\S+)/.exec(out);
      if (m) {
        clearTimeout(timer);
        resolve(m[1]);
      }
    };
    api.stdout!.on('data', read);
    api.stderr!.on('data', (c: Buffer) => (out += c));
    api.on('exit', (code) => reject(new Error(`the notes API exited (${code}): ${out}`)));
  });
}

beforeAll(async () => {
  redis = await startRedis();
  client = createClient({ url: redis.url, disableOfflineQueue: true });
  await client.connect();
  server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  appUrl = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
  apiUrl = await startApiProcess(appUrl);
  const { app } = await createSpaApp({
    origin: appUrl,
    api: { origin: apiUrl, audience: 'notes-api' },
    keys: [testKey('e2e')],
    store: redisStore({ client }),
    audit: redisStreamAudit({ client }),
    sessionSecret: 'e2e-secret-e2e-secret',
  });
  server.on('request', app);
  chromium = await launchChromium();
}, 90_000);

afterAll(async () => {
  await chromium?.close();
  if (api?.pid && api.exitCode === null) api.kill('SIGKILL');
  server?.closeAllConnections();
  await new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()));
  await client?.quit().catch(() => undefined);
  await redis?.stop();
});

const resultText = (page: Page) => page.$eval('#result', (e) => e.textContent ?? '');
async function resultMatching(page: Page, re: RegExp): Promise<string> {
  await page.waitForFunction((src) => new RegExp(src).test(document.querySelector('#result')?.textContent ?? ''), { timeout: 20_000 }, re.source);
  return resultText(page);
}

describe('examples/spa-api in Chromium: an SPA on the app, a separate API service, Redis between them', () => {
  it('acts as the subject on the API, and after Exit in another tab the next API call is refused', async () => {
    const { browser } = chromium!;
    const page = await browser.newPage();
    await page.goto(appUrl, { waitUntil: 'domcontentloaded' });

    // Sign in as the admin with the app's own form, then start working on behalf of Ashley.
    await page.waitForSelector('#login:not([hidden])');
    await page.select('#login select[name=userId]', 'avery');
    await page.type('#login input[name=password]', EXAMPLE_PASSWORD);
    await Promise.all([page.waitForNavigation(), page.click('#login button')]);
    await page.waitForSelector('#start:not([hidden])');
    await page.select('#start select[name=userId]', 'ashley');
    await page.type('#start input[name=reason]', 'Ticket 4711: her notes are missing');
    await page.click('#start button');
    await page.waitForSelector('#acting:not([hidden])');
    expect(await page.$eval('#acting-text', (e) => e.textContent)).toContain('on behalf of Ashley (you are Avery Admin)');

    // The SPA's API calls act as the subject, and the API knows who really acts.
    await page.type('#add input[name=text]', 'Written for Ashley');
    await page.click('#add button');
    expect(await resultMatching(page, /^201 /)).toContain('"owner":"ashley","writtenBy":"avery"');
    await page.click('#load');
    expect(await resultMatching(page, /^200 /)).toContain('"as":"ashley"');

    // Exit in another tab (same browser, same cookie session).
    const other = await browser.newPage();
    await other.goto(appUrl, { waitUntil: 'domcontentloaded' });
    await other.waitForSelector('#exit');
    await other.waitForSelector('#acting:not([hidden])');
    await other.click('#exit');
    await other.waitForSelector('#start:not([hidden])');

    // The first tab still holds its token (valid for minutes); the API refuses it anyway.
    await page.bringToFront();
    await page.evaluate(() => (document.querySelector('#result')!.textContent = ''));
    await page.click('#load');
    expect(await resultMatching(page, /\S/)).toMatch(/^401 .*TOKEN_REVOKED/);

    // The API's write is in the app's audit stream, with the actor and the token.
    const events = (await redisStreamAudit({ client }).query({})).events;
    const write = events.find((e) => e.type === 'action' && e.tokenId);
    expect(write).toMatchObject({ actor: { id: 'avery' }, subject: { id: 'ashley' }, method: 'POST', path: '/notes' });
    expect(events.find((e) => e.type === 'outcome' && e.actionId === write!.id)).toMatchObject({ status: 201 });
  }, 60_000);
});
