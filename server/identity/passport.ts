import { optionError } from '../../shared/index.js';
import type { Request } from 'express';
import type { DirectoryUser, IdentityAdapter, UserId } from './types.js';

type Done<T> = (err: unknown, value?: T) => void;
/** The part of a passport `Authenticator` this adapter uses (passport ≥ 0.6). */
export interface PassportLike {
  serializeUser(user: unknown, req: Request, done: Done<unknown>): void;
  deserializeUser(serialized: unknown, req: Request, done: Done<unknown>): void;
}

/** Options of {@link passportIdentity}. */
export interface PassportIdentityOptions {
  /**
   * The host's own user record for an id (what its LocalStrategy's verify callback hands to
   * passport). Needed when `serializeUser` stores an object rather than the id; onbehalf then
   * runs it through the host's `serializeUser` and `deserializeUser`, as a real sign-in would.
   * Default: the id goes straight to the host's `deserializeUser`.
   */
  user?: (id: UserId, req: Request) => unknown | Promise<unknown>;
  /** The user id in `req.user` (or what `serializeUser` stored). Default its `id`, or the value itself. */
  id?: (user: unknown) => UserId | null | undefined;
}

const defaultId = (u: unknown): UserId | undefined => {
  if (typeof u === 'string' || typeof u === 'number') return u;
  const id = (u as { id?: unknown } | null | undefined)?.id;
  return typeof id === 'string' || typeof id === 'number' ? id : undefined;
};

const call = <T>(fn: (done: Done<T>) => void) =>
  new Promise<T>((resolve, reject) => fn((err, value) => (err ? reject(err instanceof Error ? err : new Error(String(err))) : resolve(value as T))));

type Passported = Request & { user?: unknown; session: { passport?: { user?: unknown } } };

/**
 * Passport's session sign-in. Mount onbehalf after `passport.session()` (or
 * `passport.authenticate('session')`). While acting, `req.user` is the subject's own user object
 * as the host's `deserializeUser` gives it, and `req.isAuthenticated()` stays true; `req.login`
 * or `req.logout` while acting ends the impersonation first.
 */
export function passportIdentity(passport: PassportLike, options: PassportIdentityOptions = {}): IdentityAdapter {
  if (!passport || typeof passport.deserializeUser !== 'function' || typeof passport.serializeUser !== 'function') {
    throw optionError('passportIdentity(passport): pass the passport instance your app uses (`import passport from "passport"`).');
  }
  const idOf = options.id ?? defaultId;
  const stored = (req: Request) => (req as Passported).session?.passport?.user;
  return {
    name: 'passportIdentity',
    sessionKeys: ['passport'],
    read(req) {
      const user = (req as Passported).user;
      // On the start check there is no req.user yet: what passport.session() would read next time.
      return idOf(user ?? stored(req)) ?? undefined;
    },
    misconfigured(req) {
      const s = stored(req);
      if (s !== undefined && (req as Passported).user === undefined && typeof (req as { isAuthenticated?: unknown }).isAuthenticated !== 'function') {
        return 'passport has not read the session before onbehalf: mount onBehalf() after passport.session() (docs/recipes.md#passport).';
      }
      if (s !== null && typeof s === 'object' && !options.user) {
        return 'your serializeUser stores an object: pass passportIdentity(passport, { user: (id) => <your user record> }) (docs/recipes.md#passport).';
      }
      return undefined;
    },
    async present(req: Request, subject: DirectoryUser) {
      let serialized: unknown = subject.id;
      if (options.user) {
        const own = await options.user(subject.id, req);
        serialized = await call<unknown>((done) => passport.serializeUser(own, req, done));
      }
      const user = await call<unknown>((done) => passport.deserializeUser(serialized, req, done));
      if (!user) throw new Error(`passport's deserializeUser found no user ${String(subject.id)}`);
      (req as Passported).user = user;
    },
  };
}
