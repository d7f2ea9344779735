import { okrCtx, type Env } from './context.js';
import { decide } from './engine.js';
import { OKR_POLICIES, resolveScope } from './policies.js';
import type { Action, TargetOf } from './types.js';

/**
 * `can(userId, action, target)`: the boolean decision, with no explanation built. For OKR
 * actions the target is an OKR id or the directory's own OKR record (see {@link TargetOf}).
 */
export type Can = <A extends Action>(userId: string, action: A, target: TargetOf<A>) => boolean;

export function makeCan(env: Env): Can {
  return (userId, action, target) => {
    const policy = OKR_POLICIES.get(action);
    if (policy !== undefined) return decide(policy, okrCtx(env, userId, action, target));
    const { policy: scoped, ctx } = resolveScope(env, userId, action, target);
    return decide(scoped, ctx);
  };
}
