import type { UserId } from '../impersonation/types.js';

/** The one key an id is compared and indexed by: 42 and "42" are the same user. */
export const idKey = (id: UserId | null | undefined): string | undefined => (id === null || id === undefined ? undefined : String(id));

/** A decimal string a form sent, as the number a directory with integer ids expects. */
export function numericAlternative(id: UserId): number | undefined {
  if (typeof id !== 'string' || !/^-?(0|[1-9]\d{0,15})$/.test(id)) return undefined;
  const n = Number(id);
  return Number.isSafeInteger(n) ? n : undefined;
}
