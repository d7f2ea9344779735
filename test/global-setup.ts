import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { postgresBin, postmasterPid } from './helpers/postgres.js';
import { runDirPrefix } from './helpers/redis.js';

/** Fail loudly, never skip, when a service the tests need is missing. */
export default function setup() {
  const missing: string[] = [];
  const check = (cmd: string, args: string[], pkg: string) => {
    const r = spawnSync(cmd, args, { stdio: 'ignore' });
    if (r.error) missing.push(`${cmd} (apt-get install -y ${pkg})`);
  };
  check('redis-server', ['--version'], 'redis-server');
  check('chromium', ['--version'], 'chromium');
  check('firefox-esr', ['--version'], 'firefox-esr');
  try { postgresBin(); } catch { missing.push('initdb (apt-get install -y postgresql)'); }
  if (missing.length) throw new Error(`Tests need: ${missing.join(', ')}. Install them, or run .ci/run which does.`);

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
