import { teamCreateRule, type OkrCtx } from './context.js';
import { createOrgPolicy, createTeamPolicy } from './create.js';
import { decide } from './engine.js';
import type { CloneDestination } from './types.js';

/**
 * P9: a clone goes into the source's team when the user may create OKRs there, into the org
 * when the source is org-level and the user may create org-level OKRs, else it becomes an
 * individual OKR of the org.
 */
export function cloneDestination(c: OkrCtx): CloneDestination {
  const { env, user, okr, org } = c;
  if (okr.teamId !== undefined) {
    const team = env.dir.team(okr.teamId);
    if (team !== undefined && decide(createTeamPolicy, { env, user, org, team, rule: teamCreateRule(env, team) })) {
      return { level: 'team', teamId: team.id, orgId: org.id };
    }
  } else if (okr.level === 'org' && decide(createOrgPolicy, { env, user, org, team: undefined, rule: org.orgCreate ?? env.settings.orgCreate })) {
    return { level: 'org', orgId: org.id };
  }
  return { level: 'individual', orgId: org.id };
}
