import type { Request } from 'express';
import { optionError } from '../../shared/index.js';
import type { IdentityAdapter, UserId } from './types.js';

/**
 * The `currentUser` option as an adapter: onbehalf reads who is signed in and presents nothing,
 * so the host reads the effective user at `req.onBehalf.userId`.
 */
export function currentUserIdentity(currentUser: (req: Request) => UserId | null | undefined | Promise<UserId | null | undefined>): IdentityAdapter {
  return { name: 'currentUser', read: currentUser };
}

/** A clear start-up error for an adapter of the wrong shape. */
export function checkIdentityAdapter(a: unknown): IdentityAdapter {
  const x = a as Partial<IdentityAdapter> | null | undefined;
  const problem =
    !x || typeof x !== 'object'
      ? 'must be an object'
      : typeof x.read !== 'function'
        ? 'needs read(req), returning the signed-in user id'
        : x.present !== undefined && typeof x.present !== 'function'
          ? 'present must be a function (req, subject, ctx)'
          : x.sessionKeys !== undefined && !(Array.isArray(x.sessionKeys) && x.sessionKeys.every((k) => typeof k === 'string'))
            ? 'sessionKeys must be an array of session key names'
            : x.misconfigured !== undefined && typeof x.misconfigured !== 'function'
              ? 'misconfigured must be a function'
              : undefined;
  if (problem) {
    throw optionError(`onBehalf: \`identity\` ${problem} (passportIdentity(passport), sessionKeyIdentity('userId') or your own: docs/recipes.md).`);
  }
  return { name: 'custom', ...x } as IdentityAdapter;
}
