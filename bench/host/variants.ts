/** The host-overhead variants, from the limit (bare node:http) to acting with an fsync'd audit. */
export const VARIANTS = ['node:http', 'host', 'onbehalf idle', 'acting GET + can()', 'acting write (fsync)'] as const;
/**
 * The same GET through each identity recipe, not acting and acting (memory column): the host
 * reads its own sign-in (`req.session.userId`, passport's `req.user`), never `req.onBehalf`.
 * The rows above use `currentUser`.
 */
export const IDENTITY_VARIANTS = [
  'not acting · sessionKeyIdentity',
  'acting GET · sessionKeyIdentity',
  'not acting · passportIdentity',
  'acting GET · passportIdentity',
] as const;
export type Variant = (typeof VARIANTS)[number] | (typeof IDENTITY_VARIANTS)[number];
/** How a variant's host signs in. */
export const signInOf = (v: Variant): 'currentUser' | 'sessionKey' | 'passport' =>
  v.endsWith('sessionKeyIdentity') ? 'sessionKey' : v.endsWith('passportIdentity') ? 'passport' : 'currentUser';

/** 'redis cached': the Redis column with redisStore({ cacheTtlMs: 1000 }), against the same host baseline. */
export type StoreColumn = 'memory' | 'redis' | 'redis cached';

/** The column whose host app a row is compared with (node:http's: the memory one). */
export const baselineColumn = (store: StoreColumn | '-'): StoreColumn => (store === '-' ? 'memory' : store === 'redis cached' ? 'redis' : store);
