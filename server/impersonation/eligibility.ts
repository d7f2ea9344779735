import type { Request } from 'express';
import { ELIGIBILITY_MESSAGES } from '../../shared/index.js';
import { andThen, type Maybe } from './maybe.js';
import type { ResolvedOptions } from './options.js';
import type { DirectoryUser, EligibilityInput, TargetRefusalCode, TargetRule } from './types.js';

/**
 * One permission function per policy (as django-hijack does), composed by the two below. Both
 * answer synchronously unless a host callback is asynchronous: they run on every acting request.
 */

const holds = (user: DirectoryUser, permission: string) => user.permissions?.includes(permission) ?? false;
const rank = (user: DirectoryUser) => user.privilege ?? 0;

const isTargetCode = (r: unknown): r is TargetRefusalCode => typeof r === 'string' && r.startsWith('TARGET_') && r in ELIGIBILITY_MESSAGES;

/** The host's target rules in order; the first refusal decides (an unknown answer refuses: fail closed). */
function ruleRefusal(rules: TargetRule[], input: EligibilityInput, i = 0): Maybe<TargetRefusalCode | null> {
  if (i >= rules.length) return null;
  return andThen(rules[i](input), (r) => (r === true ? ruleRefusal(rules, input, i + 1) : isTargetCode(r) ? r : 'TARGET_REFUSED'));
}

/** W1: may this user work on behalf of anyone? Re-checked on every request while acting. */
export function actorRefusal(o: ResolvedOptions, actor: DirectoryUser | undefined, req: Request): Maybe<'NOT_ALLOWED' | null> {
  if (!actor || !actor.active || !holds(actor, o.permission)) return 'NOT_ALLOWED';
  if (!o.canImpersonate) return null;
  return andThen(o.canImpersonate(actor, req), (ok) => (ok ? null : 'NOT_ALLOWED'));
}

/**
 * W3, W5, then the host's rules (W4 among them, from the OKR model): may `actor` work on behalf
 * of `target`? Re-checked on every request while acting, so a target deactivated or promoted
 * mid-session ends it.
 */
export function targetRefusal(o: ResolvedOptions, actor: DirectoryUser, target: DirectoryUser, req: Request): Maybe<TargetRefusalCode | null> {
  if (String(target.id) === String(actor.id)) return 'TARGET_SELF';
  if (!target.active) return 'TARGET_INACTIVE';
  // Anyone who may impersonate or audit is protected, whatever their rank (Keycloak CVE-2026-17526 class),
  // and so is anyone ranked at or above the actor.
  if (holds(target, o.permission) || holds(target, o.auditPermission)) return 'TARGET_PRIVILEGED';
  if (rank(target) > 0 && rank(target) >= rank(actor)) return 'TARGET_PRIVILEGED';
  return o.canBeImpersonated.length ? ruleRefusal(o.canBeImpersonated, { actor, target, req }) : null;
}
