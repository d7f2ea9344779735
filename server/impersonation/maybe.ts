/**
 * Values that may or may not be promises. The per-request path uses these so a host whose
 * directory answers synchronously pays no promise or microtask for each check (measured: the
 * awaits, not the checks, were most of onbehalf's cost on an acting request).
 */
export type Maybe<T> = T | Promise<T>;

/**
 * Whether `v` is a promise (any thenable). Strings, numbers, booleans and null are settled without
 * a property lookup: this runs several times per acting request, on values of many shapes.
 */
const isThenable = <T>(v: Maybe<T>): v is Promise<T> =>
  (typeof v === 'object' || typeof v === 'function') && v !== null && typeof (v as Promise<T>).then === 'function';

/** `f(v)` (named so no module namespace looks like a promise), now if `v` is a value, later if it is a promise. */
export function andThen<T, U>(v: Maybe<T>, f: (value: T) => Maybe<U>): Maybe<U> {
  return isThenable(v) ? v.then(f) : f(v);
}

/** Both values, as a pair: synchronous when both are. */
export function both<A, B>(a: Maybe<A>, b: Maybe<B>): Maybe<[A, B]> {
  return isThenable(a) || isThenable(b) ? Promise.all([a, b]) : [a, b];
}

export { isThenable };
