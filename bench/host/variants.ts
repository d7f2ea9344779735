/** The host-overhead variants, from the limit (bare node:http) to acting with an fsync'd audit. */
export const VARIANTS = ['node:http', 'host', 'onbehalf idle', 'acting GET + can()', 'acting write (fsync)'] as const;
export type Variant = (typeof VARIANTS)[number];
