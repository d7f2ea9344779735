import { mkdtemp, rm } from 'node:fs/promises';
import type { Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createDemoApp, type DemoApp, type DemoAppOptions } from '../../../examples/contoso-goals/app.js';
import { Client } from '../../helpers/http.js';

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
  const server: Server = await new Promise((resolve) => {
    const s = demo.app.listen(0, '127.0.0.1', () => resolve(s));
  });
  const url = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
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
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await demo.close();
      await rm(dataDir, { recursive: true, force: true });
    },
  };
}
