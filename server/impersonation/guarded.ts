import { OnBehalfError } from './errors.js';
import type { ImpersonationStore, UserDirectory } from './types.js';

/**
 * The store and the directory, with every failure turned into 503 STORE_UNAVAILABLE: a backend
 * that can't answer means nobody is served, never a 500 and never the wrong user.
 */
export function guarded<T extends ImpersonationStore | UserDirectory>(target: T, what: string): T {
  return new Proxy(target, {
    get(obj, prop, receiver) {
      const value = Reflect.get(obj, prop, receiver);
      if (typeof value !== 'function') return value;
      return async (...args: unknown[]) => {
        try {
          return await value.apply(obj, args);
        } catch (err) {
          if (err instanceof OnBehalfError) throw err;
          throw new OnBehalfError('STORE_UNAVAILABLE', `The ${what} is unavailable; try again shortly.`);
        }
      };
    },
  });
}
