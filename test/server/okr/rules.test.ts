import { describe, expect, it } from 'vitest';
import { memoryDirectory, okrModel, type OkrDirectory } from '../../../server/okr/index.js';
import { codeOf, fixtureData, fixtureModel } from './fixture.js';

/** One block per rule P1–P14 (docs/requirements.md); each fails if its rule is removed from the model. */

const allowedBy = (e: { allowed: boolean; decidedBy: string }) => (e.allowed ? e.decidedBy : `denied:${e.decidedBy}`);

describe('P1 view', () => {
  const { model } = fixtureModel();
  it('every org member sees every public OKR of the org', () => {
    for (const user of ['tina', 'oscar', 'avery', 'lisa']) {
      expect(allowedBy(model.explain(user, 'view', 'o-sales'))).toBe('ORG_MEMBER');
      expect(allowedBy(model.explain(user, 'view', 'o-parent'))).toBe('ORG_MEMBER');
    }
  });
  it('someone outside the org sees nothing, whatever else they own', () => {
    expect(allowedBy(model.explain('xavier', 'view', 'o-sales'))).toBe('denied:NOT_ORG_MEMBER');
  });
  it('an inactive user can do nothing, not even on their own OKR', () => {
    expect(allowedBy(model.explain('ian', 'view', 'o-inactive'))).toBe('denied:USER_INACTIVE');
    expect(model.can('ian', 'edit', 'o-inactive')).toBe(false);
  });
});

describe('P2 create org-level OKRs: orgCreate', () => {
  const org = { level: 'org', orgId: 'acme' } as const;
  it('default anyone: every member may', () => {
    expect(allowedBy(fixtureModel().model.explain('tina', 'create', org))).toBe('ORG_MEMBER');
  });
  it('team-owners: team owners and org owners only', () => {
    const { model } = fixtureModel({ orgCreate: { who: 'team-owners' } });
    expect(allowedBy(model.explain('tom', 'create', org))).toBe('TEAM_OWNER_IN_ORG');
    expect(allowedBy(model.explain('olivia', 'create', org))).toBe('ORG_OWNER');
    expect(allowedBy(model.explain('ashley', 'create', org))).toBe('denied:ORG_CREATE_RESTRICTED');
    expect(model.can('tina', 'create', org)).toBe(true); // she owns Sales EMEA
  });
  it('specific: only listed users (and org owners), set per org', () => {
    const data = fixtureData();
    data.orgs[0].orgCreate = { who: 'specific', users: ['oscar'] };
    const model = okrModel(memoryDirectory(data));
    expect(allowedBy(model.explain('oscar', 'create', org))).toBe('SPECIFIC_USER');
    expect(model.can('tom', 'create', org)).toBe(false);
    expect(model.can('olivia', 'create', org)).toBe(true);
  });
});

describe('P3 create team-level OKRs: teamCreate', () => {
  const sales = { level: 'team', teamId: 'sales' } as const;
  it('default members: the team\'s members, not other teams\' members', () => {
    const { model } = fixtureModel();
    expect(allowedBy(model.explain('tina', 'create', sales))).toBe('TEAM_MEMBER');
    expect(allowedBy(model.explain('oscar', 'create', sales))).toBe('denied:TEAM_CREATE_RESTRICTED');
  });
  it('owners: members lose it; org owners and team owners always keep it', () => {
    const { model } = fixtureModel({ teamCreate: { who: 'owners' } });
    expect(model.can('tina', 'create', sales)).toBe(false);
    expect(allowedBy(model.explain('tom', 'create', sales))).toBe('TEAM_OWNER');
    expect(allowedBy(model.explain('olivia', 'create', sales))).toBe('ORG_OWNER');
  });
  it('specific: listed users only', () => {
    const { model } = fixtureModel({ teamCreate: { who: 'specific', users: ['oscar'] } });
    expect(allowedBy(model.explain('oscar', 'create', sales))).toBe('SPECIFIC_USER');
    expect(model.can('tina', 'create', sales)).toBe(false);
  });
  it('a new sub-team inherits its parent\'s setting, and keeps it when the parent changes', () => {
    const { directory, model } = fixtureModel();
    directory.updateTeam('sales', { teamCreate: { who: 'owners' } });
    directory.addTeam({ id: 'sales-apac', orgId: 'acme', name: 'APAC', parentId: 'sales', owners: ['tom'], members: ['oscar'] });
    expect(directory.team('sales-apac')?.teamCreate).toEqual({ who: 'owners' });
    expect(model.can('oscar', 'create', { level: 'team', teamId: 'sales-apac' })).toBe(false);
    directory.updateTeam('sales', { teamCreate: { who: 'members' } });
    expect(model.can('oscar', 'create', { level: 'team', teamId: 'sales-apac' })).toBe(false);
  });
  it('a team without its own setting follows its nearest ancestor\'s', () => {
    const data = fixtureData();
    data.teams![0].teamCreate = { who: 'owners' };
    data.teams![2].members.push('oscar'); // sales-emea: no setting of its own, owned by Tina
    const model = okrModel(memoryDirectory(data));
    expect(allowedBy(model.explain('oscar', 'create', { level: 'team', teamId: 'sales-emea' }))).toBe('denied:TEAM_CREATE_RESTRICTED');
    expect(model.can('tina', 'create', { level: 'team', teamId: 'sales-emea' })).toBe(true);
  });
});

describe('P4 individual OKRs', () => {
  it('everyone in the org may create them, nobody outside', () => {
    const { model } = fixtureModel({ orgCreate: { who: 'specific', users: [] }, teamCreate: { who: 'owners' } });
    expect(allowedBy(model.explain('oscar', 'create', { level: 'individual', orgId: 'acme' }))).toBe('ORG_MEMBER');
    expect(allowedBy(model.explain('xavier', 'create', { level: 'individual', orgId: 'acme' }))).toBe('denied:NOT_ORG_MEMBER');
  });
});

describe('P5 check-in', () => {
  const { model } = fixtureModel();
  it.each([
    ['ashley', 'OKR_OWNER'], ['carl', 'OKR_CREATOR'], ['tom', 'TEAM_OWNER'], ['olivia', 'ORG_OWNER'],
    ['max', 'MANAGER_OF_OWNER'], ['paula', 'PARENT_OKR_OWNER'], ['chuck', 'CHECKIN_GRANT'],
  ])('%s may check in by %s', (user, rule) => {
    expect(allowedBy(model.explain(user, 'check-in', 'o-sales'))).toBe(rule);
  });
  it('owners of the objective check in on its key results (parent OKR)', () => {
    expect(model.can('ashley', 'check-in', 'kr-sales')).toBe(true);
    const { model: m, directory } = fixtureModel();
    directory.updateOkr('kr-sales', { owners: ['tina'], creatorId: 'tina' });
    expect(allowedBy(m.explain('ashley', 'check-in', 'kr-sales'))).toBe('PARENT_OKR_OWNER');
  });
  it('a plain member may not', () => {
    expect(allowedBy(model.explain('tina', 'check-in', 'o-sales'))).toBe('denied:NO_ACCESS');
  });
});

describe('P6 edit', () => {
  const { model } = fixtureModel();
  it('edit grantees may edit, delete, close and change weights; check-in owners may not', () => {
    for (const action of ['edit', 'delete', 'close', 'change-weights'] as const) {
      expect(allowedBy(model.explain('eddie', action, 'o-sales'))).toBe('EDIT_GRANT');
      expect(model.can('chuck', action, 'o-sales')).toBe(false);
    }
  });
  it('the default set edits too', () => {
    for (const user of ['ashley', 'carl', 'tom', 'olivia', 'max', 'paula']) expect(model.can(user, 'edit', 'o-sales')).toBe(true);
  });
});

describe('P7 delegate', () => {
  const { model } = fixtureModel();
  it('does everything edit allows except changing the owner', () => {
    for (const action of ['edit', 'delete', 'close', 'change-weights', 'check-in'] as const) {
      expect(allowedBy(model.explain('dana', action, 'o-sales'))).toBe('DELEGATE');
    }
    expect(model.can('dana', 'change-owner', 'o-sales')).toBe(false);
    expect(model.can('eddie', 'change-owner', 'o-sales')).toBe(true);
  });
});

describe('P8 align', () => {
  const { model } = fixtureModel();
  it('any member may align to an OKR they can view', () => {
    expect(allowedBy(model.explain('oscar', 'align', 'o-sales'))).toBe('ORG_MEMBER');
  });
  it('an owner may restrict alignment to granted users', () => {
    expect(allowedBy(model.explain('oscar', 'align', 'o-restricted'))).toBe('denied:ALIGN_RESTRICTED');
    expect(allowedBy(model.explain('tina', 'align', 'o-restricted'))).toBe('ALIGN_GRANT');
    expect(allowedBy(model.explain('ashley', 'align', 'o-restricted'))).toBe('OKR_OWNER');
  });
  it('nobody aligns to an OKR they can\'t view', () => {
    expect(allowedBy(model.explain('oscar', 'align', 'o-private'))).toBe('denied:PRIVATE_NOT_LISTED');
  });
});

describe('P9 clone', () => {
  it('into the team when the user may create there, else as an individual OKR', () => {
    const { model } = fixtureModel();
    expect(model.explain('tina', 'clone', 'o-sales').clone).toEqual({ level: 'team', teamId: 'sales', orgId: 'acme' });
    expect(model.explain('oscar', 'clone', 'o-sales').clone).toEqual({ level: 'individual', orgId: 'acme' });
    expect(model.cloneDestination('oscar', 'o-sales')).toEqual({ level: 'individual', orgId: 'acme' });
  });
  it('an org-level OKR clones into the org only for who may create org-level OKRs', () => {
    const { model } = fixtureModel({ orgCreate: { who: 'specific', users: [] } });
    expect(model.explain('olivia', 'clone', 'o-parent').clone).toEqual({ level: 'org', orgId: 'acme' });
    expect(model.explain('tina', 'clone', 'o-parent').clone).toEqual({ level: 'individual', orgId: 'acme' });
  });
  describe('into the team the user picks (seed: "into a team for which they have OKR creation access", else individual)', () => {
    it('a member of the picked team clones into it, though not into the source\'s team', () => {
      const { model } = fixtureModel();
      expect(model.cloneDestination('oscar', 'o-sales')).toEqual({ level: 'individual', orgId: 'acme' });
      expect(model.cloneDestination('oscar', 'o-sales', { teamId: 'support' })).toEqual({ level: 'team', teamId: 'support', orgId: 'acme' });
      expect(model.explain('oscar', 'clone', 'o-sales', { teamId: 'support' })).toMatchObject({ allowed: true, clone: { level: 'team', teamId: 'support', orgId: 'acme' } });
    });
    it('a team owner picks their sub-team; an org owner picks any team; a listed user picks a "specific" team', () => {
      const { model, directory } = fixtureModel();
      expect(model.cloneDestination('tina', 'o-sales', { teamId: 'sales-emea' })).toEqual({ level: 'team', teamId: 'sales-emea', orgId: 'acme' });
      expect(model.explain('olivia', 'clone', 'o-sales', { teamId: 'support' }).clone).toEqual({ level: 'team', teamId: 'support', orgId: 'acme' });
      directory.updateTeam('support', { teamCreate: { who: 'specific', users: ['lisa'] } });
      expect(model.cloneDestination('lisa', 'o-sales', { teamId: 'support' })).toEqual({ level: 'team', teamId: 'support', orgId: 'acme' });
      expect(model.cloneDestination('oscar', 'o-sales', { teamId: 'support' })).toEqual({ level: 'individual', orgId: 'acme' });
    });
    it('an org-level or individual source goes into the picked team too, not the org', () => {
      const { model } = fixtureModel();
      expect(model.cloneDestination('olivia', 'o-parent')).toEqual({ level: 'org', orgId: 'acme' });
      expect(model.cloneDestination('olivia', 'o-parent', { teamId: 'sales' })).toEqual({ level: 'team', teamId: 'sales', orgId: 'acme' });
      expect(model.explain('tina', 'clone', 'o-restricted', { teamId: 'sales' }).clone).toEqual({ level: 'team', teamId: 'sales', orgId: 'acme' });
    });
    it('a team the user may not create in gives an individual OKR, even where the automatic choice was a team', () => {
      const { model } = fixtureModel({ teamCreate: { who: 'owners' } });
      expect(model.cloneDestination('tom', 'o-sales')).toEqual({ level: 'team', teamId: 'sales', orgId: 'acme' });
      expect(model.cloneDestination('tom', 'o-sales', { teamId: 'support' })).toEqual({ level: 'individual', orgId: 'acme' });
      expect(model.explain('oscar', 'clone', 'o-sales', { teamId: 'support' }).clone).toEqual({ level: 'individual', orgId: 'acme' });
      expect(model.explain('sam', 'clone', 'o-sales', { teamId: 'support' }).clone).toEqual({ level: 'team', teamId: 'support', orgId: 'acme' });
    });
    it('no team picked keeps the automatic choice; an unknown team or a malformed pick throws', () => {
      const { model } = fixtureModel();
      expect(model.cloneDestination('tina', 'o-sales', {})).toEqual(model.cloneDestination('tina', 'o-sales'));
      expect(codeOf(() => model.cloneDestination('tina', 'o-sales', { teamId: 'nope' }))).toBe('UNKNOWN_TEAM');
      expect(codeOf(() => model.explain('tina', 'clone', 'o-sales', { teamId: 7 as unknown as string }))).toBe('INVALID_TARGET');
      // A denied clone has no destination, whatever team was picked.
      expect(model.explain('oscar', 'clone', 'o-private', { teamId: 'support' }).clone).toBeUndefined();
    });
  });
  it('cloning needs view, and a denial has no destination', () => {
    const e = fixtureModel().model.explain('oscar', 'clone', 'o-private');
    expect(e).toMatchObject({ allowed: false, decidedBy: 'PRIVATE_NOT_LISTED' });
    expect(e.clone).toBeUndefined();
  });
});

describe('P10 private OKRs', () => {
  const { model } = fixtureModel();
  it('even org owners don\'t see them', () => {
    expect(allowedBy(model.explain('olivia', 'view', 'o-private'))).toBe('denied:PRIVATE_NOT_LISTED');
    expect(model.can('olivia', 'edit', 'o-private')).toBe(false);
    expect(model.explain('olivia', 'edit', 'o-private').decidedBy).toBe('PRIVATE_NOT_LISTED');
  });
  it('listed users, owners and delegates see them', () => {
    expect(allowedBy(model.explain('lisa', 'view', 'o-private'))).toBe('PRIVATE_LISTED');
    expect(allowedBy(model.explain('ashley', 'view', 'o-private'))).toBe('OKR_OWNER');
    expect(allowedBy(model.explain('dana', 'view', 'o-private'))).toBe('DELEGATE');
  });
  it('the paths that would let others in (creator, manager, parent owner, edit grant) are closed', () => {
    for (const user of ['carl', 'max', 'paula', 'eddie', 'tina']) {
      expect(model.can(user, 'view', 'o-private')).toBe(false);
      expect(model.can(user, 'edit', 'o-private')).toBe(false);
      expect(model.can(user, 'check-in', 'o-private')).toBe(false);
    }
  });
  it('only listed users, owners and delegates may edit: a listed team owner may, a listed member may not', () => {
    expect(allowedBy(model.explain('tom', 'edit', 'o-private'))).toBe('TEAM_OWNER');
    expect(model.can('lisa', 'edit', 'o-private')).toBe(false);
    expect(model.can('dana', 'edit', 'o-private')).toBe(true);
  });
  it('check-in owners only check in', () => {
    expect(allowedBy(model.explain('chuck', 'check-in', 'o-private'))).toBe('CHECKIN_GRANT');
    for (const action of ['view', 'edit', 'comment', 'align', 'change-weights'] as const) {
      expect(model.can('chuck', action, 'o-private')).toBe(false);
    }
  });
  it('key results of a private objective are private', () => {
    expect(allowedBy(model.explain('olivia', 'view', 'kr-private'))).toBe('denied:PRIVATE_NOT_LISTED');
    expect(model.can('tina', 'view', 'kr-private')).toBe(false);
    expect(allowedBy(model.explain('lisa', 'view', 'kr-private'))).toBe('PRIVATE_LISTED');
    // the objective's owner and the key result's own owner see it
    expect(model.can('ashley', 'view', 'kr-private')).toBe(true);
    expect(allowedBy(model.explain('carl', 'view', 'kr-private'))).toBe('OKR_OWNER');
  });
  it('and so is an initiative under such a key result', () => {
    const { model: m, directory } = fixtureModel();
    directory.addOkr({ id: 'i-private', orgId: 'acme', kind: 'initiative', level: 'team', teamId: 'sales', title: 'Deep', owners: ['tina'], creatorId: 'tina', objectiveId: 'kr-private', status: 'open' });
    expect(allowedBy(m.explain('olivia', 'view', 'i-private'))).toBe('denied:PRIVATE_NOT_LISTED');
    expect(m.can('tina', 'view', 'i-private')).toBe(true);
    expect(m.can('oscar', 'comment', 'i-private')).toBe(false);
  });
  it('making an OKR private takes effect at once', () => {
    const { model: m, directory } = fixtureModel();
    expect(m.can('oscar', 'view', 'o-sales')).toBe(true);
    directory.updateOkr('o-sales', { private: true, privateTo: [] });
    expect(m.can('oscar', 'view', 'o-sales')).toBe(false);
    expect(m.can('oscar', 'view', 'kr-sales')).toBe(false);
  });
});

describe('P11 comment, share, like, follow', () => {
  const { model } = fixtureModel();
  it('any member who can view may; not on a private OKR they can\'t view', () => {
    for (const action of ['comment', 'share', 'like', 'follow'] as const) {
      expect(model.can('oscar', action, 'o-sales')).toBe(true);
      expect(allowedBy(model.explain('oscar', action, 'o-private'))).toBe('denied:PRIVATE_NOT_LISTED');
      expect(model.can('lisa', action, 'o-private')).toBe(true);
      expect(model.can('xavier', action, 'o-sales')).toBe(false);
    }
  });
});

describe('P12 closed OKRs', () => {
  const { model } = fixtureModel();
  it('can\'t be edited, deleted, closed, reweighted, re-owned or checked in on, even by the owner', () => {
    for (const action of ['edit', 'delete', 'close', 'change-weights', 'change-owner', 'check-in'] as const) {
      expect(allowedBy(model.explain('ashley', action, 'o-closed'))).toBe('denied:OKR_CLOSED');
    }
  });
  it('reopen needs edit access and a closed OKR', () => {
    expect(allowedBy(model.explain('ashley', 'reopen', 'o-closed'))).toBe('OKR_OWNER');
    expect(allowedBy(model.explain('tina', 'reopen', 'o-closed'))).toBe('denied:NO_ACCESS');
    expect(allowedBy(model.explain('ashley', 'reopen', 'o-sales'))).toBe('denied:OKR_NOT_CLOSED');
  });
  it('reopening gives edit back', () => {
    const { model: m, directory } = fixtureModel();
    directory.updateOkr('o-closed', { status: 'open' });
    expect(m.can('ashley', 'edit', 'o-closed')).toBe(true);
  });
});

describe('P13 org policies', () => {
  const policies = ['add-member', 'create-team', 'create-tag', 'export'] as const;
  it('defaults: owners add members and create teams; members create tags and export', () => {
    const { model } = fixtureModel();
    for (const p of policies) expect(allowedBy(model.explain('olivia', p, 'acme'))).toBe('ORG_OWNER');
    expect(allowedBy(model.explain('tina', 'add-member', 'acme'))).toBe('denied:ORG_POLICY_RESTRICTED');
    expect(allowedBy(model.explain('tina', 'create-team', 'acme'))).toBe('denied:ORG_POLICY_RESTRICTED');
    expect(allowedBy(model.explain('tina', 'create-tag', 'acme'))).toBe('ORG_MEMBER');
    expect(allowedBy(model.explain('tina', 'export', 'acme'))).toBe('ORG_MEMBER');
  });
  it('org owners set them: team-owners, specific, owners', () => {
    const { directory, model } = fixtureModel();
    directory.updateOrg('acme', {
      policies: { 'create-team': { who: 'team-owners' }, 'add-member': { who: 'specific', users: ['tina'] }, export: { who: 'owners' } },
    });
    expect(allowedBy(model.explain('tom', 'create-team', 'acme'))).toBe('TEAM_OWNER_IN_ORG');
    expect(model.can('oscar', 'create-team', 'acme')).toBe(false);
    expect(allowedBy(model.explain('tina', 'add-member', 'acme'))).toBe('SPECIFIC_USER');
    expect(model.can('tom', 'add-member', 'acme')).toBe(false);
    expect(model.can('tina', 'export', 'acme')).toBe(false);
    expect(model.can('olivia', 'export', 'acme')).toBe(true);
  });
  it('the tenant administrator has no OKR or org rights beyond a member\'s', () => {
    const { model } = fixtureModel();
    expect(model.can('avery', 'add-member', 'acme')).toBe(false);
    expect(model.can('avery', 'edit', 'o-sales')).toBe(false);
    expect(model.can('avery', 'view', 'o-private')).toBe(false);
  });
});

describe('P14 working on behalf: W4 uses P10', () => {
  const { model } = fixtureModel();
  it('users named on a private OKR (owner, delegate, check-in owner, listed) have private objectives', () => {
    for (const user of ['ashley', 'dana', 'chuck', 'lisa', 'tom', 'carl']) expect(model.hasPrivateObjectives(user)).toBe(true);
  });
  it('others have none', () => {
    for (const user of ['tina', 'oscar', 'olivia', 'eddie', 'max']) expect(model.hasPrivateObjectives(user)).toBe(false);
  });
  it('follows changes to privacy', () => {
    const { model: m, directory } = fixtureModel();
    expect(m.hasPrivateObjectives('oscar')).toBe(false);
    directory.updateOkr('o-private', { privateTo: ['lisa', 'tom', 'oscar'] });
    expect(m.hasPrivateObjectives('oscar')).toBe(true);
    directory.updateOkr('o-private', { private: false });
    directory.updateOkr('kr-private', { owners: ['tina'] });
    expect(m.hasPrivateObjectives('ashley')).toBe(false);
  });
  it('scans a user’s OKRs once between writes of a versioned directory, and on every question without a version', () => {
    const { directory } = fixtureModel();
    const counted = (version: PropertyDescriptor) => {
      const dir = Object.create(directory, {
        okrsNaming: { value: (id: string) => (dir.scans++, directory.okrsNaming(id)) },
        scans: { value: 0, writable: true },
        version,
      }) as OkrDirectory & { scans: number };
      return { dir, m: okrModel(dir) };
    };
    const versioned = counted({ get: () => directory.version });
    for (let i = 0; i < 3; i++) expect(versioned.m.hasPrivateObjectives('oscar')).toBe(false);
    expect(versioned.dir.scans).toBe(1);
    directory.updateOkr('o-private', { privateTo: ['lisa', 'tom', 'oscar'] });
    expect(versioned.m.hasPrivateObjectives('oscar')).toBe(true);
    expect(versioned.dir.scans).toBe(2);
    const unversioned = counted({ value: undefined });
    for (let i = 0; i < 3; i++) expect(unversioned.m.hasPrivateObjectives('oscar')).toBe(true);
    expect(unversioned.dir.scans).toBe(3);
  });
  // Every check running as the subject is tested on the guard (test/server/guard).
});
