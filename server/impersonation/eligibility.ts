import type { Request } from 'express';
import type { IneligibleCode } from '../../shared/index.js';
import { andThen, type Maybe } from './maybe.js';
import type { ResolvedOptions } from './options.js';
import type { DirectoryUser } from './types.js';

/**
 * One permission function per policy (as django-hijack does), composed by the two below. Both
 * answer synchronously unless a host callback is asynchronous: they run on every acting request.
 */

const holds = (user: DirectoryUser, permission: string) => user.permissions?.includes(permission) ?? false;
const rank = (user: DirectoryUser) => user.privilege ?? 0;

type TargetRefusal = Exclude<IneligibleCode, 'NOT_ALLOWED' | 'ALREADY_ACTING' | 'USER_NOT_FOUND'>;

/** W1: may this user work on behalf of anyone? Re-checked on every request while acting. */
export function actorRefusal(o: ResolvedOptions, actor: DirectoryUser | undefined, req: Request): Maybe<'NOT_ALLOWED' | null> {
  if (!actor || !actor.active || !holds(actor, o.permission)) return 'NOT_ALLOWED';
  if (!o.canImpersonate) return null;
  return andThen(o.canImpersonate(actor, req), (ok) => (ok ? null : 'NOT_ALLOWED'));
}

/**
 * W3–W5: may `actor` work on behalf of `target`? Re-checked on every request while acting, so a
 * target deactivated or promoted mid-session ends it.
 */
export function targetRefusal(o: ResolvedOptions, actor: DirectoryUser, target: DirectoryUser, req: Request): Maybe<TargetRefusal | null> {
  if (String(target.id) === String(actor.id)) return 'TARGET_SELF';
  if (!target.active) return 'TARGET_INACTIVE';
  // Anyone who may impersonate or audit is protected, whatever their rank (Keycloak CVE-2026-17526 class),
  // and so is anyone ranked at or above the actor.
  if (holds(target, o.permission) || holds(target, o.auditPermission)) return 'TARGET_PRIVILEGED';
  if (rank(target) > 0 && rank(target) >= rank(actor)) return 'TARGET_PRIVILEGED';
  const hostRule = (): Maybe<TargetRefusal | null> =>
    o.canBeImpersonated ? andThen(o.canBeImpersonated({ actor, target, req }), (ok) => (ok ? null : 'TARGET_REFUSED')) : null;
  if (!o.hasPrivateObjectives) return hostRule();
  return andThen(o.hasPrivateObjectives(target.id), (has) => (has ? 'TARGET_PRIVATE_OBJECTIVES' : hostRule()));
}
