import { describe, expect, it } from 'vitest';
import { ACTIONS, OKR_ACTIONS, RULES, memoryDirectory, okrModel } from '../../../server/okr/index.js';
import { generateDataset } from '../../../server/okr/dataset.js';
import { fixtureModel } from './fixture.js';

describe('explain()', () => {
  const { model } = fixtureModel();

  it('"why can\'t Ashley check in on this?": a denial lists every path tried and what each lacked', () => {
    const e = model.explain('tina', 'check-in', 'o-sales');
    expect(e.allowed).toBe(false);
    expect(e.decidedBy).toBe('NO_ACCESS');
    expect(e.paths.map((p) => p.rule)).toEqual([
      'OKR_OWNER', 'OKR_CREATOR', 'TEAM_OWNER', 'ORG_OWNER', 'MANAGER_OF_OWNER', 'PARENT_OKR_OWNER', 'DELEGATE', 'EDIT_GRANT', 'CHECKIN_GRANT',
    ]);
    for (const p of e.paths) {
      expect(p.satisfied).toBe(false);
      expect(p.missing).toEqual(expect.any(String));
      expect(p.missing!.length).toBeGreaterThan(5);
    }
    expect(e.paths.find((p) => p.rule === 'TEAM_OWNER')?.missing).toBe("not an owner of the OKR's team");
  });

  it('an allowed decision names the first satisfied path and marks every satisfied one', () => {
    const e = model.explain('ashley', 'edit', 'o-sales');
    expect(e).toMatchObject({ allowed: true, decidedBy: 'OKR_OWNER' });
    expect(e.paths[0]).toEqual({ rule: 'OKR_OWNER', satisfied: true });
    // Tom owns the team: only TEAM_OWNER is satisfied
    const t = model.explain('tom', 'edit', 'o-sales');
    expect(t.paths.filter((p) => p.satisfied).map((p) => p.rule)).toEqual(['TEAM_OWNER']);
  });

  it('a gate decides alone: closed, not a member, inactive, private', () => {
    expect(model.explain('ashley', 'edit', 'o-closed')).toEqual({
      allowed: false, decidedBy: 'OKR_CLOSED', paths: [{ rule: 'OKR_CLOSED', satisfied: false, missing: RULES.OKR_CLOSED }],
    });
    expect(model.explain('xavier', 'edit', 'o-sales').decidedBy).toBe('NOT_ORG_MEMBER');
    expect(model.explain('ian', 'view', 'o-sales').decidedBy).toBe('USER_INACTIVE');
  });

  it('on a private OKR, paths the user holds but privacy closes say so', () => {
    const e = model.explain('olivia', 'edit', 'o-private');
    expect(e.decidedBy).toBe('PRIVATE_NOT_LISTED');
    expect(e.paths.find((p) => p.rule === 'ORG_OWNER')).toEqual({ rule: 'ORG_OWNER', satisfied: false, missing: 'the OKR is private and the user is not listed' });
  });

  it('a setting-dependent denial names the setting', () => {
    const { model: m } = fixtureModel({ orgCreate: { who: 'team-owners' } });
    const e = m.explain('oscar', 'create', { level: 'org', orgId: 'acme' });
    expect(e.decidedBy).toBe('ORG_CREATE_RESTRICTED');
    expect(e.paths.find((p) => p.rule === 'ORG_MEMBER')?.missing).toBe('the setting is "team-owners", not "anyone"');
    expect(e.paths.find((p) => p.rule === 'TEAM_OWNER_IN_ORG')?.missing).toBe('owns no team in the org');
  });

  it('agrees with can() on every action over a generated dataset', () => {
    const data = generateDataset({ size: 'tiny', seed: 3 });
    const m = okrModel(memoryDirectory(data));
    let checked = 0;
    let allowed = 0;
    for (const user of data.users.slice(0, 40)) {
      for (const okr of data.okrs!.filter((_, i) => i % 13 === 0)) {
        for (const action of OKR_ACTIONS) {
          const e = m.explain(user.id, action, okr.id);
          expect(e.allowed).toBe(m.can(user.id, action, okr.id));
          expect(e.paths.some((p) => p.satisfied)).toBe(e.allowed);
          checked++;
          if (e.allowed) allowed++;
        }
      }
    }
    expect(checked).toBeGreaterThan(5000);
    expect(allowed / checked).toBeGreaterThan(0.2);
    expect(allowed / checked).toBeLessThan(0.9);
    expect(ACTIONS).toHaveLength(19);
  });
});
