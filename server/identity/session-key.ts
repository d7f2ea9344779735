import { optionError } from '../../shared/index.js';
import type { Request } from 'express';
import type { DirectoryUser, IdentityAdapter, UserId } from './types.js';
import { presentSessionValue } from './session-view.js';

/** Options of {@link sessionKeyIdentity}. */
export interface SessionKeyIdentityOptions {
  /** The user id in what the key holds. Default: the value itself, or its `id` when it is an object. */
  id?: (value: unknown) => UserId | null | undefined;
  /** What the key holds for `user` while acting. Default: the subject's id. */
  value?: (user: DirectoryUser) => unknown;
}

const defaultId = (v: unknown): UserId | undefined => {
  if (typeof v === 'string' || typeof v === 'number') return v;
  const id = (v as { id?: unknown } | null | undefined)?.id;
  return typeof id === 'string' || typeof id === 'number' ? id : undefined;
};

/**
 * The host signs in by writing a key of express-session (`req.session.userId = user.id`). While
 * acting, reads of that key see the subject; the session store keeps the actor's value. A write
 * to the key while acting (signing someone in, or clearing it) ends the impersonation first.
 */
export function sessionKeyIdentity(key: string, options: SessionKeyIdentityOptions = {}): IdentityAdapter {
  if (typeof key !== 'string' || !key || key === 'cookie' || key === 'onbehalf') {
    throw optionError('sessionKeyIdentity(key): key must be the name of the session key your sign-in writes, e.g. "userId".');
  }
  const idOf = options.id ?? defaultId;
  const valueOf = options.value ?? ((u: DirectoryUser) => u.id);
  return {
    name: `sessionKeyIdentity('${key}')`,
    sessionKeys: [key],
    read: (req: Request) => idOf((req.session as unknown as Record<string, unknown> | undefined)?.[key]) ?? undefined,
    present(req, subject, ctx) {
      presentSessionValue(req, key, valueOf(subject), (written) => ctx.hostWrote(written == null ? 'logout' : 'relogin'));
    },
  };
}
