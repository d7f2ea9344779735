import {
  AbortError,
  ClientClosedError,
  ClientOfflineError,
  ConnectionTimeoutError,
  DisconnectsClientError,
  ErrorReply,
  ReconnectStrategyError,
  SocketClosedUnexpectedlyError,
  SocketTimeoutError,
  TimeoutError,
} from 'redis';
import { OnBehalfError } from '../impersonation/errors.js';

/**
 * Redis could not answer: not connected, reconnecting, timed out, loading after a restart.
 * An `OnBehalfError` with code `STORE_UNAVAILABLE`, so onbehalf's API (and the host's
 * `redisUnavailableHandler()`) answers 503 with the usual JSON body. The message is what the user
 * reads; `cause` says what happened, for logs.
 */
export class RedisUnavailableError extends OnBehalfError {
  constructor(cause: unknown) {
    super('STORE_UNAVAILABLE', 'The service is briefly unavailable (shared state); try again shortly.');
    this.name = 'RedisUnavailableError';
    this.cause = cause;
  }
}

// node-redis's client-side errors: each means the command never got a real answer.
const CLIENT_SIDE = [
  AbortError,
  ClientClosedError,
  ClientOfflineError,
  ConnectionTimeoutError,
  DisconnectsClientError,
  ReconnectStrategyError,
  SocketClosedUnexpectedlyError,
  SocketTimeoutError,
  TimeoutError,
];

/**
 * Whether an error means "Redis is unreachable" rather than a bug: our own error or a node-redis
 * client-side error. Replies Redis sent (`ErrorReply`, e.g. WRONGTYPE) are bugs, except those of a
 * server that is restarting (`LOADING`), failing over (`READONLY`, `MASTERDOWN`) or stuck (`BUSY`).
 */
export function isRedisUnavailable(err: unknown): boolean {
  if (err instanceof RedisUnavailableError) return true;
  if (err instanceof ErrorReply) return /^(LOADING|READONLY|MASTERDOWN|BUSY)\b/.test(err.message);
  return CLIENT_SIDE.some((type) => err instanceof type) || (err as NodeJS.ErrnoException | null)?.code === 'ECONNREFUSED';
}
