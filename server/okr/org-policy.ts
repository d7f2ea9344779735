import type { ScopeCtx } from './context.js';
import type { Policy } from './engine.js';
import { inactive } from './paths.js';
import { listedBySetting, notScopeMember, ownsATeam, scopeOrgOwner, when } from './scope-paths.js';

/**
 * P13: add members, create teams, create tags, export — org owners always; others per the
 * org's policy for that action (defaults in `DEFAULT_ORG_POLICIES`).
 */
export const orgPolicy: Policy<ScopeCtx> = {
  gates: [inactive, notScopeMember],
  paths: [scopeOrgOwner, when('members', 'ORG_MEMBER', () => true, ''), ownsATeam, listedBySetting],
  otherwise: () => 'ORG_POLICY_RESTRICTED',
};
