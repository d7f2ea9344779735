import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const MAIN = fileURLToPath(new URL('../../../server/cli/main.ts', import.meta.url));

export interface Run { code: number | null; stdout: string; stderr: string }
/** Run the CLI as a user would (`onbehalf …`), through tsx. */
export function cli(args: string[], opts: { until?: (out: string) => boolean; then?: () => Promise<void> } = {}): Promise<Run> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', MAIN, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    let triggered = false;
    child.stdout.on('data', (d: Buffer) => {
      stdout += d.toString();
      if (opts.until && !triggered && opts.until(stdout)) {
        triggered = true;
        void opts.then?.().catch(reject);
      }
    });
    child.stderr.on('data', (d: Buffer) => { stderr += d.toString(); });
    child.on('close', (code) => resolve({ code, stdout, stderr }));
    if (opts.until) setTimeout(() => child.kill('SIGTERM'), 15_000);
    (cli as { last?: typeof child }).last = child;
  });
}

