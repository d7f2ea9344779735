import { OnBehalfError } from './errors.js';
import type { ImpersonationStore, UserDirectory } from './types.js';

const unavailable = (what: string) => (err: unknown) => {
  if (err instanceof OnBehalfError) throw err;
  throw new OnBehalfError('STORE_UNAVAILABLE', `The ${what} is unavailable; try again shortly.`);
};

/**
 * The store and the directory, with every failure turned into 503 STORE_UNAVAILABLE: a backend
 * that can't answer means nobody is served, never a 500 and never the wrong user. Methods are
 * wrapped once, here, not on every call (this sits on every request's path).
 */
export function guarded<T extends ImpersonationStore | UserDirectory>(target: T, what: string): T {
  const fail = unavailable(what);
  const out: Record<string | symbol, unknown> = {};
  for (const key of new Set([...Object.keys(target), ...Object.getOwnPropertyNames(Object.getPrototypeOf(target))])) {
    const value = (target as unknown as Record<string, unknown>)[key];
    if (key === 'constructor' || typeof value !== 'function') {
      out[key] = value;
      continue;
    }
    out[key] = (...args: unknown[]) => {
      try {
        return Promise.resolve(value.apply(target, args)).catch(fail);
      } catch (err) {
        return Promise.reject(err).catch(fail);
      }
    };
  }
  return out as T;
}
