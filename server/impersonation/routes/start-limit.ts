import type { NextFunction, Request, Response } from 'express';
import { ipKeyGenerator, rateLimit } from 'express-rate-limit';
import { charged, OnBehalfError, sendError } from '../../http/index.js';
import type { ApiDeps } from './deps.js';

/** Start attempts per actor (per address when signed out), counted in the configured store. */
export function limitStarts({ limit, windowMs, store }: ApiDeps['rateLimit']) {
  const limiter = rateLimit({
    windowMs,
    limit,
    standardHeaders: 'draft-8',
    legacyHeaders: false,
    ...(store && { store }),
    keyGenerator: (req) => (req.onBehalf?.userId !== undefined ? `user:${req.onBehalf.userId}` : ipKeyGenerator(req.ip ?? '')),
    handler: (req, res) => sendError(req, res, new OnBehalfError('RATE_LIMITED', 'Too many attempts to start; wait a minute.')),
  });
  // The check's wait for a shared store counts against the start request's deadline.
  return (req: Request, res: Response, next: NextFunction) => {
    const done = charged(req);
    res.once('close', done);
    limiter(req, res, (err?: unknown) => {
      done();
      next(err);
    });
  };
}
