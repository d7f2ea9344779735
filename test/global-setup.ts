import { existsSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { postmasterPid } from './helpers/postgres.js';
import { runDirPrefix } from './helpers/redis.js';

/**
 * Nothing is required here: each suite checks for what it starts (redis-server, PostgreSQL,
 * Chromium, Firefox ESR) in its helper and fails, never skips, naming the package to install.
 */
export default function setup() {
  // A test worker that dies can't stop its redis-server: do it here, with its temp dir.
  process.env.ONBEHALF_TEST_RUN = String(process.pid);
  const prefix = runDirPrefix();
  return function teardown() {
    for (const name of readdirSync(tmpdir())) {
      if (!name.startsWith(prefix)) continue;
      const dir = join(tmpdir(), name);
      try {
        // A PostgreSQL data dir (SIGQUIT: the postmaster ends its backends too), else a Redis one.
        if (existsSync(join(dir, 'data', 'postmaster.pid'))) process.kill(postmasterPid(dir), 'SIGQUIT');
        else process.kill(Number(readFileSync(join(dir, 'redis.pid'), 'utf8')), 'SIGKILL');
      } catch {
        // Already stopped.
      }
      rmSync(dir, { recursive: true, force: true });
    }
  };
}
