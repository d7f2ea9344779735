import { expect } from 'vitest';
import { OkrError, memoryDirectory, okrModel, type DirectoryData, type OkrSettings, type User } from '../../../server/okr/index.js';

/**
 * A hand-made org with one person per role of the role matrix. Sales objective `o-sales` is
 * owned by Ashley, created by Carl, aligned under Paula's `o-parent`, with Dana as delegate,
 * Chuck as check-in owner and Eddie as edit grantee. Max manages Ashley; Mia manages Max.
 */
export const ROLES = {
  tenantAdmin: 'avery',
  orgOwner: 'olivia',
  teamOwner: 'tom',
  teamMember: 'tina',
  otherTeamMember: 'oscar',
  managerDirect: 'max',
  managerChain: 'mia',
  parentOwner: 'paula',
  creator: 'carl',
  delegate: 'dana',
  checkInOwner: 'chuck',
  editGrantee: 'eddie',
  outsider: 'xavier',
  owner: 'ashley',
} as const;

export function fixtureData(): DirectoryData {
  const person = (id: string, extra: Partial<User> = {}): User => ({ id, name: id[0].toUpperCase() + id.slice(1), active: true, ...extra });
  const users = [
    person('avery'), person('olivia'), person('tom'), person('tina'), person('oscar'), person('sam'),
    person('mia'), person('max', { managerId: 'mia' }), person('ashley', { managerId: 'max' }),
    person('paula'), person('carl'), person('dana'), person('chuck'), person('eddie'), person('lisa'),
    person('ian', { active: false }), person('xavier'),
  ];
  const inOrg = users.map((u) => u.id).filter((id) => id !== 'xavier' && id !== 'olivia');
  return {
    tenant: { id: 'contoso', name: 'Contoso', admins: ['avery'] },
    users,
    orgs: [
      { id: 'acme', name: 'Acme', owners: ['olivia'], members: inOrg },
      { id: 'other', name: 'Other org', owners: ['xavier'], members: [] },
    ],
    teams: [
      { id: 'sales', orgId: 'acme', name: 'Sales', owners: ['tom'], members: ['tina', 'ashley', 'carl', 'ian'] },
      { id: 'support', orgId: 'acme', name: 'Support', owners: ['sam'], members: ['oscar'] },
      { id: 'sales-emea', orgId: 'acme', name: 'Sales EMEA', parentId: 'sales', owners: ['tina'], members: [] },
    ],
    okrs: [
      { id: 'o-parent', orgId: 'acme', kind: 'objective', level: 'org', title: 'Grow', owners: ['paula'], creatorId: 'paula', status: 'open' },
      {
        id: 'o-sales', orgId: 'acme', kind: 'objective', level: 'team', teamId: 'sales', title: 'Sell more',
        owners: ['ashley'], creatorId: 'carl', alignedTo: ['o-parent'], delegates: ['dana'],
        checkInOwners: ['chuck'], editors: ['eddie'], status: 'open',
      },
      { id: 'kr-sales', orgId: 'acme', kind: 'key-result', level: 'team', teamId: 'sales', title: '100 deals', owners: ['ashley'], creatorId: 'ashley', objectiveId: 'o-sales', status: 'open' },
      {
        id: 'o-closed', orgId: 'acme', kind: 'objective', level: 'team', teamId: 'sales', title: 'Old',
        owners: ['ashley'], creatorId: 'carl', alignedTo: ['o-parent'], delegates: ['dana'],
        checkInOwners: ['chuck'], editors: ['eddie'], status: 'closed',
      },
      {
        id: 'o-private', orgId: 'acme', kind: 'objective', level: 'team', teamId: 'sales', title: 'Secret',
        owners: ['ashley'], creatorId: 'carl', alignedTo: ['o-parent'], delegates: ['dana'],
        checkInOwners: ['chuck'], editors: ['eddie'], private: true, privateTo: ['lisa', 'tom'], status: 'open',
      },
      { id: 'kr-private', orgId: 'acme', kind: 'key-result', level: 'team', teamId: 'sales', title: 'Secret KR', owners: ['carl'], creatorId: 'ashley', objectiveId: 'o-private', status: 'open' },
      { id: 'o-restricted', orgId: 'acme', kind: 'objective', level: 'individual', title: 'Mine', owners: ['ashley'], creatorId: 'ashley', alignRestricted: true, alignGrants: ['tina'], status: 'open' },
      { id: 'o-inactive', orgId: 'acme', kind: 'objective', level: 'individual', title: 'Ian\'s', owners: ['ian'], creatorId: 'ian', status: 'open' },
    ],
  };
}

export function fixtureModel(settings: OkrSettings = {}) {
  const directory = memoryDirectory(fixtureData());
  return { directory, model: okrModel(directory, settings) };
}

/** The `OkrError` code `fn` throws (asserting it is one), or 'no error'. */
export const codeOf = (fn: () => unknown) => {
  try {
    fn();
  } catch (e) {
    expect(e).toBeInstanceOf(OkrError);
    return (e as OkrError).code;
  }
  return 'no error';
};
