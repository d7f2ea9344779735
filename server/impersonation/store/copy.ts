import type { ImpersonationRecord } from '../types.js';

/** A record its holder can hand out: callers that mutate what they got can't change the held state. */
export const copyRecord = (r: ImpersonationRecord): ImpersonationRecord => ({ ...r, actor: { ...r.actor }, subject: { ...r.subject } });
