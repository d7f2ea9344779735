// The SPA example in one process: the app (sign-in, onbehalf, the SPA) and the notes API beside
// it on another port. With REDIS_URL both use Redis (as separate processes would); without, they
// share one in-memory store. `TOKEN_KEY_PEM` is the signing key (PKCS#8); without it an
// ephemeral one is made for this run.
import { generateKeyPairSync } from 'node:crypto';
import { createServer } from 'node:http';
import { createClient } from 'redis';
import { memoryAudit, memoryStore, type AuditSink, type ImpersonationStore } from 'onbehalf';
import { redisStore, redisStreamAudit } from 'onbehalf/redis';
import { createNotesApi } from './api.js';
import { createSpaApp } from './app.js';

const port = Number(process.env.PORT ?? 3100);
const origin = `http://127.0.0.1:${port}`;
const apiOrigin = `http://127.0.0.1:${port + 1}`;
const audience = 'notes-api';

let store: ImpersonationStore = memoryStore();
let apiStore: ImpersonationStore = store;
let audit: AuditSink = memoryAudit();
if (process.env.REDIS_URL) {
  const client = createClient({ url: process.env.REDIS_URL, disableOfflineQueue: true });
  await client.connect();
  store = redisStore({ client });
  apiStore = redisStore({ client, cacheTtlMs: 30_000 });
  audit = redisStreamAudit({ client });
}
let privateKey = process.env.TOKEN_KEY_PEM;
if (!privateKey) {
  console.warn('spa-api example: no TOKEN_KEY_PEM, signing with a key made for this run only.');
  privateKey = generateKeyPairSync('ed25519').privateKey.export({ type: 'pkcs8', format: 'pem' }) as string;
}

const { app } = await createSpaApp({ origin, api: { origin: apiOrigin, audience }, keys: [{ kid: 'example', alg: 'EdDSA', privateKey }], store, audit, sessionSecret: process.env.SESSION_SECRET ?? 'spa-api-example-secret' });
const api = createNotesApi({ appOrigin: origin, audience, sessions: apiStore, audit });
createServer(app).listen(port, '127.0.0.1', () => console.log(`app (sign in as avery / example) on ${origin}`));
createServer(api.app).listen(port + 1, '127.0.0.1', () => console.log(`notes API on ${apiOrigin}`));
