import type { UserId } from './types.js';

/** The one key an id is compared and indexed by: 42 and "42" are the same user. */
export const idKey = (id: UserId | null | undefined): string | undefined => (id === null || id === undefined ? undefined : String(id));

/** A decimal string a form sent, as the number a directory with integer ids expects. */
export function numericAlternative(id: UserId): number | undefined {
  if (typeof id !== 'string' || !/^-?(0|[1-9]\d{0,15})$/.test(id)) return undefined;
  const n = Number(id);
  return Number.isSafeInteger(n) ? n : undefined;
}

/** What an adapter's `read` answered, if it is a user id or nobody; anything else is the adapter failing. */
export function signedInId(answer: unknown, adapter: string): UserId | undefined {
  if (answer === undefined || answer === null) return undefined;
  if (typeof answer === 'string' || (typeof answer === 'number' && Number.isFinite(answer))) return answer;
  throw new TypeError(`${adapter} answered ${Array.isArray(answer) ? 'an array' : typeof answer}, not a user id (a string or a number)`);
}
