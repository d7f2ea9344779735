import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createDemoApp, type DemoApp, type DemoAppOptions } from '../../../examples/contoso-goals/app.js';
import { Client, listen } from '../../helpers/http.js';

export interface RunningDemo {
  url: string;
  demo: DemoApp;
  dataDir: string;
  warnings: string[];
  client(): Client;
  /** A client signed in through `POST /login` (JSON), as the demo's own sign-in works. */
  signIn(email: string, password?: string): Promise<Client>;
  close(): Promise<void>;
}

/** The real demo app on 127.0.0.1, a free port and a fresh temporary data directory. */
export async function startDemo(options: Partial<DemoAppOptions> = {}): Promise<RunningDemo> {
  const dataDir = await mkdtemp(join(tmpdir(), 'onbehalf-demo-'));
  const warnings: string[] = [];
  const demo = createDemoApp({ dataDir, sessionSecret: 'test-secret-test-secret-test-secret', warn: (m) => warnings.push(m), ...options });
  const { url, close } = await listen(demo.app);
  return {
    url,
    demo,
    dataDir,
    warnings,
    client: () => new Client(url),
    async signIn(email, password = 'demo') {
      const c = new Client(url);
      const r = await c.request('POST', '/login', { body: { email, password } });
      if (r.status !== 200) throw new Error(`sign-in as ${email} failed: ${r.status} ${r.text}`);
      return c;
    },
    async close() {
      await close();
      await demo.close();
      await rm(dataDir, { recursive: true, force: true });
    },
  };
}
