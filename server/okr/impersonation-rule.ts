import type { OkrModel } from './model.js';
import { OkrError } from './types.js';

/**
 * W4 as a target rule for `onBehalf({ canBeImpersonated })`: nobody works on behalf of a user
 * named on a private OKR (P10), and a user the model does not know is refused too (fail closed).
 * The middleware stays generic: it only passes the code this rule answers with.
 *
 * ```ts
 * onBehalf({ users, identity, audit, canBeImpersonated: privateObjectivesRule(okr) });
 * ```
 */
export function privateObjectivesRule(model: Pick<OkrModel, 'hasPrivateObjectives'>) {
  return ({ target }: { target: { id: string | number } }): true | 'TARGET_PRIVATE_OBJECTIVES' => {
    try {
      return model.hasPrivateObjectives(String(target.id)) ? 'TARGET_PRIVATE_OBJECTIVES' : true;
    } catch (err) {
      if (err instanceof OkrError) return 'TARGET_PRIVATE_OBJECTIVES';
      throw err;
    }
  };
}
