import { cloneDestination } from './clone.js';
import { okrCtx, type Env } from './context.js';
import { trace } from './engine.js';
import { OKR_POLICIES, resolveScope } from './policies.js';
import type { Action, CloneOptions, Explanation, TargetOf } from './types.js';

/**
 * `explain(userId, action, target)`: the same decision as `can()`, naming the rule that decided
 * and every path tried with what it lacked; for `clone`, also where the clone goes (into the
 * team the user picked, with `{ teamId }` as the fourth argument).
 */
export type Explain = <A extends Action>(userId: string, action: A, target: TargetOf<A>, ...into: A extends 'clone' ? [CloneOptions?] : []) => Explanation;

export function makeExplain(env: Env): Explain {
  return (userId, action, target, ...[into]: [CloneOptions?]) => {
    const policy = OKR_POLICIES.get(action);
    if (policy !== undefined) {
      const ctx = okrCtx(env, userId, action, target);
      const result: Explanation = trace(policy, ctx);
      if (action === 'clone' && result.allowed) result.clone = cloneDestination(ctx, into);
      return result;
    }
    const { policy: scoped, ctx } = resolveScope(env, userId, action, target);
    return trace(scoped, ctx);
  };
}
