import { describe, expect, it } from 'vitest';
import type { Action, CreateTarget, TargetOf } from '../../../server/okr/index.js';
import { ROLES, fixtureModel } from './fixture.js';

/**
 * The role matrix (P1–P14 in docs/requirements.md, seed 001) as a table. OKR actions run on `o-sales` (open, team
 * Sales, owned by Ashley); `reopen` runs on `o-closed` (same people, closed); create runs on the
 * org, the Sales team and as an individual OKR; then the P13 org policies with their defaults.
 * `Y` allowed, `.` denied. The last column is the rule `explain()` gives for `edit`.
 */
const COLUMNS: Array<[Action, TargetOf<Action>]> = [
  ['view', 'o-sales'], ['comment', 'o-sales'], ['share', 'o-sales'], ['like', 'o-sales'], ['follow', 'o-sales'],
  ['clone', 'o-sales'], ['align', 'o-sales'],
  ['check-in', 'o-sales'], ['edit', 'o-sales'], ['delete', 'o-sales'], ['close', 'o-sales'], ['change-weights', 'o-sales'], ['change-owner', 'o-sales'],
  ['reopen', 'o-closed'],
  ['create', { level: 'org', orgId: 'acme' } satisfies CreateTarget],
  ['create', { level: 'team', teamId: 'sales' } satisfies CreateTarget],
  ['create', { level: 'individual', orgId: 'acme' } satisfies CreateTarget],
  ['add-member', 'acme'], ['create-team', 'acme'], ['create-tag', 'acme'], ['export', 'acme'],
];

//                         view·social·clone·align  check-in·edit·del·close·wts·owner  reopen  create org·team·indiv  add-mem·team·tag·export   edit rule
const MATRIX: Array<[keyof typeof ROLES, string, string]> = [
  ['tenantAdmin',     'YYYYYYY ...... . Y.Y ..YY', 'NO_ACCESS'],
  ['orgOwner',        'YYYYYYY YYYYYY Y YYY YYYY', 'ORG_OWNER'],
  ['teamOwner',       'YYYYYYY YYYYYY Y YYY ..YY', 'TEAM_OWNER'],
  ['teamMember',      'YYYYYYY ...... . YYY ..YY', 'NO_ACCESS'],
  ['otherTeamMember', 'YYYYYYY ...... . Y.Y ..YY', 'NO_ACCESS'],
  ['managerDirect',   'YYYYYYY YYYYYY Y Y.Y ..YY', 'MANAGER_OF_OWNER'],
  ['managerChain',    'YYYYYYY ...... . Y.Y ..YY', 'NO_ACCESS'],
  ['parentOwner',     'YYYYYYY YYYYYY Y Y.Y ..YY', 'PARENT_OKR_OWNER'],
  ['creator',         'YYYYYYY YYYYYY Y YYY ..YY', 'OKR_CREATOR'],
  ['delegate',        'YYYYYYY YYYYY. Y Y.Y ..YY', 'DELEGATE'],
  ['checkInOwner',    'YYYYYYY Y..... . Y.Y ..YY', 'NO_ACCESS'],
  ['editGrantee',     'YYYYYYY YYYYYY Y Y.Y ..YY', 'EDIT_GRANT'],
  ['outsider',        '....... ...... . ... ....', 'NOT_ORG_MEMBER'],
  ['owner',           'YYYYYYY YYYYYY Y YYY ..YY', 'OKR_OWNER'],
];

describe('role matrix (managerScope direct)', () => {
  const { model } = fixtureModel();
  it.each(MATRIX)('%s', (role, row, editRule) => {
    const user = ROLES[role];
    const expected = row.replace(/ /g, '').split('').map((ch) => ch === 'Y');
    expect(expected).toHaveLength(COLUMNS.length);
    const actual = COLUMNS.map(([action, target]) => model.can(user, action, target));
    const show = (bits: boolean[]) => COLUMNS.map(([a], i) => `${a}:${bits[i] ? 'Y' : '.'}`).join(' ');
    expect(show(actual)).toBe(show(expected));
    // explain() always agrees with can()
    expect(COLUMNS.map(([action, target]) => model.explain(user, action, target).allowed)).toEqual(actual);
    expect(model.explain(user, 'edit', 'o-sales').decidedBy).toBe(editRule);
  });
});

describe('role matrix: managerScope chain', () => {
  it('the manager of the owner\'s manager gets the default edit set, only with chain scope', () => {
    const direct = fixtureModel().model;
    const chain = fixtureModel({ managerScope: 'chain' }).model;
    for (const action of ['check-in', 'edit', 'delete', 'close', 'change-weights', 'change-owner'] as const) {
      expect(direct.can(ROLES.managerChain, action, 'o-sales')).toBe(false);
      expect(chain.can(ROLES.managerChain, action, 'o-sales')).toBe(true);
    }
    expect(chain.explain(ROLES.managerChain, 'edit', 'o-sales').decidedBy).toBe('MANAGER_OF_OWNER');
    expect(direct.explain(ROLES.managerChain, 'edit', 'o-sales').paths.find((p) => p.rule === 'MANAGER_OF_OWNER')?.missing).toMatch(/direct manager/);
  });
});
