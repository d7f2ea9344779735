import type { Request, Response } from 'express';
import { OnBehalfError, requestDeadline } from '../../http/index.js';
import type { ApiDeps } from './deps.js';

/** `GET /status`: acting or not, the session, and a CSRF token for the caller's next post. */
export function statusHandler({ csrf, sessions, life, users, eligibility, now }: Pick<ApiDeps, 'csrf' | 'sessions' | 'life' | 'users' | 'eligibility' | 'now'>) {
  return async (req: Request, res: Response) => {
    res.set('Cache-Control', 'no-store');
    const ctx = req.onBehalf!;
    // Signed out: nothing here needs a token, and making one would store a session per anonymous read.
    const csrfToken = ctx.active || ctx.userId !== undefined ? csrf.token(req) : (csrf.existing(req) ?? '');
    if (ctx.active) {
      const record = await sessions.get(ctx.sessionId, requestDeadline(req));
      if (!record) throw new OnBehalfError('STORE_UNAVAILABLE', 'The session could not be read.');
      return res.json({ active: true, session: life.view(record), csrfToken, now: now() });
    }
    let canImpersonate = false;
    if (ctx.userId !== undefined) canImpersonate = !(await eligibility.actorRefusal(await users.get(ctx.userId), req));
    res.json({ active: false, csrfToken, signedIn: Boolean(ctx.userId), canImpersonate });
  };
}
