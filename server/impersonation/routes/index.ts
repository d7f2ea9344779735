import express, { type Router } from 'express';
import helmet from 'helmet';
import { errorHandler, OnBehalfError, postOnly, sendError, strictUtf8 } from '../../http/index.js';
import type { ActorChecks } from './actors.js';
import { BANNER_SCRIPT } from './banner-script.js';
import type { ApiDeps } from './deps.js';
import { handle } from './reply.js';
import { listSessions, revokeSession } from './sessions.js';
import { limitStarts } from './start-limit.js';
import { startHandler } from './start.js';
import { statusHandler } from './status.js';
import { staleExit, stopHandler } from './stop.js';
import { usersHandler } from './users.js';

export { actorChecks, type ActorChecks } from './actors.js';
export type { ActingSession, ApiDeps, Eligibility, RoutesCsrf, RoutesLifecycle } from './deps.js';

/**
 * The HTTP API under basePath: status, users, start, stop and the session admin API, then the
 * routers `mounted` after them (tokens, the admin page, the subject's side, the audit API), then
 * 405 on GET of what changes state, and 404 for the rest.
 */
export function apiRouter(d: ApiDeps & { actors: ActorChecks }, mounted: Router[]): Router {
  const router = express.Router();
  router.use(helmet());
  router.use(express.json({ limit: '16kb', verify: strictUtf8 }), express.urlencoded({ extended: false, limit: '16kb', parameterLimit: 20 }));

  router.get('/status', handle(statusHandler(d)));
  router.get('/users', handle(usersHandler(d)));
  router.post('/start', limitStarts(d.rateLimit), d.csrf.check, handle(startHandler(d)));
  router.get('/banner.js', (_req, res) => {
    res.set('Cache-Control', 'no-cache').type('text/javascript').send(BANNER_SCRIPT);
  });
  router.post('/stop', staleExit(d.exitPath), d.csrf.check, handle(stopHandler(d)));
  router.get('/sessions', handle(listSessions(d)));
  router.post('/sessions/:id/revoke', d.csrf.check, handle(revokeSession(d)));
  for (const r of mounted) router.use(r);

  // GET on start/stop is refused: they change state (django-hijack, laravel-impersonate's flaw).
  for (const path of ['/start', '/stop', '/sessions/:id/revoke']) router.all(path, postOnly);
  router.use((req, res) => sendError(req, res, new OnBehalfError('NOT_FOUND', 'No such onbehalf endpoint.')));
  router.use(errorHandler(d.warn));
  return router;
}
