import { RedisStore } from 'connect-redis';
import { DEFAULT_COMMAND_TIMEOUT_MS } from './commands.js';
import { RedisUnavailableError } from './errors.js';

/** Options of `redisSessionStore()`. */
export interface RedisSessionStoreOptions {
  /** A connected node-redis v5 client, created with `disableOfflineQueue: true`. Required. */
  client: object;
  /** Prefix of the session keys. Default `'sess:'` (connect-redis's). */
  prefix?: string;
  /** A session read or write that gets no answer within this many ms fails (503). Default 2000. */
  commandTimeoutMs?: number;
  /** Session lifetime in Redis, in seconds, when the cookie has no `maxAge`. Default 86400 (connect-redis's). */
  ttl?: number;
}

/**
 * The client, with every command it returns a promise for bounded by `ms`. node-redis's own
 * command timeout stops counting once a command is written, so a Redis that hangs with the
 * connection open would otherwise hang every request at the session layer.
 */
function bounded<T extends object>(client: T, ms: number): T {
  return new Proxy(client, {
    get(target, prop) {
      const value = Reflect.get(target, prop);
      if (typeof value !== 'function') return value;
      return (...args: unknown[]) => {
        const result: unknown = value.apply(target, args);
        if (!(result instanceof Promise)) return result;
        let timer: NodeJS.Timeout | undefined;
        const timeout = new Promise<never>((_, reject) => {
          timer = setTimeout(() => reject(new RedisUnavailableError(new Error(`Redis did not answer within ${ms} ms.`))), ms);
        });
        return Promise.race([result, timeout]).finally(() => clearTimeout(timer));
      };
    },
  });
}

/**
 * express-session's store on Redis: connect-redis 9 on a node-redis v5 client, with every session
 * read and write bounded by `commandTimeoutMs`, so a hung Redis answers 503 (with
 * `redisUnavailableHandler()`) instead of hanging the request.
 */
export function redisSessionStore(options: RedisSessionStoreOptions): RedisStore {
  const { client, prefix, commandTimeoutMs = DEFAULT_COMMAND_TIMEOUT_MS, ttl } = options;
  return new RedisStore({ client: bounded(client, commandTimeoutMs), prefix, ttl });
}
