import type { ErrorRequestHandler } from 'express';
import { OnBehalfError, sendError } from '../http/index.js';
import { isRedisUnavailable } from './errors.js';

/**
 * Express error handler for the host app: when Redis is unreachable, express-session on
 * connect-redis passes the client's error to `next(err)`, which Express would answer with a
 * 500 HTML page. This answers 503 `STORE_UNAVAILABLE` instead (a page or JSON, by `Accept`) and leaves
 * every other error to the next handler. Mount it after your routes.
 */
export function redisUnavailableHandler(): ErrorRequestHandler {
  return (err, req, res, next) => {
    if (!isRedisUnavailable(err)) return next(err);
    // A failure after the answer started: express-session's save or touch at the end has already
    // finished the answer it held back; one still open can only be cut off.
    if (res.headersSent) return res.writableEnded ? undefined : next(err);
    res.set('Retry-After', '1');
    sendError(req, res, new OnBehalfError('STORE_UNAVAILABLE', 'The service is briefly unavailable; try again shortly.'));
  };
}
