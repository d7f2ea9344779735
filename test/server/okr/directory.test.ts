import { describe, expect, it } from 'vitest';
import { OkrError, memoryDirectory, okrModel, type DirectoryData, type OkrDirectory } from '../../../server/okr/index.js';
import { generateDataset } from '../../../server/okr/dataset.js';
import { fixtureData } from './fixture.js';

const invalid = (mutate: (d: DirectoryData) => void) => {
  const data = fixtureData();
  mutate(data);
  try {
    memoryDirectory(data);
  } catch (e) {
    expect(e).toBeInstanceOf(OkrError);
    expect((e as OkrError).code).toBe('INVALID_DATA');
    return (e as OkrError).message;
  }
  return 'loaded';
};

describe('memoryDirectory', () => {
  it('refuses dangling references and bad shapes with INVALID_DATA', () => {
    expect(invalid((d) => d.okrs![1].owners.push('ghost'))).toMatch(/o-sales: owners names unknown user ghost/);
    expect(invalid((d) => (d.okrs![2].objectiveId = 'ghost'))).toMatch(/unknown objectiveId/);
    expect(invalid((d) => (d.okrs![1].alignedTo = ['ghost']))).toMatch(/aligned to unknown OKR/);
    expect(invalid((d) => (d.okrs![1].teamId = undefined))).toMatch(/needs a known teamId/);
    expect(invalid((d) => (d.okrs![0].teamId = 'sales'))).toMatch(/can't have a teamId/);
    expect(invalid((d) => d.users.push({ id: 'avery', name: 'Twin', active: true }))).toMatch(/duplicate id/);
    expect(invalid((d) => (d.users[0].managerId = 'avery'))).toMatch(/bad manager/);
    expect(invalid((d) => (d.teams![2].parentId = 'ghost'))).toMatch(/unknown parent team/);
    expect(invalid((d) => (d.okrs![1].status = 'archived' as never))).toMatch(/unknown status/);
    expect(invalid((d) => d.orgs[0].owners.push('ghost'))).toMatch(/acme: owners names unknown user/);
  });

  it('update* re-indexes: a new team owner, a new manager, a new OKR owner count at once', () => {
    const directory = memoryDirectory(fixtureData());
    const model = okrModel(directory);
    expect(model.can('oscar', 'edit', 'o-sales')).toBe(false);
    directory.updateTeam('sales', { owners: ['tom', 'oscar'] });
    expect(model.explain('oscar', 'edit', 'o-sales').decidedBy).toBe('TEAM_OWNER');
    directory.updateTeam('sales', { owners: ['tom'] });
    expect(model.can('oscar', 'edit', 'o-sales')).toBe(false);

    directory.updateUser('ashley', { managerId: 'oscar' });
    expect(model.explain('oscar', 'edit', 'o-sales').decidedBy).toBe('MANAGER_OF_OWNER');
    expect(model.can('max', 'edit', 'o-sales')).toBe(false);

    directory.updateOkr('o-parent', { owners: ['tina'] });
    expect(model.explain('tina', 'edit', 'o-sales').decidedBy).toBe('PARENT_OKR_OWNER');
    expect(model.can('paula', 'edit', 'o-sales')).toBe(false);

    directory.updateOrg('acme', { members: [...directory.org('acme')!.members, 'xavier'] });
    expect(model.can('xavier', 'view', 'o-sales')).toBe(true);
  });

  it('the same question asked again right after a write gets the new answer (no stale lookups)', () => {
    const directory = memoryDirectory(fixtureData());
    const model = okrModel(directory);
    expect(model.can('oscar', 'view', 'o-sales')).toBe(true);
    directory.updateOrg('acme', { members: directory.org('acme')!.members.filter((u) => u !== 'oscar') });
    expect(model.can('oscar', 'view', 'o-sales')).toBe(false);

    expect(model.can('tom', 'edit', 'o-sales')).toBe(true);
    directory.updateTeam('sales', { owners: ['carl'] });
    expect(model.can('tom', 'edit', 'o-sales')).toBe(false);

    expect(model.can('max', 'edit', 'o-sales')).toBe(true);
    directory.updateUser('ashley', { managerId: 'mia' });
    expect(model.can('max', 'edit', 'o-sales')).toBe(false);

    expect(model.can('paula', 'edit', 'o-sales')).toBe(true);
    directory.updateOkr('o-parent', { owners: ['tina'] });
    expect(model.can('paula', 'edit', 'o-sales')).toBe(false);

    // A key result turns private with its objective, then public again.
    expect(model.can('sam', 'view', 'kr-sales')).toBe(true);
    directory.updateOkr('o-sales', { private: true, privateTo: [] });
    expect(model.can('sam', 'view', 'kr-sales')).toBe(false);
    directory.updateOkr('o-sales', { private: undefined });
    expect(model.can('sam', 'view', 'kr-sales')).toBe(true);
  });

  it('a refused update leaves the old data and indexes in place', () => {
    const directory = memoryDirectory(fixtureData());
    const model = okrModel(directory);
    expect(() => directory.updateOkr('o-sales', { owners: ['ghost'] })).toThrow(OkrError);
    expect(model.can('ashley', 'edit', 'o-sales')).toBe(true);
    expect(() => directory.updateTeam('sales', { owners: ['ghost'] })).toThrow(OkrError);
    expect(model.can('tom', 'edit', 'o-sales')).toBe(true);
    expect(() => directory.updateUser('ashley', { managerId: 'ghost' })).toThrow(OkrError);
    expect(model.can('max', 'edit', 'o-sales')).toBe(true);
  });

  it('addOkr checks parents and indexes the new OKR', () => {
    const directory = memoryDirectory(fixtureData());
    const model = okrModel(directory);
    expect(model.hasPrivateObjectives('tina')).toBe(false);
    expect(() => directory.addOkr({ id: 'kr-x', orgId: 'acme', kind: 'key-result', level: 'individual', title: 'x', owners: ['tina'], creatorId: 'tina', objectiveId: 'ghost', status: 'open' })).toThrow(/unknown objectiveId/);
    expect(directory.okr('kr-x')).toBeUndefined();
    directory.addOkr({ id: 'kr-x', orgId: 'acme', kind: 'key-result', level: 'individual', title: 'x', owners: ['tina'], creatorId: 'tina', objectiveId: 'o-private', status: 'open' });
    expect(model.can('tina', 'view', 'kr-x')).toBe(true);
    expect(model.can('oscar', 'view', 'kr-x')).toBe(false);
    expect(model.hasPrivateObjectives('tina')).toBe(true);
  });
});

describe('memoryDirectory privacy index (underPrivate)', () => {
  it('answers like walking up objectiveId, through privacy and parent changes', () => {
    const data = generateDataset({ size: 'tiny', seed: 9 });
    const directory = memoryDirectory(data);
    // A host-like directory without the index: the model walks up every time.
    const walking: OkrDirectory = { ...directory, underPrivate: undefined };
    const indexed = okrModel(directory);
    const walked = okrModel(walking);
    const same = () => {
      for (const u of data.users.slice(0, 30)) {
        for (const o of data.okrs!) expect([u.id, o.id, indexed.can(u.id, 'view', o.id)]).toEqual([u.id, o.id, walked.can(u.id, 'view', o.id)]);
      }
    };
    same();
    const objectives = data.okrs!.filter((o) => o.kind === 'objective');
    const privateOne = objectives.find((o) => o.private)!;
    const publicOne = objectives.find((o) => !o.private)!;
    directory.updateOkr(privateOne.id, { private: undefined });
    directory.updateOkr(publicOne.id, { private: true, privateTo: [] });
    const kr = data.okrs!.find((o) => o.objectiveId === privateOne.id)!;
    directory.updateOkr(kr.id, { objectiveId: publicOne.id });
    expect(directory.underPrivate!(kr)).toBe(true);
    same();
  });

  it('refuses an objectiveId cycle', () => {
    const directory = memoryDirectory(fixtureData());
    expect(() => directory.updateOkr('o-sales', { objectiveId: 'kr-sales' })).toThrow(/cycle/);
    expect(directory.okr('o-sales')?.objectiveId).toBeUndefined();
  });
});
