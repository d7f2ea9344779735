import type { ScopeCtx } from './context.js';
import { gate, type Path } from './engine.js';
import type { RuleCode } from './types.js';

/** Paths shared by creation (P2–P4) and org policies (P13). */

export const notScopeMember = gate<ScopeCtx>('NOT_ORG_MEMBER', (c) => !c.env.dir.isOrgMember(c.org.id, c.user.id));

export const scopeOrgOwner: Path<ScopeCtx> = {
  rule: 'ORG_OWNER',
  test: (c) => c.org.owners.includes(c.user.id),
  lacks: () => 'not an owner of the org',
};

/** A path that counts only when the effective setting's `who` is `value`. */
export function when(value: string, rule: RuleCode, test: (c: ScopeCtx) => boolean, lacks: string): Path<ScopeCtx> {
  return {
    rule,
    test: (c) => c.rule.who === value && test(c),
    lacks: (c) => (c.rule.who !== value ? `the setting is "${c.rule.who}", not "${value}"` : lacks),
  };
}

export const listedBySetting = when('specific', 'SPECIFIC_USER', (c) => c.rule.users?.includes(c.user.id) === true, 'not in the setting\'s user list');
export const ownsATeam = when('team-owners', 'TEAM_OWNER_IN_ORG', (c) => c.env.dir.ownsTeamIn(c.org.id, c.user.id), 'owns no team in the org');
