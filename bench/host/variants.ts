/** The host-overhead variants, from the limit (bare node:http) to acting with an fsync'd audit. */
export const VARIANTS = ['node:http', 'host', 'onbehalf idle', 'acting GET + can()', 'acting write (fsync)'] as const;
export type Variant = (typeof VARIANTS)[number];

/** 'redis cached': the Redis column with redisStore({ cacheTtlMs: 1000 }), against the same host baseline. */
export type StoreColumn = 'memory' | 'redis' | 'redis cached';

/** The column whose host app a row is compared with (node:http's: the memory one). */
export const baselineColumn = (store: StoreColumn | '-'): StoreColumn => (store === '-' ? 'memory' : store === 'redis cached' ? 'redis' : store);
