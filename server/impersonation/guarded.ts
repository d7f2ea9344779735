import { OnBehalfError } from '../http/index.js';
import { isThenable } from './maybe.js';
import { andThen } from './maybe.js';
import type { DirectoryUser, UserDirectory } from './types.js';

const isUser = (u: unknown): u is DirectoryUser => {
  const x = u as Partial<DirectoryUser> | null;
  return typeof x === 'object' && x !== null && (typeof x.id === 'string' || typeof x.id === 'number') && typeof x.name === 'string' && typeof x.active === 'boolean';
};
const notAUser = () => new OnBehalfError('STORE_UNAVAILABLE', 'The user directory returned something that is not a user ({ id, name, active }).');

/** A directory answer that is not a user is the directory failing, not a user to serve. */
function asUser(u: unknown): DirectoryUser | undefined {
  if (u === undefined || u === null) return undefined;
  if (isUser(u)) return u;
  throw notAUser();
}

/** A search answer that is not a list of users is the directory failing too. */
function asUsers(list: unknown): DirectoryUser[] {
  if (!Array.isArray(list)) throw new OnBehalfError('STORE_UNAVAILABLE', "The user directory's search returned something that is not a list of users.");
  if (!list.every(isUser)) throw notAUser();
  return list;
}

/** The directory, guarded, whose get() answers a user or undefined, and search() a list of users, and nothing else. */
export function guardedDirectory(users: UserDirectory): UserDirectory {
  const g = guarded(users, 'user directory');
  return { ...g, get: (id) => andThen(g.get(id), asUser), search: (q, limit) => andThen(g.search(q, limit), asUsers) };
}

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
