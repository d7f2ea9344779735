import type { NextFunction, Request, RequestHandler, Response } from 'express';
import type { ErrorCode } from '../../shared/errors.js';
import { OnBehalfError, sendError } from '../http/index.js';
import type { OkrModel } from './model.js';
import { OkrError, type Action, type OkrErrorCode, type TargetOf } from './types.js';

type MaybePromise<T> = T | Promise<T>;

/** Options of {@link requirePermission}. */
export interface GuardOptions {
  /**
   * Who is signed in when the impersonation middleware is not mounted (e.g.
   * `(req) => req.session.userId`). When `req.onBehalf` is set, its `userId` is used instead:
   * the subject while acting (P14, W7), else the signed-in user. Default: none (then a request
   * without `req.onBehalf` is answered 401 `NOT_SIGNED_IN`).
   */
  currentUser?: (req: Request) => MaybePromise<string | undefined | null>;
}

/** Model errors as HTTP errors: unknown ids are 404, malformed targets 400. */
const MODEL_ERRORS: Record<OkrErrorCode, ErrorCode> = {
  UNKNOWN_USER: 'USER_NOT_FOUND',
  UNKNOWN_OKR: 'NOT_FOUND',
  UNKNOWN_TEAM: 'NOT_FOUND',
  UNKNOWN_ORG: 'NOT_FOUND',
  UNKNOWN_ACTION: 'BAD_REQUEST',
  INVALID_TARGET: 'BAD_REQUEST',
  INVALID_DATA: 'BAD_REQUEST',
};


/** The user whose permissions apply: the subject while acting, else the signed-in user. */
async function effectiveUser(req: Request, options: GuardOptions): Promise<string | undefined> {
  // Read structurally: the model works with or without the impersonation middleware.
  const acting = (req as { onBehalf?: { userId: string | undefined } }).onBehalf;
  const id = acting !== undefined ? acting.userId : await options.currentUser?.(req);
  return typeof id === 'string' && id !== '' ? id : undefined;
}

/**
 * Express middleware allowing the request only when `model.can(user, action, target(req))`.
 * Denied → 403 `{ error: { code: 'FORBIDDEN', message, rule } }` with the deciding rule from
 * `explain()` (a page instead for a browser that wants one, as every onbehalf error); not signed in → 401 `NOT_SIGNED_IN`; unknown user / OKR / team / org → 404;
 * a target the model can't read → 400. Never evaluates the actor's own rights while acting.
 *
 * ```ts
 * app.patch('/okrs/:id', requirePermission(okr, 'edit', (req) => req.params.id), handler);
 * ```
 */
export function requirePermission<A extends Action>(
  model: OkrModel,
  action: A,
  target: (req: Request) => MaybePromise<TargetOf<A>>,
  options: GuardOptions = {},
): RequestHandler {
  return async (req: Request, res: Response, next: NextFunction) => {
    try {
      const userId = await effectiveUser(req, options);
      if (userId === undefined) return sendError(req, res, new OnBehalfError('NOT_SIGNED_IN', 'Sign in first.'));
      const t = await target(req);
      if (model.can(userId, action, t)) return next();
      const { decidedBy } = model.explain(userId, action, t);
      return sendError(req, res, new OnBehalfError('FORBIDDEN', `You may not ${action} this.`, { rule: decidedBy }));
    } catch (err) {
      if (err instanceof OkrError) return sendError(req, res, new OnBehalfError(MODEL_ERRORS[err.code], err.message));
      return next(err);
    }
  };
}
