import { createCtx, teamCreateRule, type OkrCtx } from './context.js';
import { createOrgPolicy, createTeamPolicy } from './create.js';
import { decide } from './engine.js';
import { OkrError, type CloneDestination, type CloneOptions } from './types.js';

/**
 * P9: a clone goes into the team the user picks when they may create OKRs there, else it becomes
 * an individual OKR (seed: "A user can clone an OKR into a team for which they have OKR creation
 * access. If the user doesn't have the creation permission, the OKR is cloned as an individual
 * OKR"). With no team picked: the source's team when the user may create OKRs there, the org
 * when the source is org-level and the user may create org-level OKRs, else an individual OKR.
 */
export function cloneDestination(c: OkrCtx, into?: CloneOptions): CloneDestination {
  const { env, user, okr, org } = c;
  const individual = { level: 'individual', orgId: org.id } as const;
  if (into !== undefined && into !== null && into.teamId !== undefined) {
    if (typeof into.teamId !== 'string') throw new OkrError('INVALID_TARGET', 'clone into a team needs { teamId } with a team id');
    const scope = createCtx(env, user, { level: 'team', teamId: into.teamId });
    return decide(createTeamPolicy, scope) ? { level: 'team', teamId: scope.team!.id, orgId: scope.org.id } : individual;
  }
  if (okr.teamId !== undefined) {
    const team = env.dir.team(okr.teamId);
    if (team !== undefined && decide(createTeamPolicy, { env, user, org, team, rule: teamCreateRule(env, team) })) {
      return { level: 'team', teamId: team.id, orgId: org.id };
    }
  } else if (okr.level === 'org' && decide(createOrgPolicy, { env, user, org, team: undefined, rule: org.orgCreate ?? env.settings.orgCreate })) {
    return { level: 'org', orgId: org.id };
  }
  return individual;
}
