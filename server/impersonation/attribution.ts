import type { Request } from 'express';
import type { Person } from '../../shared/index.js';
import { actionIdOf } from './action-id.js';

/**
 * Who wrote a row, to store beside it (Dataverse's `createdby` / `createdonbehalfby`): the
 * author is the user the request is served as, the subject while an admin works on their
 * behalf; `onBehalfBy` is then the admin who really made the change.
 */
export interface Attribution {
  /** The row's author: the subject while acting, else the signed-in user. */
  authorId: string;
  /** While acting: the admin who made the change ("by Avery on behalf of Ashley"). */
  onBehalfBy?: Person;
  /** While acting: the impersonation session. */
  sessionId?: string;
  /**
   * While acting, on a write: the id of this request's audit `action` record (written before the
   * handler runs), so the row can be joined to the audit: the record with this `id`, and its
   * `outcome` record with this `actionId`.
   */
  actionId?: string;
}

/**
 * The attribution of a change made by this request. Call it in the route handler that writes
 * (after `onBehalf()` ran); undefined when nobody is signed in.
 */
export function attribution(req: Request): Attribution | undefined {
  const ctx = req.onBehalf;
  if (!ctx?.active) return ctx?.userId ? { authorId: ctx.userId } : undefined;
  const id = actionIdOf(req);
  return {
    authorId: String(ctx.subject.id),
    onBehalfBy: { id: ctx.actor.id, name: ctx.actor.name, ...(ctx.actor.email && { email: ctx.actor.email }) },
    sessionId: ctx.sessionId,
    ...(id && { actionId: id }),
  };
}
