import { spawnSync } from 'node:child_process';

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
  if (missing.length) throw new Error(`Tests need: ${missing.join(', ')}. Install them, or run .ci/run which does.`);
}
