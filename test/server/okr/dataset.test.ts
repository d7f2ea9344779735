import { describe, expect, it } from 'vitest';
import { memoryDirectory, okrModel, type Okr } from '../../../server/okr/index.js';
import { DATASET_SIZES, generateDataset } from '../../../server/okr/dataset.js';

describe('generateDataset', () => {
  it('is deterministic per seed', () => {
    expect(JSON.stringify(generateDataset({ size: 'tiny', seed: 5 }))).toBe(JSON.stringify(generateDataset({ size: 'tiny', seed: 5 })));
    expect(JSON.stringify(generateDataset({ size: 'tiny', seed: 5 }))).not.toBe(JSON.stringify(generateDataset({ size: 'tiny', seed: 6 })));
  });

  it('gives the asked sizes and loads without dangling references', () => {
    const data = generateDataset({ size: 'small', seed: 1 });
    expect(data.users).toHaveLength(DATASET_SIZES.small.users);
    expect(data.okrs).toHaveLength(DATASET_SIZES.small.okrs);
    expect(memoryDirectory(data).size).toMatchObject({ users: 1000, okrs: 10_000, orgs: 2 });
  });

  it('has what the rules need: manager chains, a team tree, alignment chains, privacy, grants, closed, inactive', () => {
    const data = generateDataset({ size: 'small', seed: 1 });
    const users = new Map(data.users.map((u) => [u.id, u]));
    const depth = (id: string) => {
      let d = 0;
      for (let m = users.get(id)?.managerId; m; m = users.get(m)?.managerId) d++;
      return d;
    };
    expect(Math.max(...data.users.map((u) => depth(u.id)))).toBeGreaterThanOrEqual(3);
    const teams = new Map(data.teams!.map((t) => [t.id, t]));
    const teamDepth = (id: string) => {
      let d = 0;
      for (let p = teams.get(id)?.parentId; p; p = teams.get(p)?.parentId) d++;
      return d;
    };
    expect(Math.max(...data.teams!.map((t) => teamDepth(t.id)))).toBeGreaterThanOrEqual(2);
    const okrs = new Map(data.okrs!.map((o) => [o.id, o]));
    const chain = (id: string): number => {
      const parent = okrs.get(id)?.alignedTo?.[0];
      return parent ? 1 + chain(parent) : 0;
    };
    expect(Math.max(...data.okrs!.map((o) => chain(o.id)))).toBeGreaterThanOrEqual(2);
    const count = (f: (o: Okr) => unknown) => data.okrs!.filter(f).length;
    expect(count((o) => o.private)).toBeGreaterThan(10);
    expect(count((o) => o.kind === 'key-result' && o.objectiveId && okrs.get(o.objectiveId)?.private)).toBeGreaterThan(10);
    for (const field of ['delegates', 'checkInOwners', 'editors', 'alignGrants'] as const) expect(count((o) => o[field]?.length)).toBeGreaterThan(10);
    expect(count((o) => o.status === 'closed')).toBeGreaterThan(10);
    expect(count((o) => o.level === 'org')).toBeGreaterThan(10);
    expect(count((o) => o.level === 'individual')).toBeGreaterThan(10);
    expect(data.users.filter((u) => !u.active).length).toBeGreaterThan(0);
  });

  it('exercises both allowed and denied paths of the model', () => {
    const data = generateDataset({ size: 'tiny', seed: 2 });
    const model = okrModel(memoryDirectory(data));
    const rules = new Set<string>();
    for (const u of data.users) for (const o of data.okrs!) rules.add(model.explain(u.id, 'check-in', o.id).decidedBy);
    for (const r of ['OKR_OWNER', 'ORG_OWNER', 'TEAM_OWNER', 'MANAGER_OF_OWNER', 'NO_ACCESS', 'OKR_CLOSED', 'NOT_ORG_MEMBER', 'PRIVATE_NOT_LISTED', 'USER_INACTIVE']) {
      expect(rules).toContain(r);
    }
  });
});
