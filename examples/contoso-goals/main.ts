import type { Server } from 'node:http';
import { join } from 'node:path';
import { pgAudit } from 'onbehalf/postgres';
import { createDemoApp } from './app.js';
import { ConfigError, demoConfig } from './config.js';
import { redisBackends, type RedisBackends } from './redis.js';
import { DEMO_PASSWORD, demoSeed } from './seed.js';

/** `npm start`: Contoso Goals on embedded defaults (no Redis unless REDIS_URL is set, no PostgreSQL unless DATABASE_URL is). */
async function main() {
  let config;
  try {
    config = demoConfig();
  } catch (err) {
    if (err instanceof ConfigError) {
      console.error(`onbehalf demo: ${err.message}`);
      process.exit(1);
    }
    throw err;
  }
  const warn = (m: string) => console.warn(`[demo] ${m}`);
  for (const w of config.warnings) warn(w);

  let redis: RedisBackends | undefined;
  if (config.redisUrl) {
    try {
      redis = await redisBackends(config.redisUrl, warn);
    } catch (err) {
      console.error(`onbehalf demo: could not connect to REDIS_URL (${(err as Error).message}).`);
      process.exit(1);
    }
  }

  const demo = createDemoApp({
    dataDir: config.dataDir,
    sessionSecret: config.sessionSecret,
    sessionStore: redis?.sessionStore,
    impersonationStore: redis?.store,
    subjectStore: redis?.subjectStore,
    rateLimitStore: redis?.rateLimitStore,
    signInRateLimitStore: redis?.signInRateLimitStore,
    audit: config.databaseUrl ? pgAudit({ connectionString: config.databaseUrl, warn }) : undefined,
    secureCookies: config.production,
    warn,
  });
  if (config.production) demo.app.set('trust proxy', 1);

  const server: Server = demo.app.listen(config.port, config.host);
  server.on('error', (err: NodeJS.ErrnoException) => {
    console.error(
      err.code === 'EADDRINUSE'
        ? `onbehalf demo: port ${config.port} on ${config.host} is in use. Set PORT to another port, e.g. PORT=3001 npm start.`
        : `onbehalf demo: could not listen on ${config.host}:${config.port} (${err.message}).`,
    );
    process.exit(1);
  });
  server.on('listening', () => {
    const { port } = server.address() as { port: number };
    const url = `http://${config.host.includes(':') ? `[${config.host}]` : config.host}:${port}`;
    const users = demoSeed().users;
    const width = Math.max(...users.map((u) => u.name.length));
    const emailWidth = Math.max(...users.map((u) => u.email.length));
    console.log(
      [
        '',
        `Contoso Goals, the onbehalf demo, is running at ${url}`,
        '',
        `Demo accounts (password "${DEMO_PASSWORD}"):`,
        ...users.map((u) => `  ${u.name.padEnd(width)}  ${u.email.padEnd(emailWidth)}  ${u.role}${u.active ? '' : ' (cannot sign in)'}`),
        '',
        'Try it: sign in as Avery Admin, open Admin › Users, and pick Actions › Work on behalf for Ashley.',
        'Then sign in as Ashley: her next page tells her of Avery’s visit (My access keeps every one).',
        'Ben needs his consent first (he grants it under My access); Olivia needs Audrey’s approval (Admin › Approvals).',
        '',
        'The browser extension: `npm run build:extension`, then',
        '  Chrome/Chromium: chrome://extensions → Developer mode → Load unpacked → dist/extension',
        '  Firefox: about:debugging#/runtime/this-firefox → Load Temporary Add-on → dist/extension/manifest.json',
        '',
        `Audit log: ${config.databaseUrl ? 'PostgreSQL (DATABASE_URL)' : join(config.dataDir, 'audit')}${redis ? ' · sessions and impersonation state: Redis' : ' · sessions in memory (set REDIS_URL for Redis)'}`,
        'Stop with Ctrl+C.',
        '',
      ].join('\n'),
    );
  });

  // Graceful: no new requests, then onbehalf ends what the next process can't continue (a memory
  // store's live sessions, audited as `shutdown`) and the audit is closed, then exit.
  let stopping = false;
  const stop = () => {
    if (stopping) return;
    stopping = true;
    server.close();
    server.closeAllConnections();
    demo
      .close()
      .then(() => redis?.close())
      .then(
        () => process.exit(0),
        (err: Error) => {
          console.error(`onbehalf demo: shutdown failed (${err.message}).`);
          process.exit(1);
        },
      );
  };
  // `on`, not `once`: the audit lock's exit hook (signal-exit) re-raises a signal nobody else
  // listens to any more, which would end the process before the shutdown is on the record.
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
}

void main();
