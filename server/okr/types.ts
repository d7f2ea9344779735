/**
 * The OKR permission model's data, settings, actions and rule codes (P1–P14 in docs/requirements.md, seed 001:
 * Viva Goals "Roles and permissions"). Pure data: no Express, no Node APIs, so the browser
 * extension can bundle this folder.
 *
 * Every id is a string the host chooses. Membership lists are plain arrays of user ids so a
 * demo dataset can be written by hand, e.g.
 *
 * ```ts
 * memoryDirectory({
 *   tenant: { id: 'contoso', admins: ['avery'] },
 *   users: [{ id: 'avery', name: 'Avery Admin', active: true },
 *           { id: 'ashley', name: 'Ashley', active: true, managerId: 'morgan' }, ...],
 *   orgs: [{ id: 'sales', name: 'Sales', owners: ['olivia'], members: ['ashley', 'morgan'] }],
 *   teams: [{ id: 'emea', orgId: 'sales', name: 'EMEA', owners: ['morgan'], members: ['ashley'] }],
 *   okrs: [{ id: 'o1', orgId: 'sales', kind: 'objective', level: 'team', teamId: 'emea',
 *            title: 'Grow EMEA', owners: ['ashley'], creatorId: 'ashley', status: 'open' }],
 * })
 * ```
 */

/** The tenant. Its administrators manage tenant policy, not OKR content (docs/requirements.md, roles). */
export interface Tenant {
  id: string;
  name?: string;
  /** Tenant administrators (Viva Goals Administrator). No OKR rights beyond a member's. */
  admins: string[];
}

/** A person. */
export interface User {
  id: string;
  name: string;
  email?: string;
  /** Inactive users can do nothing (rule `USER_INACTIVE`). */
  active: boolean;
  /** Their manager's user id (P5 `MANAGER_OF_OWNER`). */
  managerId?: string;
}

/**
 * Who may do an org policy action (P13), or create org-level OKRs (P2):
 * `members` everyone in the org, `team-owners` owners of any team of the org, `owners` org
 * owners only, `specific` the users listed. Org owners always may.
 */
export type OrgPolicy = 'members' | 'team-owners' | 'owners' | 'specific';

/** An org policy value with its user list (used when `who` is `specific`). */
export interface PolicyRule<W extends string = OrgPolicy> {
  who: W;
  /** Users allowed when `who` is `specific`. */
  users?: string[];
}

/** P2 org-level creation: `anyone` in the org, `team-owners`, or `specific` users. */
export type OrgCreate = 'anyone' | 'team-owners' | 'specific';
/** P3 team-level creation: the team's `members`, its `owners` only, or `specific` users. */
export type TeamCreate = 'members' | 'owners' | 'specific';

/** The org policies of P13. Defaults in {@link DEFAULT_ORG_POLICIES}. */
export interface OrgPolicies {
  'add-member': PolicyRule;
  'create-team': PolicyRule;
  'create-tag': PolicyRule;
  export: PolicyRule;
}

/** Defaults of P13, per seed 001 ("Organization owners manage members and teams"). */
export const DEFAULT_ORG_POLICIES: OrgPolicies = {
  'add-member': { who: 'owners' },
  'create-team': { who: 'owners' },
  'create-tag': { who: 'members' },
  export: { who: 'members' },
};

/** An organization. */
export interface Org {
  id: string;
  name: string;
  /** Org owners (several allowed). They are members too. */
  owners: string[];
  /** Org members besides the owners. */
  members: string[];
  /** P2 for this org; default: the model's `settings.orgCreate`. */
  orgCreate?: PolicyRule<OrgCreate>;
  /** P13 policies; each missing one takes its {@link DEFAULT_ORG_POLICIES} value. */
  policies?: Partial<OrgPolicies>;
}

/** A team of an org. */
export interface Team {
  id: string;
  orgId: string;
  name: string;
  /** Parent team, if any (same org). */
  parentId?: string;
  /** Team owners (several allowed). They are members too. */
  owners: string[];
  /** Team members besides the owners. */
  members: string[];
  /**
   * P3 for this team. When missing, the team has its parent's setting (a new sub-team inherits
   * its parent's), and a root team has the model's `settings.teamCreate`.
   */
  teamCreate?: PolicyRule<TeamCreate>;
}

export type OkrKind = 'objective' | 'key-result' | 'initiative';
export type OkrLevel = 'org' | 'team' | 'individual';
export type OkrStatus = 'open' | 'closed';

/** An objective, key result or initiative. Optional lists default to empty. */
export interface Okr {
  id: string;
  orgId: string;
  kind: OkrKind;
  /** `team` needs `teamId`; `org` and `individual` have none. */
  level: OkrLevel;
  teamId?: string;
  title: string;
  owners: string[];
  creatorId: string;
  /** For a key result or initiative: the objective (or key result) it belongs to. Privacy follows it. */
  objectiveId?: string;
  /** OKRs this one is aligned under (its parent OKRs, P5 `PARENT_OKR_OWNER`). */
  alignedTo?: string[];
  /** P7: may do everything edit allows except changing the owner. */
  delegates?: string[];
  /** P5: check-in owners granted by an owner. */
  checkInOwners?: string[];
  /** P6: users granted edit access by an owner. */
  editors?: string[];
  /** P8: when true only owners and `alignGrants` may align to this OKR. */
  alignRestricted?: boolean;
  alignGrants?: string[];
  /** P10: private OKRs are seen only by `privateTo`, owners and delegates. */
  private?: boolean;
  /** P10: users a private OKR is shared with. */
  privateTo?: string[];
  status: OkrStatus;
}

/** Model settings. All optional; defaults in {@link DEFAULT_SETTINGS}. */
export interface OkrSettings {
  /** P2 default for orgs without their own `orgCreate`. Default `{ who: 'anyone' }`. */
  orgCreate?: PolicyRule<OrgCreate>;
  /** P3 default for root teams without their own `teamCreate`. Default `{ who: 'members' }`. */
  teamCreate?: PolicyRule<TeamCreate>;
  /** P5 `MANAGER_OF_OWNER`: only the `direct` manager or anyone up the `chain`. Default `'direct'`. */
  managerScope?: 'direct' | 'chain';
}

export const DEFAULT_SETTINGS: Required<OkrSettings> = {
  orgCreate: { who: 'anyone' },
  teamCreate: { who: 'members' },
  managerScope: 'direct',
};

/** Actions whose target is one OKR (its id). */
export const OKR_ACTIONS = [
  'view', 'check-in', 'edit', 'delete', 'close', 'reopen', 'change-weights', 'change-owner',
  'align', 'clone', 'comment', 'share', 'like', 'follow',
] as const;
/** P13 org policy actions; target is an org id. */
export const ORG_POLICY_ACTIONS = ['add-member', 'create-team', 'create-tag', 'export'] as const;

export type OkrAction = (typeof OKR_ACTIONS)[number];
export type OrgPolicyAction = (typeof ORG_POLICY_ACTIONS)[number];
export type Action = OkrAction | OrgPolicyAction | 'create';
export const ACTIONS: readonly Action[] = [...OKR_ACTIONS, 'create', ...ORG_POLICY_ACTIONS];

/** Where a new OKR would go: P2 (`org`), P3 (`team`), P4 (`individual`). */
export type CreateTarget =
  | { level: 'org'; orgId: string }
  | { level: 'team'; teamId: string }
  | { level: 'individual'; orgId: string };

/**
 * The target each action takes: a {@link CreateTarget} for `create`, an org id for the org
 * policy actions, and for OKR actions the OKR's id or the OKR record the directory returned
 * (the same object, not a copy: anything else is refused as `INVALID_TARGET`).
 */
export type TargetOf<A extends Action> = A extends 'create' ? CreateTarget : A extends OkrAction ? string | Okr : string;

/** Rule codes: the paths that allow, and the reasons that deny. */
export const RULES = {
  // allowing paths
  ORG_MEMBER: 'member of the OKR\'s org',
  ORG_OWNER: 'org owner',
  TEAM_OWNER: 'owner of the OKR\'s team',
  TEAM_MEMBER: 'member of the team',
  TEAM_OWNER_IN_ORG: 'owner of a team of the org',
  SPECIFIC_USER: 'listed by the policy',
  OKR_OWNER: 'owner of the OKR',
  OKR_CREATOR: 'creator of the OKR',
  MANAGER_OF_OWNER: 'manager of an owner of the OKR',
  PARENT_OKR_OWNER: 'owner of the OKR it is aligned under',
  DELEGATE: 'delegate of the OKR',
  CHECKIN_GRANT: 'check-in owner granted by an owner',
  EDIT_GRANT: 'edit access granted by an owner',
  ALIGN_GRANT: 'alignment access granted by an owner',
  PRIVATE_LISTED: 'listed on the private OKR',
  // denying reasons
  USER_INACTIVE: 'the user is not active',
  NOT_ORG_MEMBER: 'not a member of the org',
  PRIVATE_NOT_LISTED: 'the OKR is private and the user is not listed, an owner or a delegate',
  OKR_CLOSED: 'the OKR is closed: reopen it first',
  OKR_NOT_CLOSED: 'the OKR is not closed',
  ALIGN_RESTRICTED: 'alignment to this OKR is restricted to granted users',
  NO_ACCESS: 'no rule gives this access',
  ORG_CREATE_RESTRICTED: 'the org restricts who may create org-level OKRs',
  TEAM_CREATE_RESTRICTED: 'the team restricts who may create its OKRs',
  ORG_POLICY_RESTRICTED: 'an org policy restricts this action to others',
} as const;
export type RuleCode = keyof typeof RULES;

/** One path `explain()` tried. */
export interface PathResult {
  rule: RuleCode;
  satisfied: boolean;
  /** What the user lacked for this path (absent when satisfied). */
  missing?: string;
}

/** Where a clone goes (P9): a team the user may create in, the org, or an individual OKR. */
export type CloneDestination =
  | { level: 'team'; teamId: string; orgId: string }
  | { level: 'org'; orgId: string }
  | { level: 'individual'; orgId: string };

/** Where the user wants a clone to go (`cloneDestination(userId, okr, { teamId })`, `explain(userId, 'clone', okr, { teamId })`). */
export interface CloneOptions {
  /**
   * The team the user picked: the clone goes there when they may create OKRs in it (P3), else it
   * is an individual OKR. Omitted: the automatic choice (the source's team, the org, or individual).
   * An unknown team throws `UNKNOWN_TEAM`.
   */
  teamId?: string;
}

/** The answer of `explain()`. */
export interface Explanation {
  allowed: boolean;
  /** The first satisfied path when allowed; the reason when denied. */
  decidedBy: RuleCode;
  /** Every path tried, in order, with what each lacked. */
  paths: PathResult[];
  /** For `clone` when allowed: where the clone goes (into the picked team, given `{ teamId }`). */
  clone?: CloneDestination;
}

export type OkrErrorCode =
  | 'UNKNOWN_USER' | 'UNKNOWN_OKR' | 'UNKNOWN_TEAM' | 'UNKNOWN_ORG'
  | 'UNKNOWN_ACTION' | 'INVALID_TARGET' | 'INVALID_DATA';

/** The model's only error: an unknown id, action or malformed target/data. */
export class OkrError extends Error {
  override readonly name = 'OkrError';
  constructor(readonly code: OkrErrorCode, message: string, readonly id?: string) {
    super(message);
  }
}
