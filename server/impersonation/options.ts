import { DEFAULT_REASON_RULES, isSafeLocalPath, optionError, setupMessage, type ReasonRules } from '../../shared/index.js';
import { checkIdentityAdapter, currentUserIdentity } from '../identity/custom.js';
import { signedInId } from '../identity/ids.js';
import { andThen } from './maybe.js';
import type { IdentityAdapter } from '../identity/types.js';
import { memoryStore } from './store/index.js';
import type { ImpersonationStore, OnBehalfOptions, TargetRule } from './types.js';

const MINUTE = 60_000;

/** Account security and the sign-in/authorisation endpoints of common identity providers (OAuth 2, OIDC, SAML). */
export const DEFAULT_BLOCKED_WHILE_ACTING = [
  '/account/password', '/account/mfa', '/account/tokens', '/account/email', '/account/security', '/account/api-keys',
  '/oauth', '/oauth2', '/openid', '/connect', '/saml', '/sso',
];

/** Where hosts sign in and out, as the common Express, passport and devise-style apps name it. */
export const DEFAULT_SIGN_IN_PATHS = ['/login', '/log-in', '/signin', '/sign-in', '/session', '/auth/login', '/auth/signin', '/users/sign_in'];
export const DEFAULT_SIGN_OUT_PATHS = ['/logout', '/log-out', '/signout', '/sign-out', '/logoff', '/auth/logout', '/auth/signout', '/users/sign_out'];

/** Options with every default filled in. */
export type ResolvedOptions = Required<
  Omit<OnBehalfOptions, 'canImpersonate' | 'canBeImpersonated' | 'stepUp' | 'on' | 'reason' | 'rateLimit' | 'subject' | 'identity' | 'currentUser' | 'tokens'>
> &
  Pick<OnBehalfOptions, 'canImpersonate' | 'stepUp' | 'on' | 'subject' | 'tokens'> & {
    /** The `canBeImpersonated` rules, as a list. */
    canBeImpersonated: TargetRule[];
    reason: ReasonRules;
    /** The `identity` option, or `currentUser` as a read-only adapter. */
    identity: IdentityAdapter;
    rateLimit: NonNullable<OnBehalfOptions['rateLimit']> & { limit: number; windowMs: number };
  };

/** Fill in defaults and refuse options that can't work (a developer error, thrown at start-up). */
export function resolveOptions(options: OnBehalfOptions): ResolvedOptions {
  if (!options || typeof options !== 'object') throw optionError('onBehalf(options): options are required.');
  if (!options.users || typeof options.users.get !== 'function' || typeof options.users.search !== 'function') {
    throw optionError('onBehalf: `users` must be a directory with get(id) and search(query, limit).');
  }
  // Ignoring these would silently drop W4's refusal for a host upgrading from a build that had them.
  for (const removed of ['okr', 'hasPrivateObjectives'] as const) {
    if (removed in options) {
      throw optionError(`onBehalf: the \`${removed}\` option is gone: plug the rule in as \`canBeImpersonated: [privateObjectivesRule(okr)]\` from "onbehalf/okr" (CHANGELOG.md).`);
    }
  }
  if (options.identity !== undefined && options.currentUser !== undefined) {
    throw optionError('onBehalf: pass `identity` or `currentUser`, not both (identity reads the sign-in itself).');
  }
  if (options.identity === undefined && typeof options.currentUser !== 'function') {
    throw optionError("onBehalf: `identity` is required: passportIdentity(passport), sessionKeyIdentity('userId'), or `currentUser(req)` (docs/recipes.md).");
  }
  const adapter = options.identity !== undefined ? checkIdentityAdapter(options.identity) : currentUserIdentity(options.currentUser!);
  // A read that answers an object (the whole user, say) must not become the user "[object Object]".
  const identity: IdentityAdapter = { ...adapter, read: (req) => andThen(adapter.read(req), (id) => signedInId(id, adapter.name)) };
  if (!options.audit || typeof options.audit.write !== 'function') {
    throw optionError('onBehalf: `audit` is required (fileAudit({ path }), memoryAudit() or a sink with write()).');
  }
  const reason = { ...DEFAULT_REASON_RULES, ...options.reason };
  if (!(reason.minLength >= 1 && reason.maxLength >= reason.minLength && reason.maxLength <= 5000)) {
    throw optionError('onBehalf: reason.minLength must be ≥ 1 and ≤ reason.maxLength (≤ 5000).');
  }
  const basePath = (options.basePath ?? '/onbehalf').replace(/\/+$/, '');
  for (const [name, path] of [['basePath', basePath], ['landingPath', options.landingPath ?? '/'], ['exitPath', options.exitPath ?? '/']] as const) {
    if (!isSafeLocalPath(path)) throw optionError(`onBehalf: ${name} must be a same-origin path starting with "/".`);
  }
  const positive = (name: string, v: number | undefined, d: number) => {
    const value = v ?? d;
    if (!(Number.isFinite(value) && value > 0)) throw optionError(`onBehalf: ${name} must be a positive number of milliseconds.`);
    return value;
  };
  const exitMode = options.exitMode ?? 'return';
  if (exitMode !== 'return' && exitMode !== 'logout') throw optionError("onBehalf: exitMode must be 'return' or 'logout'.");
  return {
    ...options,
    store: options.store ?? memoryStore(),
    canBeImpersonated: [options.canBeImpersonated ?? []].flat(),
    permission: options.permission ?? 'impersonate',
    auditPermission: options.auditPermission ?? 'audit:read',
    reason,
    maxDurationMs: positive('maxDurationMs', options.maxDurationMs, 30 * MINUTE),
    idleTimeoutMs: positive('idleTimeoutMs', options.idleTimeoutMs, 10 * MINUTE),
    exitMode,
    landingPath: options.landingPath ?? '/',
    exitPath: options.exitPath ?? '/',
    blockedWhileActing: options.blockedWhileActing ?? DEFAULT_BLOCKED_WHILE_ACTING,
    signInPaths: options.signInPaths ?? DEFAULT_SIGN_IN_PATHS,
    signOutPaths: options.signOutPaths ?? DEFAULT_SIGN_OUT_PATHS,
    basePath,
    identity,
    // Passport's key is carried whatever the adapter: a start must never sign a passport user out.
    authSessionKeys: [...new Set([...(options.authSessionKeys ?? ['userId']), ...(identity.sessionKeys ?? []), 'passport'])],
    trustedOrigins: options.trustedOrigins ?? [],
    rateLimit: { limit: 10, windowMs: MINUTE, ...options.rateLimit },
    sweepIntervalMs: options.sweepIntervalMs ?? 30_000,
    warn: options.warn ?? ((m: string) => console.warn(`[onbehalf] ${m}`)),
    now: options.now ?? Date.now,
  };
}

/** Misconfigurations worth a warning at start-up (like express-rate-limit's validations). */
export function startupWarnings(o: ResolvedOptions, env = process.env): string[] {
  const out: string[] = [];
  const store = o.store as ImpersonationStore & { kind?: string };
  if (env.NODE_ENV === 'production' && store.kind === 'memory') {
    out.push(setupMessage('MEMORY_STORE_IN_PRODUCTION', 'memoryStore() in production: impersonation state is per process and lost on restart; with several instances use redisStore().'));
  }
  return out;
}

/** The recipe a request shows the host should use, when its `identity` is not that one (checked once). */
export function identityHint(o: ResolvedOptions, req: import('express').Request): string | undefined {
  const usesPassport = (req.session as unknown as { passport?: unknown } | undefined)?.passport !== undefined || typeof (req as { isAuthenticated?: unknown }).isAuthenticated === 'function';
  if (usesPassport && (!o.identity.present || o.identity.name.startsWith('sessionKeyIdentity'))) {
    return setupMessage('IDENTITY_MISMATCH', `this app signs in with passport but onbehalf reads it through ${o.identity.name}: while acting req.user would still be the actor. Use identity: passportIdentity(passport) (docs/recipes.md#passport).`);
  }
  return undefined;
}
