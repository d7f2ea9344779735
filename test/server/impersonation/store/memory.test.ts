import { describe, expect, it } from 'vitest';
import { memoryStore, type ImpersonationRecord } from '../../../../server/index.js';

const record = (over: Partial<ImpersonationRecord> = {}): ImpersonationRecord => ({
  id: 's1',
  actorId: 'avery',
  subjectId: 'ashley',
  actor: { id: 'avery', name: 'Avery' },
  subject: { id: 'ashley', name: 'Ashley' },
  reason: 'Ticket 42: cannot submit check-in',
  readOnly: false,
  startedAt: 1_000,
  expiresAt: 1_000 + 30 * 60_000,
  lastSeenAt: 1_000,
  returnTo: '/',
  ...over,
});

describe('memoryStore', () => {
  it('hands out records no caller can change, and keeps none of the caller’s objects', async () => {
    const store = memoryStore();
    const r = record();
    expect(await store.create(r)).toBe(true);
    r.subject.name = 'changed after create';
    const got = (await store.get('s1'))!;
    expect(got.subject.name).toBe('Ashley');
    expect(() => {
      got.subject.name = 'changed';
    }).toThrow(TypeError);
    expect(() => {
      got.lastSeenAt = 9_999;
    }).toThrow(TypeError);
    expect((await store.list())[0]).toEqual(record());
    expect(await store.get('s1')).toEqual(record());
  });

  it('moves lastSeenAt forward only, leaving what a reader already holds as it was', async () => {
    const store = memoryStore();
    await store.create(record());
    const before = (await store.get('s1'))!;
    await store.touch('s1', 5_000);
    await store.touch('s1', 4_000);
    expect((await store.get('s1'))!.lastSeenAt).toBe(5_000);
    expect(before.lastSeenAt).toBe(1_000);
  });

  it('keeps one session per actor, and ends a session for exactly one caller', async () => {
    const store = memoryStore();
    expect(await store.create(record())).toBe(true);
    expect(await store.create(record({ id: 's2' }))).toBe(false);
    const [a, b] = await Promise.all([store.end('s1'), store.end('s1')]);
    expect([a?.id, b?.id].sort()).toEqual(['s1', undefined]);
    expect(await store.create(record({ id: 's3' }))).toBe(true);
    expect(await store.list({ actorId: 'avery' })).toHaveLength(1);
  });
});
