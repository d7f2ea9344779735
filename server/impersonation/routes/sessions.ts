import type { Request, Response } from 'express';
import { OnBehalfError, requestDeadline } from '../../http/index.js';
import type { ActorChecks } from './actors.js';
import type { ApiDeps } from './deps.js';

type SessionsDeps = Pick<ApiDeps, 'sessions' | 'life'> & { actors: ActorChecks };

/** `GET /sessions`: every live session, for holders of the audit permission. */
export function listSessions({ actors, sessions, life }: SessionsDeps) {
  return async (req: Request, res: Response) => {
    await actors.holdsAuditPermission(req);
    const live = await sessions.list(undefined, requestDeadline(req));
    res.set('Cache-Control', 'no-store').json({ sessions: live.map(life.view) });
  };
}

/** `POST /sessions/:id/revoke`: end one (audited `revoked`), for holders of the audit permission. */
export function revokeSession({ actors, life }: Omit<SessionsDeps, 'sessions'>) {
  return async (req: Request, res: Response) => {
    await actors.holdsAuditPermission(req);
    const ended = await life.end(String(req.params.id), 'revoked', req);
    if (!ended) throw new OnBehalfError('SESSION_NOT_FOUND', 'No active session with that id.');
    res.json({ revoked: life.view(ended) });
  };
}
