import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { launchChromium, launchFirefox } from './helpers/browser.js';
import { startRedis } from './helpers/redis.js';

// A PATH holding node and nothing else: no redis-server, no browsers, no PostgreSQL.
const bare = mkdtempSync(join(tmpdir(), 'onbehalf-bare-path-'));
symlinkSync(process.execPath, join(bare, 'node'));
afterAll(() => rmSync(bare, { recursive: true, force: true }));

const withEnv = async (env: Record<string, string>, fn: () => Promise<unknown>) => {
  const before = Object.fromEntries(Object.keys(env).map((k) => [k, process.env[k]]));
  Object.assign(process.env, env);
  try {
    return await fn();
  } finally {
    for (const [k, v] of Object.entries(before)) if (v === undefined) delete process.env[k]; else process.env[k] = v;
  }
};

describe('each suite needs only what it uses', () => {
  it('pure suites (OKR model, shared text rules) pass with nothing but node on PATH', () => {
    const root = resolve(import.meta.dirname, '..');
    const r = spawnSync(process.execPath, [join(root, 'node_modules/vitest/vitest.mjs'), 'run', 'test/server/okr/rules.test.ts', 'test/shared/text.test.ts'], {
      cwd: root,
      env: { PATH: bare, NO_COLOR: '1', HOME: process.env.HOME ?? tmpdir(), CHROMIUM_PATH: '/nonexistent/chromium', FIREFOX_PATH: '/nonexistent/firefox' },
      encoding: 'utf8',
      timeout: 120_000,
    });
    expect(r.status, r.stdout + r.stderr).toBe(0);
    expect(r.stdout).toMatch(/Test Files\s+2 passed/);
  }, 150_000);

  it('a Redis suite fails, naming the package, when redis-server is missing', async () => {
    await expect(withEnv({ PATH: bare }, () => startRedis())).rejects.toThrow(/apt-get install -y redis-server/);
  });

  it('a browser suite fails, naming the package, when its browser is missing', async () => {
    await expect(withEnv({ CHROMIUM_PATH: join(bare, 'chromium') }, () => launchChromium())).rejects.toThrow(/apt-get install -y chromium/);
    await expect(withEnv({ FIREFOX_PATH: join(bare, 'firefox-esr') }, () => launchFirefox())).rejects.toThrow(/apt-get install -y firefox-esr/);
  });
});
