import type { Router } from 'express';
import { auditRouter } from '../audit/router.js';
import { adminPage } from './admin-page.js';
import type { CsrfProtection } from './csrf.js';
import type { Lifecycle } from './lifecycle.js';
import type { ResolvedOptions } from './options.js';
import { actorChecks, apiRouter, type ActingSession, type Eligibility } from './routes/index.js';
import { authData, enterActing, leaveActing, signInEnds } from './session.js';
import type { SubjectSide } from './subject/index.js';
import { tokenRoutes } from './token-routes.js';

/**
 * The HTTP API of one `onBehalf()`: the routes get what they use, drawn from the options here
 * once, and the routers of the other parts are mounted after them.
 */
export function httpApi(o: ResolvedOptions, life: Lifecycle, csrf: CsrfProtection, subject: SubjectSide, eligibility: Eligibility): Router {
  const actors = actorChecks({ users: o.users, eligibility, auditPermission: o.auditPermission });
  const acting: ActingSession = {
    carried: (req) => authData(req, o),
    enter: (req, record) => enterActing(req, o, record),
    leave: (req) => leaveActing(req, o, o.exitMode),
    signInEnds,
  };
  const deps = {
    users: o.users,
    sessions: o.store,
    life,
    csrf,
    eligibility,
    subject,
    acting,
    actors,
    identity: o.identity,
    authSessionKeys: o.authSessionKeys,
    reason: o.reason,
    stepUp: o.stepUp,
    rateLimit: o.rateLimit,
    auditPermission: o.auditPermission,
    maxDurationMs: o.maxDurationMs,
    landingPath: o.landingPath,
    exitPath: o.exitPath,
    exitMode: o.exitMode,
    now: o.now,
    warn: o.warn,
  };
  return apiRouter(deps, [
    ...(o.tokens ? [tokenRoutes(o.tokens, csrf, o.now)] : []),
    adminPage(o, csrf, actors),
    // The subject's side: access history, notices, grants, requests, approvals.
    subject.router,
    // The auditors' API: query, export, session view (needs a sink with query()).
    auditRouter({ sink: o.audit, canRead: (req) => actors.holdsAuditPermission(req).then(() => true, () => false) }),
  ]);
}
