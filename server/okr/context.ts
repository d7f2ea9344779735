import type { OkrDirectory } from './directory.js';
import { privacyRoot } from './privacy.js';
import {
  DEFAULT_ORG_POLICIES, OkrError,
  type CreateTarget, type Okr, type OkrSettings, type Org, type OrgPolicyAction, type PolicyRule, type Team, type User,
} from './types.js';

/** The directory and the resolved settings a model was built with. */
export interface Env {
  dir: OkrDirectory;
  settings: Required<OkrSettings>;
}

/** The facts an OKR action is decided on. */
export interface OkrCtx {
  env: Env;
  user: User;
  okr: Okr;
  org: Org;
  /**
   * The private OKR whose privacy covers this one (itself or its objective), `null` when
   * public; `undefined` until first needed (most denials never need it). Read it through
   * {@link privateRootOf}.
   */
  privateRoot: Okr | null | undefined;
}

/** The facts a create or org policy action is decided on. */
export interface ScopeCtx {
  env: Env;
  user: User;
  org: Org;
  /** For team-level creation. */
  team: Team | undefined;
  /** The effective who-rule: org `orgCreate`, team `teamCreate`, or the org policy. */
  rule: PolicyRule<string>;
}

export function userOf(env: Env, userId: string): User {
  const user = env.dir.user(userId);
  if (user === undefined) throw new OkrError('UNKNOWN_USER', `Unknown user ${String(userId)}`, userId);
  return user;
}

function orgOf(env: Env, orgId: string): Org {
  const org = env.dir.org(orgId);
  if (org === undefined) throw new OkrError('UNKNOWN_ORG', `Unknown org ${String(orgId)}`, orgId);
  return org;
}

export function teamOf(env: Env, teamId: string): Team {
  const team = env.dir.team(teamId);
  if (team === undefined) throw new OkrError('UNKNOWN_TEAM', `Unknown team ${String(teamId)}`, teamId);
  return team;
}

/**
 * The facts for an OKR action. The target is the OKR's id, or the OKR record itself when it is
 * the directory's own stored object (hosts rendering a page hold them; it skips the id lookup,
 * which on a large directory is most of a check's cost). Any other object — a copy, or one
 * built from a request — is refused as `INVALID_TARGET`: decisions are made on stored facts only.
 */
export function okrCtx(env: Env, userId: string, action: string, target: unknown): OkrCtx {
  let okr: Okr | undefined;
  if (typeof target !== 'string') {
    if (target === null || typeof target !== 'object' || !isStoredOkr(env.dir, target)) {
      throw new OkrError('INVALID_TARGET', `${action} needs an OKR id or an OKR record from the directory`);
    }
    okr = target;
  }
  const user = userOf(env, userId);
  if (okr === undefined) {
    okr = env.dir.okr(target as string);
    if (okr === undefined) throw new OkrError('UNKNOWN_OKR', `Unknown OKR ${String(target)}`, target as string);
  }
  return { env, user, okr, org: orgOf(env, okr.orgId), privateRoot: undefined };
}

function isStoredOkr(dir: OkrDirectory, record: object): record is Okr {
  if (dir.isStoredOkr !== undefined) return dir.isStoredOkr(record);
  const id = (record as { id?: unknown }).id;
  return typeof id === 'string' && dir.okr(id) === record;
}

/** P3: the team's own setting, else its nearest ancestor's, else the model default. */
export function teamCreateRule(env: Env, team: Team): PolicyRule<string> {
  for (let t: Team | undefined = team, depth = 0; t !== undefined && depth < 64; depth++) {
    if (t.teamCreate !== undefined) return t.teamCreate;
    t = t.parentId === undefined ? undefined : env.dir.team(t.parentId);
  }
  return env.settings.teamCreate;
}

export function createCtx(env: Env, user: User, target: CreateTarget): ScopeCtx {
  const id = target !== null && typeof target === 'object' ? (target.level === 'team' ? target.teamId : target.orgId) : undefined;
  if (typeof id !== 'string') throw new OkrError('INVALID_TARGET', 'create needs { level, orgId } or { level: \'team\', teamId }');
  switch (target.level) {
    case 'team': {
      const team = teamOf(env, target.teamId);
      return { env, user, org: orgOf(env, team.orgId), team, rule: teamCreateRule(env, team) };
    }
    case 'org': {
      const org = orgOf(env, target.orgId);
      return { env, user, org, team: undefined, rule: org.orgCreate ?? env.settings.orgCreate };
    }
    case 'individual':
      return { env, user, org: orgOf(env, target.orgId), team: undefined, rule: { who: 'members' } };
    default:
      throw new OkrError('INVALID_TARGET', `Unknown create level ${String((target as { level?: unknown }).level)}`);
  }
}

export function orgPolicyCtx(env: Env, user: User, action: OrgPolicyAction, orgId: string): ScopeCtx {
  const org = orgOf(env, orgId);
  return { env, user, org, team: undefined, rule: org.policies?.[action] ?? DEFAULT_ORG_POLICIES[action] };
}

/** P10: the private OKR covering the context's OKR, or null (computed once per check). */
export function privateRootOf(c: OkrCtx): Okr | null {
  if (c.privateRoot === undefined) c.privateRoot = privacyRoot(c.env.dir, c.okr) ?? null;
  return c.privateRoot;
}
