import type { ScopeCtx } from './context.js';
import type { Policy } from './engine.js';
import { inactive } from './paths.js';
import { listedBySetting, notScopeMember, ownsATeam, scopeOrgOwner, when } from './scope-paths.js';

/** P2: org owners always; others per the org's `orgCreate` (default `anyone`). */
export const createOrgPolicy: Policy<ScopeCtx> = {
  gates: [inactive, notScopeMember],
  paths: [scopeOrgOwner, when('anyone', 'ORG_MEMBER', () => true, ''), ownsATeam, listedBySetting],
  otherwise: () => 'ORG_CREATE_RESTRICTED',
};

/** P3: org owners and the team's owners always; others per the team's `teamCreate`. */
export const createTeamPolicy: Policy<ScopeCtx> = {
  gates: [inactive, notScopeMember],
  paths: [
    scopeOrgOwner,
    {
      rule: 'TEAM_OWNER',
      test: (c) => c.team?.owners.includes(c.user.id) === true,
      lacks: () => 'not an owner of the team',
    },
    when('members', 'TEAM_MEMBER', (c) => c.env.dir.isTeamMember(c.team!.id, c.user.id), 'not a member of the team'),
    listedBySetting,
  ],
  otherwise: () => 'TEAM_CREATE_RESTRICTED',
};

/** P4: everyone in the org may create individual OKRs. */
export const createIndividualPolicy: Policy<ScopeCtx> = {
  gates: [inactive, notScopeMember],
  paths: [{ rule: 'ORG_MEMBER', test: () => true, lacks: () => '' }],
  otherwise: () => 'NO_ACCESS',
};
