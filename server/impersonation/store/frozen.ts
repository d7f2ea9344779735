import type { ImpersonationRecord } from './types.js';

/**
 * A record its holder can hand out as it is, with no copy per read: frozen (its actor and subject
 * too), so a caller that tries to change it gets a TypeError and the held state stays as it was.
 */
export const frozenRecord = (r: ImpersonationRecord): ImpersonationRecord =>
  Object.freeze({ ...r, actor: Object.freeze({ ...r.actor }), subject: Object.freeze({ ...r.subject }) });

/** A frozen record with a later `lastSeenAt` (its frozen actor and subject are shared). */
export const seenAt = (r: ImpersonationRecord, at: number): ImpersonationRecord => Object.freeze({ ...r, lastSeenAt: at });
