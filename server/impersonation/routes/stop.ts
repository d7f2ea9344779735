import type { NextFunction, Request, Response } from 'express';
import { isForm, OnBehalfError, refererPath, requestDeadline } from '../../http/index.js';
import type { ApiDeps } from './deps.js';
import { done } from './reply.js';

/**
 * The server banner's Exit on a page left open after the session ended elsewhere: nothing to
 * end, so back to that page (now as the admin; showing it acknowledges the end), not an error.
 */
export const staleExit = (exitPath: string) => (req: Request, res: Response, next: NextFunction) =>
  isForm(req) && !req.onBehalf?.active ? res.redirect(303, refererPath(req) ?? exitPath) : next();

/** `POST /stop`: end the session (audited `exit`) and give the actor their own session back. */
export function stopHandler({ sessions, life, acting, csrf, exitMode, exitPath }: Pick<ApiDeps, 'sessions' | 'life' | 'acting' | 'csrf' | 'exitMode' | 'exitPath'>) {
  return async (req: Request, res: Response) => {
    const ctx = req.onBehalf!;
    if (!ctx.active) {
      // Exit after an end the actor had not seen yet: it acknowledges that end, and is never refused.
      if (!req.session.onbehalfEnded) throw new OnBehalfError('NOT_ACTING', 'You are not working on behalf of anyone.');
      delete req.session.onbehalfEnded;
      return done(req, res, exitPath, {});
    }
    const record = await sessions.get(ctx.sessionId, requestDeadline(req));
    await life.end(ctx.sessionId, 'exit', req);
    await acting.leave(req);
    const redirect = exitMode === 'return' ? (record?.returnTo ?? exitPath) : exitPath;
    done(req, res, redirect, exitMode === 'return' ? { csrfToken: csrf.renew(req) } : {});
  };
}
