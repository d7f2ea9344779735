import { createHash } from 'node:crypto';
import { deadlines } from './deadline.js';
import { isRedisUnavailable, RedisUnavailableError } from './errors.js';

/**
 * What onbehalf needs of a node-redis v5 client (`createClient()`, connected): any client type
 * fits, whatever modules, scripts or type mapping it was made with.
 */
export interface RedisCommandClient {
  readonly isReady: boolean;
  sendCommand(args: ReadonlyArray<string>): Promise<unknown>;
}

/** Default per-command timeout: a Redis that hangs must not hang requests. */
export const DEFAULT_COMMAND_TIMEOUT_MS = 2_000;

export type SendCommand = <T = unknown>(args: string[]) => Promise<T>;

/**
 * Send raw commands that fail fast: at once when the client is not connected (node-redis would
 * otherwise queue them until Redis returns, hanging the request), and when Redis has not answered
 * within `timeoutMs` (see `deadlines`). Unavailability surfaces as `RedisUnavailableError`; other
 * errors as they are.
 */
export function commandSender(client: RedisCommandClient, timeoutMs = DEFAULT_COMMAND_TIMEOUT_MS): SendCommand {
  const unavailable = (err: unknown) => (err instanceof RedisUnavailableError || !isRedisUnavailable(err) ? err : new RedisUnavailableError(err));
  const bound = deadlines(timeoutMs, unavailable);
  return <T>(args: string[]) => {
    if (!client.isReady) return Promise.reject(new RedisUnavailableError(new Error('Redis is not connected.')));
    let answer: Promise<unknown>;
    try {
      answer = client.sendCommand(args);
    } catch (err) {
      return Promise.reject(unavailable(err));
    }
    return bound(answer as Promise<T>, args[0]);
  };
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
