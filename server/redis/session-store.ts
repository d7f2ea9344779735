import { RedisStore } from 'connect-redis';
import { DEFAULT_COMMAND_TIMEOUT_MS } from './commands.js';
import { deadlines } from './deadline.js';

/** Options of `redisSessionStore()`. */
export interface RedisSessionStoreOptions {
  /** A connected node-redis v5 client, created with `disableOfflineQueue: true`. Required. */
  client: object;
  /** Prefix of the session keys. Default `'sess:'` (connect-redis's). */
  prefix?: string;
  /** A session read or write with no answer after this many ms (checked every quarter of it) fails (503). Default 2000. */
  commandTimeoutMs?: number;
  /** Session lifetime in Redis, in seconds, when the cookie has no `maxAge`. Default 86400 (connect-redis's). */
  ttl?: number;
}

/**
 * The client, with every command it returns a promise for bounded by `ms` (see `deadlines`):
 * node-redis's own command timeout stops counting once a command is written, so a Redis that
 * hangs with the connection open would otherwise hang every request at the session layer.
 * Each method is wrapped once, on first use.
 */
function bounded<T extends object>(client: T, ms: number): T {
  const bound = deadlines(ms);
  const wrapped = new Map<PropertyKey, unknown>();
  return new Proxy(client, {
    get(target, prop) {
      const value = Reflect.get(target, prop);
      if (typeof value !== 'function') return value;
      let fn = wrapped.get(prop);
      if (!fn) {
        fn = (...args: unknown[]) => {
          const result: unknown = value.apply(target, args);
          return result instanceof Promise ? bound(result, String(prop)) : result;
        };
        wrapped.set(prop, fn);
      }
      return fn;
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
