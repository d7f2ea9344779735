import { spawn } from 'node:child_process';
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ConfigError, DEVELOPMENT_SECRET, demoConfig } from '../../../examples/contoso-goals/config.js';
import { Client } from '../../helpers/http.js';
import { freePort } from '../../helpers/redis.js';

const dirs: string[] = [];
afterAll(async () => {
  for (const d of dirs) await rm(d, { recursive: true, force: true });
});

/** Run `examples/contoso-goals/main.ts` for real (tsx); once it prints `until`, run `whileUp`, then stop it with SIGTERM. */
function runMain(env: Record<string, string>, until: RegExp, whileUp: () => Promise<void> = async () => {}): Promise<{ code: number | null; out: string }> {
  return new Promise((done) => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'examples/contoso-goals/main.ts'], {
      cwd: resolve(import.meta.dirname, '../../..'),
      env: { PATH: process.env.PATH, HOME: process.env.HOME, ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    let stopping = false;
    const timer = setTimeout(() => child.kill('SIGKILL'), 30_000);
    const read = (d: Buffer) => {
      out += d.toString();
      if (until.test(out) && !stopping) {
        stopping = true;
        void whileUp().finally(() => child.kill('SIGTERM'));
      }
    };
    child.stdout.on('data', read);
    child.stderr.on('data', read);
    child.on('exit', (code) => {
      clearTimeout(timer);
      done({ code, out });
    });
  });
}

describe('demo configuration', () => {
  it('defaults: port 3000 on 127.0.0.1, ./.onbehalf-data, the fixed development secret with a warning', () => {
    const c = demoConfig({});
    expect(c).toMatchObject({ port: 3000, host: '127.0.0.1', dataDir: resolve('.onbehalf-data'), sessionSecret: DEVELOPMENT_SECRET, production: false });
    expect(c.warnings.join(' ')).toContain('SESSION_SECRET is not set');
    // Fixed, never random per process: two reads agree.
    expect(demoConfig({}).sessionSecret).toBe(c.sessionSecret);
  });

  it('refuses production without SESSION_SECRET, a bad PORT and a bad REDIS_URL, each with a clear message', () => {
    expect(() => demoConfig({ NODE_ENV: 'production' })).toThrow(new ConfigError('SESSION_SECRET is required when NODE_ENV=production: set it to a long random string (e.g. `openssl rand -hex 32`).'));
    expect(() => demoConfig({ PORT: 'eighty' })).toThrow(/PORT must be a number/);
    expect(() => demoConfig({ PORT: '70000' })).toThrow(/PORT must be a number/);
    expect(() => demoConfig({ REDIS_URL: 'http://x' })).toThrow(/REDIS_URL must start with redis:\/\//);
    expect(() => demoConfig({ DATABASE_URL: 'mysql://x' })).toThrow(/DATABASE_URL must start with postgres:\/\//);
    expect(demoConfig({ DATABASE_URL: 'postgres://db/onbehalf' }).databaseUrl).toBe('postgres://db/onbehalf');
    const prod = demoConfig({ NODE_ENV: 'production', SESSION_SECRET: 'x'.repeat(40), PORT: '8080', HOST: '0.0.0.0', ONBEHALF_DATA_DIR: '/var/lib/ob' });
    expect(prod).toMatchObject({ port: 8080, host: '0.0.0.0', dataDir: '/var/lib/ob', production: true, warnings: [] });
    expect(demoConfig({ SESSION_SECRET: 'short' }).warnings.join(' ')).toContain('shorter than 32');
  });

  it('`main` exits 1 with the message when production has no secret', async () => {
    const r = await runMain({ NODE_ENV: 'production' }, /$^/);
    expect(r.code).toBe(1);
    expect(r.out).toContain('onbehalf demo: SESSION_SECRET is required when NODE_ENV=production');
  }, 40_000);

  it('`main` starts on embedded defaults: prints the URL, every account and how to load the extension; writes the audit under ONBEHALF_DATA_DIR', async () => {
    const dataDir = await mkdtemp(join(tmpdir(), 'onbehalf-main-'));
    dirs.push(dataDir);
    const port = await freePort();
    let started = 0;
    const r = await runMain({ PORT: String(port), ONBEHALF_DATA_DIR: dataDir }, /Stop with Ctrl\+C/, async () => {
      const avery = new Client(`http://127.0.0.1:${port}`);
      await avery.request('POST', '/login', { body: { email: 'avery@contoso.test', password: 'demo' } });
      started = (await avery.start('ashley', 'Checking the demo from a test')).status;
    });
    expect(started).toBe(200);
    expect(r.out).toContain(`running at http://127.0.0.1:${port}`);
    expect(r.out).toContain('SESSION_SECRET is not set');
    for (const email of ['avery@contoso.test', 'ashley@contoso.test', 'ivan@contoso.test']) expect(r.out).toContain(email);
    expect(r.out).toContain('Load unpacked → dist/extension');
    expect(r.out).toContain(join(dataDir, 'audit'));
    expect(r.code).toBe(0);
    const files = await readdir(join(dataDir, 'audit'));
    expect(files.some((f) => f.endsWith('.jsonl'))).toBe(true);
  }, 40_000);
});
