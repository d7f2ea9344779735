import type { Request } from 'express';
import { RULES, type Okr, type OkrAction } from 'onbehalf/okr';
import { DemoError } from './respond.js';
import type { DemoState } from './state.js';

/** The effective user's id (the subject while acting, W7/P14): every permission check runs as them. */
export const effectiveUser = (req: Request) => req.onBehalf?.userId ?? '';

/**
 * The OKR the effective user asked for, refused unless they may view it (P1, P10). A private
 * OKR they may not see answers like an unknown one, so its title never leaks.
 */
export function visibleOkr(state: DemoState, req: Request, id: string): Okr {
  const okr = state.okr(id);
  if (!okr || !state.model.can(effectiveUser(req), 'view', id)) throw new DemoError('NOT_FOUND', 'No such OKR, or you can’t see it.');
  return okr;
}

/** Refuse with 403 and the deciding rule (from explain()) unless the effective user may do `action`. */
export function allow(state: DemoState, req: Request, action: OkrAction, okrId: string): void {
  const user = effectiveUser(req);
  if (state.model.can(user, action, okrId)) return;
  const why = state.model.explain(user, action, okrId);
  throw new DemoError('FORBIDDEN', `You can’t ${action.replace('-', ' ')} this OKR: ${RULES[why.decidedBy]}.`, why.decidedBy);
}
