import { describe, expect, it } from 'vitest';
import { memoryDirectory, okrModel } from '../../../server/okr/index.js';
import { codeOf, fixtureData, fixtureModel } from './fixture.js';

describe('typed errors', () => {
  const { model } = fixtureModel();
  it('unknown user, OKR, team, org → OkrError with a code, from can() and explain() alike', () => {
    for (const fn of [model.can, model.explain]) {
      expect(codeOf(() => fn('nobody', 'view', 'o-sales'))).toBe('UNKNOWN_USER');
      expect(codeOf(() => fn('tina', 'view', 'o-nope'))).toBe('UNKNOWN_OKR');
      expect(codeOf(() => fn('tina', 'create', { level: 'team', teamId: 'nope' }))).toBe('UNKNOWN_TEAM');
      expect(codeOf(() => fn('tina', 'create', { level: 'org', orgId: 'nope' }))).toBe('UNKNOWN_ORG');
      expect(codeOf(() => fn('tina', 'export', 'nope'))).toBe('UNKNOWN_ORG');
    }
    expect(codeOf(() => model.hasPrivateObjectives('nobody'))).toBe('UNKNOWN_USER');
    expect(codeOf(() => model.cloneDestination('tina', 'nope'))).toBe('UNKNOWN_OKR');
  });

  it('ids that are object keys are still unknown (no prototype lookups)', () => {
    expect(codeOf(() => model.can('constructor', 'view', 'o-sales'))).toBe('UNKNOWN_USER');
    expect(codeOf(() => model.can('tina', 'view', '__proto__'))).toBe('UNKNOWN_OKR');
    expect(codeOf(() => model.can('tina', 'constructor' as never, 'o-sales' as never))).toBe('UNKNOWN_ACTION');
  });

  it('unknown action or a malformed target → UNKNOWN_ACTION / INVALID_TARGET', () => {
    expect(codeOf(() => model.can('tina', 'fly' as never, 'o-sales' as never))).toBe('UNKNOWN_ACTION');
    expect(codeOf(() => model.can('tina', 'view', { id: 'o-sales' } as never))).toBe('INVALID_TARGET');
    expect(codeOf(() => model.can('tina', 'create', 'acme' as never))).toBe('INVALID_TARGET');
    expect(codeOf(() => model.can('tina', 'create', { level: 'galaxy', orgId: 'acme' } as never))).toBe('INVALID_TARGET');
    expect(codeOf(() => model.can('tina', 'create', { level: 'team', orgId: 'acme' } as never))).toBe('INVALID_TARGET');
    expect(codeOf(() => model.can('tina', 'export', { orgId: 'acme' } as never))).toBe('INVALID_TARGET');
  });

  it('a misspelt managerScope is refused rather than widened', () => {
    expect(codeOf(() => okrModel(memoryDirectory(fixtureData()), { managerScope: 'all' as never }))).toBe('INVALID_DATA');
  });
});
