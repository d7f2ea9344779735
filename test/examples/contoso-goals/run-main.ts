import { spawn, type ChildProcess } from 'node:child_process';
import { resolve } from 'node:path';

/** `examples/contoso-goals/main.ts` run for real (tsx) as its own process, as `npm start` runs it. */
export interface MainProcess {
  child: ChildProcess;
  url: string;
  /** Everything it printed so far (stdout and stderr). */
  readonly out: string;
  /** Resolves with how it ended. */
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

/** Start the demo's `main` with `env` on `port`; resolves once it says it is running. */
export function runMain(port: number, env: Record<string, string>): Promise<MainProcess> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'examples/contoso-goals/main.ts'], {
    cwd: resolve(import.meta.dirname, '../../..'),
    env: { PATH: process.env.PATH, HOME: process.env.HOME, PORT: String(port), ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((done) => child.on('exit', (code, signal) => done({ code, signal })));
  const guard = setTimeout(() => child.kill('SIGKILL'), 60_000);
  void exited.then(() => clearTimeout(guard));
  return new Promise((ready, fail) => {
    const read = (d: Buffer) => {
      out += d.toString();
      if (/Stop with Ctrl\+C/.test(out)) ready({ child, url: `http://127.0.0.1:${port}`, get out() { return out; }, exited });
    };
    child.stdout!.on('data', read);
    child.stderr!.on('data', read);
    void exited.then(({ code, signal }) => fail(new Error(`the demo ended before it was up (${code ?? signal}): ${out}`)));
  });
}
