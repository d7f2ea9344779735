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
import { OnBehalfError } from '../http/index.js';

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

// Socket errors node-redis passes on as they are: a killed Redis resets the connection under
// commands in flight (ECONNRESET, EPIPE), a gone one refuses or times out.
const SOCKET_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'EPIPE', 'ECONNABORTED', 'ETIMEDOUT', 'EHOSTUNREACH', 'ENETUNREACH', 'ENOTCONN', 'ENOTFOUND', 'EAI_AGAIN']);

/**
 * Whether an error means "Redis is unreachable" rather than a bug: our own error, a node-redis
 * client-side error or a socket error. Replies Redis sent (`ErrorReply`, e.g. WRONGTYPE) are bugs,
 * except those of a server that is restarting (`LOADING`), failing over (`READONLY`, `MASTERDOWN`),
 * stuck (`BUSY`), or of a cluster that lost slots or is moving them (`CLUSTERDOWN`, `TRYAGAIN`).
 */
export function isRedisUnavailable(err: unknown): boolean {
  if (err instanceof RedisUnavailableError) return true;
  if (err instanceof ErrorReply) return /^(LOADING|READONLY|MASTERDOWN|BUSY|CLUSTERDOWN|TRYAGAIN)\b/.test(err.message);
  return CLIENT_SIDE.some((type) => err instanceof type) || SOCKET_CODES.has(String((err as NodeJS.ErrnoException | null)?.code));
}

/** The one mapping from a Redis client's error to onbehalf's: any unavailability is `RedisUnavailableError`; a bug stays itself. */
export function storeError(err: unknown): unknown {
  return err instanceof RedisUnavailableError || !isRedisUnavailable(err) ? err : new RedisUnavailableError(err);
}
