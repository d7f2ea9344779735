import { describe, expect, it } from 'vitest';
import { privateObjectivesRule } from '../../../server/okr/index.js';
import { fixtureModel } from './fixture.js';

describe('privateObjectivesRule: W4 from the OKR model, for the generic target-rule hook', () => {
  const { model } = fixtureModel();
  const rule = privateObjectivesRule(model);
  it('refuses users named on a private OKR with TARGET_PRIVATE_OBJECTIVES, allows the rest', () => {
    for (const id of ['ashley', 'dana', 'chuck', 'lisa', 'tom', 'carl']) expect(rule({ target: { id } }), id).toBe('TARGET_PRIVATE_OBJECTIVES');
    for (const id of ['tina', 'oscar', 'olivia', 'eddie', 'max']) expect(rule({ target: { id } }), id).toBe(true);
  });
  it('refuses a user the model does not know (fail closed), and reads numeric ids as strings', () => {
    expect(rule({ target: { id: 'nobody' } })).toBe('TARGET_PRIVATE_OBJECTIVES');
    expect(privateObjectivesRule({ hasPrivateObjectives: (id) => id === '42' })({ target: { id: 42 } })).toBe('TARGET_PRIVATE_OBJECTIVES');
  });
});
