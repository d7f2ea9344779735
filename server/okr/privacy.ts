import type { OkrDirectory } from './directory.js';
import type { Okr } from './types.js';

/**
 * P10: the private OKR whose privacy covers `okr` — itself when private, else the nearest
 * private objective (or key result) it belongs to through `objectiveId`. Key results and
 * initiatives of a private objective are private.
 */
export function privacyRoot(dir: OkrDirectory, okr: Okr): Okr | undefined {
  if (okr.private === true) return okr;
  if (okr.objectiveId === undefined || dir.underPrivate?.(okr) === false) return undefined;
  let o: Okr | undefined = okr;
  for (let depth = 0; o !== undefined && depth < 8; depth++) {
    if (o.private === true) return o;
    o = o.objectiveId === undefined ? undefined : dir.okr(o.objectiveId);
  }
  return undefined;
}

/** Whether `okr` itself names the user as owner, delegate or on its private list. */
function names(okr: Okr, userId: string): boolean {
  return okr.owners.includes(userId) || okr.delegates?.includes(userId) === true || okr.privateTo?.includes(userId) === true;
}

/**
 * P10: who sees a private OKR — the listed users, owners and delegates of the OKR itself or of
 * the private OKR covering it (so a key result's own owner sees their key result).
 */
export function seesPrivate(okr: Okr, root: Okr, userId: string): boolean {
  return names(okr, userId) || (root !== okr && names(root, userId));
}

/**
 * W4 eligibility (docs/requirements.md): a user "has private objectives" when any private OKR (or an OKR
 * under a private objective) names them as owner, delegate, check-in owner or listed user.
 * Read broadly on purpose: working on behalf of anyone who can see or check in on a private
 * OKR would show it to the admin, which P10 forbids even to org owners.
 */
export function hasPrivateObjectives(dir: OkrDirectory, userId: string): boolean {
  for (const okr of dir.okrsNaming(userId)) if (privacyRoot(dir, okr) !== undefined) return true;
  return false;
}
