import type { Request } from 'express';
import type { IneligibleCode } from '../../shared/index.js';
import type { ResolvedOptions } from './options.js';
import type { DirectoryUser } from './types.js';

/** One permission function per policy (as django-hijack does), composed by the two below. */

const holds = (user: DirectoryUser, permission: string) => user.permissions?.includes(permission) ?? false;
const rank = (user: DirectoryUser) => user.privilege ?? 0;

/** W1: may this user work on behalf of anyone? Re-checked on every request while acting. */
export async function actorRefusal(o: ResolvedOptions, actor: DirectoryUser | undefined, req: Request): Promise<'NOT_ALLOWED' | null> {
  if (!actor || !actor.active || !holds(actor, o.permission)) return 'NOT_ALLOWED';
  if (o.canImpersonate && !(await o.canImpersonate(actor, req))) return 'NOT_ALLOWED';
  return null;
}

/**
 * W3–W5: may `actor` work on behalf of `target`? Re-checked on every request while acting, so a
 * target deactivated or promoted mid-session ends it.
 */
export async function targetRefusal(
  o: ResolvedOptions,
  actor: DirectoryUser,
  target: DirectoryUser,
  req: Request,
): Promise<Exclude<IneligibleCode, 'NOT_ALLOWED' | 'ALREADY_ACTING' | 'USER_NOT_FOUND'> | null> {
  if (target.id === actor.id) return 'TARGET_SELF';
  if (!target.active) return 'TARGET_INACTIVE';
  // Anyone who may impersonate or audit is protected, whatever their rank (Keycloak CVE-2026-17526 class),
  // and so is anyone ranked at or above the actor.
  if (holds(target, o.permission) || holds(target, o.auditPermission)) return 'TARGET_PRIVILEGED';
  if (rank(target) > 0 && rank(target) >= rank(actor)) return 'TARGET_PRIVILEGED';
  if (o.hasPrivateObjectives && (await o.hasPrivateObjectives(target.id))) return 'TARGET_PRIVATE_OBJECTIVES';
  if (o.canBeImpersonated && !(await o.canBeImpersonated({ actor, target, req }))) return 'TARGET_REFUSED';
  return null;
}
