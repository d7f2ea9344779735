import { privateRootOf, type OkrCtx } from './context.js';
import { gate, type Path } from './engine.js';
import { seesPrivate } from './privacy.js';
import type { RuleCode } from './types.js';

/** The building blocks of the OKR policies (P1, P5–P12), each written once. */

const has = (list: readonly string[] | undefined, id: string) => list !== undefined && list.includes(id);

export const inactive = gate<{ user: { active: boolean } }>('USER_INACTIVE', (c) => c.user.active !== true);
export const notOrgMember = gate<OkrCtx>('NOT_ORG_MEMBER', (c) => !c.env.dir.isOrgMember(c.org.id, c.user.id));
export const closed = gate<OkrCtx>('OKR_CLOSED', (c) => c.okr.status === 'closed');
export const notClosed = gate<OkrCtx>('OKR_NOT_CLOSED', (c) => c.okr.status !== 'closed');

/** Whether P10 lets the user past a private OKR (always true for a public one). */
export const privateOk = (c: OkrCtx) => {
  const root = privateRootOf(c);
  return root === null || seesPrivate(c.okr, root, c.user.id);
};

/** Denial code for an OKR policy: privacy first, then the policy's own reason. */
export const otherwise = (code: RuleCode) => (c: OkrCtx): RuleCode => (privateOk(c) ? code : 'PRIVATE_NOT_LISTED');

/**
 * P10: on a private OKR this path only counts for listed users, owners and delegates
 * (so an unlisted org owner or team owner loses it).
 */
export function listedOnly(path: Path<OkrCtx>): Path<OkrCtx> {
  return {
    rule: path.rule,
    test: (c) => path.test(c) && privateOk(c),
    lacks: (c) => (path.test(c) ? 'the OKR is private and the user is not listed' : path.lacks(c)),
  };
}

export const okrOwner: Path<OkrCtx> = {
  rule: 'OKR_OWNER',
  test: (c) => c.okr.owners.includes(c.user.id),
  lacks: () => 'not an owner of the OKR',
};
export const okrCreator: Path<OkrCtx> = listedOnly({
  rule: 'OKR_CREATOR',
  test: (c) => c.okr.creatorId === c.user.id,
  lacks: () => 'did not create the OKR',
});
export const teamOwner: Path<OkrCtx> = listedOnly({
  rule: 'TEAM_OWNER',
  test: (c) => c.okr.teamId !== undefined && c.env.dir.isTeamOwner(c.okr.teamId, c.user.id),
  lacks: (c) => (c.okr.teamId === undefined ? 'the OKR has no team' : 'not an owner of the OKR\'s team'),
});
export const orgOwner: Path<OkrCtx> = listedOnly({
  rule: 'ORG_OWNER',
  test: (c) => c.org.owners.includes(c.user.id),
  lacks: () => 'not an owner of the org',
});

function managesAnOwner(c: OkrCtx): boolean {
  const { dir, settings } = c.env;
  const me = c.user.id;
  const owners = c.okr.owners;
  for (let i = 0; i < owners.length; i++) {
    if (dir.isManagerOf(me, owners[i])) return true;
    if (settings.managerScope === 'chain') {
      // Bounded so a cycle in the host's manager data can't hang a check.
      let m = dir.user(owners[i])?.managerId;
      for (let depth = 0; m !== undefined && depth < 64; depth++) {
        if (m === me) return true;
        m = dir.user(m)?.managerId;
      }
    }
  }
  return false;
}
export const managerOfOwner: Path<OkrCtx> = listedOnly({
  rule: 'MANAGER_OF_OWNER',
  test: managesAnOwner,
  lacks: (c) => `not the ${c.env.settings.managerScope === 'direct' ? 'direct manager' : 'manager (any level)'} of an owner`,
});

function ownsParent(c: OkrCtx): boolean {
  const { okr, env, user } = c;
  if (okr.objectiveId !== undefined && env.dir.isOkrOwner(okr.objectiveId, user.id)) return true;
  const parents = okr.alignedTo;
  if (parents !== undefined) for (let i = 0; i < parents.length; i++) if (env.dir.isOkrOwner(parents[i], user.id)) return true;
  return false;
}
export const parentOkrOwner: Path<OkrCtx> = listedOnly({
  rule: 'PARENT_OKR_OWNER',
  test: ownsParent,
  lacks: (c) => (c.okr.objectiveId === undefined && !c.okr.alignedTo?.length ? 'the OKR has no parent OKR' : 'not an owner of a parent OKR'),
});

export const delegate: Path<OkrCtx> = {
  rule: 'DELEGATE',
  test: (c) => has(c.okr.delegates, c.user.id),
  lacks: () => 'not a delegate of the OKR',
};
export const checkInGrant: Path<OkrCtx> = {
  rule: 'CHECKIN_GRANT',
  test: (c) => has(c.okr.checkInOwners, c.user.id),
  lacks: () => 'not granted check-in ownership',
};
export const editGrant: Path<OkrCtx> = listedOnly({
  rule: 'EDIT_GRANT',
  test: (c) => has(c.okr.editors, c.user.id),
  lacks: () => 'not granted edit access',
});

/** P5/P6 default set: owners, creator, team owners, org owners, managers, parent owners. */
export const defaultEditors: Path<OkrCtx>[] = [okrOwner, okrCreator, teamOwner, orgOwner, managerOfOwner, parentOkrOwner];
