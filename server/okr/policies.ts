import { createCtx, orgPolicyCtx, userOf, type Env, type OkrCtx, type ScopeCtx } from './context.js';
import { checkInPolicy } from './checkin.js';
import { createIndividualPolicy, createOrgPolicy, createTeamPolicy } from './create.js';
import { changeOwnerPolicy, editPolicy, reopenPolicy } from './edit.js';
import type { Policy } from './engine.js';
import { orgPolicy } from './org-policy.js';
import { ORG_POLICY_ACTIONS, OkrError, type CreateTarget, type OkrAction, type OrgPolicyAction } from './types.js';
import { alignPolicy, viewPolicy } from './view.js';

/** Which policy decides each OKR action (a Map: no prototype keys). */
export const OKR_POLICIES = new Map<string, Policy<OkrCtx>>([
  ['view', viewPolicy],
  ['comment', viewPolicy],
  ['share', viewPolicy],
  ['like', viewPolicy],
  ['follow', viewPolicy],
  ['clone', viewPolicy],
  ['align', alignPolicy],
  ['check-in', checkInPolicy],
  ['edit', editPolicy],
  ['delete', editPolicy],
  ['close', editPolicy],
  ['change-weights', editPolicy],
  ['change-owner', changeOwnerPolicy],
  ['reopen', reopenPolicy],
] satisfies Array<[OkrAction, Policy<OkrCtx>]>);

const CREATE_POLICIES = { org: createOrgPolicy, team: createTeamPolicy, individual: createIndividualPolicy };
const isOrgPolicyAction = (a: string): a is OrgPolicyAction => (ORG_POLICY_ACTIONS as readonly string[]).includes(a);

/** The policy and facts for `create` and the org policy actions (not on the hot path). */
export function resolveScope(env: Env, userId: string, action: string, target: unknown): { policy: Policy<ScopeCtx>; ctx: ScopeCtx } {
  if (action === 'create') {
    const ctx = createCtx(env, userOf(env, userId), target as CreateTarget);
    return { policy: CREATE_POLICIES[(target as CreateTarget).level], ctx };
  }
  if (isOrgPolicyAction(action)) {
    if (typeof target !== 'string') throw new OkrError('INVALID_TARGET', `${action} needs an org id`);
    return { policy: orgPolicy, ctx: orgPolicyCtx(env, userOf(env, userId), action, target) };
  }
  throw new OkrError('UNKNOWN_ACTION', `Unknown action ${String(action)}`);
}
