import { resolve } from 'node:path';

/** The demo's settings, from the environment. */
export interface DemoConfig {
  /** `PORT`, default 3000. */
  port: number;
  /** `HOST`, default 127.0.0.1 (only this machine can connect). */
  host: string;
  /** `ONBEHALF_DATA_DIR`, default `./.onbehalf-data`: where the audit log is written. */
  dataDir: string;
  /** `SESSION_SECRET`: required when NODE_ENV=production; a fixed development default otherwise. */
  sessionSecret: string;
  /** `REDIS_URL`: when set, sessions and impersonation state go to Redis. */
  redisUrl?: string;
  /** `DATABASE_URL`: when set, the audit trail is one hash chain in PostgreSQL, shared by every instance. */
  databaseUrl?: string;
  production: boolean;
  /** Things worth saying at start-up. */
  warnings: string[];
}

/** A setting the demo can't start with; main prints the message and exits 1. */
export class ConfigError extends Error {}

/**
 * Fixed, so sessions survive a restart in development; never random per process (which would
 * sign everyone out on each restart and differ between instances).
 */
export const DEVELOPMENT_SECRET = 'onbehalf-demo-development-secret-do-not-use-in-production';

export function demoConfig(env: NodeJS.ProcessEnv = process.env): DemoConfig {
  const production = env.NODE_ENV === 'production';
  const warnings: string[] = [];
  const portText = env.PORT ?? '3000';
  if (!/^\d{1,5}$/.test(portText) || Number(portText) > 65535) throw new ConfigError(`PORT must be a number from 0 to 65535 (got "${portText}").`);
  const host = env.HOST || '127.0.0.1';
  let sessionSecret = env.SESSION_SECRET ?? '';
  if (!sessionSecret) {
    if (production) throw new ConfigError('SESSION_SECRET is required when NODE_ENV=production: set it to a long random string (e.g. `openssl rand -hex 32`).');
    sessionSecret = DEVELOPMENT_SECRET;
    warnings.push('SESSION_SECRET is not set: using the fixed development secret. Set SESSION_SECRET before exposing this server.');
  } else if (sessionSecret.length < 32) {
    warnings.push('SESSION_SECRET is shorter than 32 characters: use a long random string.');
  }
  const redisUrl = env.REDIS_URL || undefined;
  if (redisUrl && !/^rediss?:\/\//.test(redisUrl)) throw new ConfigError('REDIS_URL must start with redis:// or rediss://.');
  const databaseUrl = env.DATABASE_URL || undefined;
  if (databaseUrl && !/^postgres(ql)?:\/\//.test(databaseUrl)) throw new ConfigError('DATABASE_URL must start with postgres:// or postgresql://.');
  return { port: Number(portText), host, dataDir: resolve(env.ONBEHALF_DATA_DIR || '.onbehalf-data'), sessionSecret, redisUrl, databaseUrl, production, warnings };
}
