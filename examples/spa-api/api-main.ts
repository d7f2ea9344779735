// The notes API as its own process: `APP_ORIGIN=http://127.0.0.1:3000 REDIS_URL=redis://127.0.0.1:6379 node dist/examples/spa-api/api-main.js`
// It shares only Redis with the app: the app's impersonation records (revocation) and its audit stream.
import { createClient } from 'redis';
import { redisStore, redisStreamAudit } from 'onbehalf/redis';
import { createNotesApi } from './api.js';

const appOrigin = process.env.APP_ORIGIN;
const redisUrl = process.env.REDIS_URL;
if (!appOrigin || !redisUrl) {
  console.error('notes API: set APP_ORIGIN (the app that issues tokens) and REDIS_URL (the app\'s Redis).');
  process.exit(1);
}
const client = createClient({ url: redisUrl, disableOfflineQueue: true });
client.on('error', (err) => console.warn(`notes API: Redis: ${String(err)}`));
await client.connect();

const { app } = createNotesApi({
  appOrigin,
  audience: process.env.API_AUDIENCE ?? 'notes-api',
  sessions: redisStore({ client, cacheTtlMs: 30_000 }),
  audit: redisStreamAudit({ client }),
});
const server = app.listen(Number(process.env.PORT ?? 0), '127.0.0.1', () => {
  const { port } = server.address() as { port: number };
  console.log(`notes API on http://127.0.0.1:${port}`);
});
process.on('SIGTERM', () => server.close(() => void client.quit().finally(() => process.exit(0))));
