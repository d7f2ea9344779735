import { createHash } from 'node:crypto';
import type { Deadline } from '../http/index.js';
import { within } from './deadline.js';
import { RedisUnavailableError } from './errors.js';

/**
 * What onbehalf needs of a node-redis v5 client (`createClient()`, connected): any client type
 * fits, whatever modules, scripts or type mapping it was made with.
 */
export interface RedisCommandClient {
  readonly isReady: boolean;
  sendCommand(args: ReadonlyArray<string>): Promise<unknown>;
}

/** Default request deadline of every Redis piece: a Redis that hangs must not hang requests. */
export const DEFAULT_TIMEOUT_MS = 2_000;

/** The time limit every Redis piece takes. */
export interface RedisTimeoutOptions {
  /**
   * How long one request may wait for Redis, in total, ms: every command of the request (session,
   * impersonation store, rate limit) draws on one budget, and a request with none left answers
   * 503 `STORE_UNAVAILABLE`. A call outside any request (the sweep, `revoke()`) gets a budget of
   * its own. Default 2000.
   */
  timeoutMs?: number;
  /** The old name of `timeoutMs` (deprecated). @deprecated Use `timeoutMs`. */
  commandTimeoutMs?: number;
}

export const timeoutOf = (o: RedisTimeoutOptions) => o.timeoutMs ?? o.commandTimeoutMs ?? DEFAULT_TIMEOUT_MS;

export type SendCommand = <T = unknown>(args: string[]) => Promise<T>;

/**
 * Raw commands that fail fast: at once when the client is not connected (node-redis would
 * otherwise queue them until Redis returns, hanging the request), and when the request's deadline
 * `d` runs out (see `within`). Unavailability surfaces as `RedisUnavailableError`; other errors as
 * they are.
 */
export function commandSender(client: RedisCommandClient, timeoutMs = DEFAULT_TIMEOUT_MS) {
  const offline = () => Promise.reject(new RedisUnavailableError(new Error('Redis is not connected.')));
  const sender = (d?: Deadline): SendCommand => <T>(args: string[]) =>
    client.isReady ? within(d, timeoutMs, args[0], () => client.sendCommand(args) as Promise<T>) : offline();
  const outside = sender();
  /** A sender for one request's deadline (or calls of their own, without one). */
  return (d?: Deadline): SendCommand => (d ? sender(d) : outside);
}

/**
 * A Lua script run by its SHA1 (EVALSHA), sent in full (EVAL) only when Redis doesn't know it,
 * e.g. after a restart emptied its script cache.
 */
export function luaScript(source: string) {
  const sha = createHash('sha1').update(source).digest('hex');
  return async <T>(send: SendCommand, keys: string[], args: Array<string | number>): Promise<T> => {
    const tail = [String(keys.length), ...keys, ...args.map(String)];
    try {
      return await send<T>(['EVALSHA', sha, ...tail]);
    } catch (err) {
      if (!(err instanceof Error) || !err.message.startsWith('NOSCRIPT')) throw err;
      return send<T>(['EVAL', source, ...tail]);
    }
  };
}
