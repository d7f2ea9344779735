import { describe, expect, it } from 'vitest';
import { OKR_ACTIONS, memoryDirectory, okrModel, type Okr, type OkrDirectory } from '../../../server/okr/index.js';
import { codeOf, fixtureData, fixtureModel } from './fixture.js';

describe('OKR targets: an id or the stored record', () => {
  it('a stored record decides exactly like its id, in can() and explain(), for every user, action and OKR', () => {
    const data = fixtureData();
    const directory = memoryDirectory(data);
    const model = okrModel(directory);
    for (const user of data.users) {
      for (const okr of data.okrs!) {
        expect(directory.okr(okr.id)).toBe(okr); // the host's own object is the stored record
        for (const action of OKR_ACTIONS) {
          const byId = model.explain(user.id, action, okr.id);
          expect([user.id, action, okr.id, model.can(user.id, action, okr)]).toEqual([user.id, action, okr.id, byId.allowed]);
          expect(model.explain(user.id, action, okr)).toEqual(byId);
        }
      }
    }
    expect(model.cloneDestination('tina', directory.okr('o-sales')!)).toEqual(model.cloneDestination('tina', 'o-sales'));
  });

  it('copies and look-alikes are refused as INVALID_TARGET, never decided on', () => {
    const { directory, model } = fixtureModel();
    const record = directory.okr('o-private')!;
    // An unlisted org owner would see a copy made public: the copy must not be read at all.
    const forged = [
      { ...record, private: undefined },
      JSON.parse(JSON.stringify(record)) as Okr,
      structuredClone(record),
      Object.assign(Object.create(null), record) as Okr,
      memoryDirectory(fixtureData()).okr('o-private')!, // stored, but by another directory
    ];
    for (const target of forged) {
      expect(codeOf(() => model.can('olivia', 'view', target))).toBe('INVALID_TARGET');
      expect(codeOf(() => model.explain('olivia', 'view', target))).toBe('INVALID_TARGET');
    }
    for (const target of [null, 42, ['o-sales']]) expect(codeOf(() => model.can('tina', 'view', target as never))).toBe('INVALID_TARGET');
    expect(codeOf(() => model.can('nobody', 'view', record))).toBe('UNKNOWN_USER');
  });

  it('stored records look like the host\'s plain objects (same keys, JSON and equality)', () => {
    const data = fixtureData();
    const before = JSON.stringify(data.okrs);
    memoryDirectory(data);
    expect(JSON.stringify(data.okrs)).toBe(before);
    for (const okr of data.okrs!) {
      expect(okr).toStrictEqual({ ...okr });
      expect(okr.constructor).toBe(Object);
    }
  });

  it('a held record follows updates: closing it takes edit away at once', () => {
    const { directory, model } = fixtureModel();
    const record = directory.okr('o-sales')!;
    expect(model.can('ashley', 'edit', record)).toBe(true);
    directory.updateOkr('o-sales', { status: 'closed' });
    expect(model.can('ashley', 'edit', record)).toBe(false);
    expect(model.explain('ashley', 'edit', record).decidedBy).toBe('OKR_CLOSED');
    expect(model.can('ashley', 'reopen', record)).toBe(true);
  });

  it('objects the directory can\'t mark (frozen, shared by two directories) are still accepted, by identity', () => {
    const frozen = fixtureData();
    for (const okr of frozen.okrs!) Object.freeze(okr);
    const a = okrModel(memoryDirectory(frozen));
    expect(a.can('ashley', 'edit', frozen.okrs![1])).toBe(true);
    expect(codeOf(() => a.can('ashley', 'edit', { ...frozen.okrs![1] }))).toBe('INVALID_TARGET');

    const shared = fixtureData();
    const first = okrModel(memoryDirectory(shared));
    const second = okrModel(memoryDirectory(shared));
    for (const model of [first, second]) {
      expect(model.can('ashley', 'edit', shared.okrs![1])).toBe(true);
      expect(model.can('oscar', 'view', shared.okrs![4])).toBe(false); // o-private
    }
  });

  it('a host directory without isStoredOkr: the record must be what okr(id) returns', () => {
    const { directory } = fixtureModel();
    const host: OkrDirectory = { ...directory, isStoredOkr: undefined };
    const model = okrModel(host);
    const record = directory.okr('o-sales')!;
    expect(model.can('ashley', 'edit', record)).toBe(true);
    expect(codeOf(() => model.can('ashley', 'edit', { ...record }))).toBe('INVALID_TARGET');
  });
});
