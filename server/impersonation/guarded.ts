import { OnBehalfError } from './errors.js';
import { isThenable } from './maybe.js';

/**
 * A store or the directory, with every failure turned into 503 STORE_UNAVAILABLE: a backend
 * that can't answer means nobody is served, never a 500 and never the wrong user. Methods are
 * wrapped once, here, and a synchronous answer stays synchronous (this is on every request).
 */
export function guarded<T extends object>(target: T, what: string): T {
  const fail = (err: unknown): never => {
    if (err instanceof OnBehalfError) throw err;
    throw new OnBehalfError('STORE_UNAVAILABLE', `The ${what} is unavailable; try again shortly.`);
  };
  const out: Record<string, unknown> = {};
  for (const key of new Set([...Object.keys(target), ...Object.getOwnPropertyNames(Object.getPrototypeOf(target))])) {
    const value = (target as unknown as Record<string, unknown>)[key];
    if (key === 'constructor' || typeof value !== 'function') {
      out[key] = value;
      continue;
    }
    out[key] = (...args: unknown[]) => {
      let result: unknown;
      try {
        result = value.apply(target, args);
      } catch (err) {
        return fail(err);
      }
      return isThenable(result) ? result.catch(fail) : result;
    };
  }
  return out as T;
}
