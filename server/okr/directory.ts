import { OkrError, type Okr, type Org, type Team, type Tenant, type User } from './types.js';

/**
 * The facts the model decides on. The host implements it over its own storage, or fills
 * {@link memoryDirectory}. Synchronous on purpose: a permission check is a few lookups and
 * must not wait on I/O (load what a request needs first, or keep a memory directory in sync).
 * Lookups return undefined for unknown ids; the model turns that into a typed `OkrError`.
 * The `is*` questions are asked per check: answer them from indexes.
 */
export interface OkrDirectory {
  readonly tenant: Tenant;
  user(id: string): User | undefined;
  org(id: string): Org | undefined;
  team(id: string): Team | undefined;
  okr(id: string): Okr | undefined;
  /** Whether the user is an owner or member of the org. */
  isOrgMember(orgId: string, userId: string): boolean;
  /** Whether the user is an owner or member of the team. */
  isTeamMember(teamId: string, userId: string): boolean;
  /** Whether the user owns the team. */
  isTeamOwner(teamId: string, userId: string): boolean;
  /** Whether the user owns at least one team of the org. */
  ownsTeamIn(orgId: string, userId: string): boolean;
  /** Whether the user is one of the OKR's owners (false for an unknown OKR). */
  isOkrOwner(okrId: string, userId: string): boolean;
  /** Whether `managerId` is the direct manager of `userId`. */
  isManagerOf(managerId: string, userId: string): boolean;
  /**
   * Optional: whether `record` is the OKR object this directory stores (not a copy), so that
   * `can(user, action, record)` may decide on it without looking its id up. Must be false for
   * anything else. Omit it and the model checks `okr(record.id) === record` (no faster than an id).
   */
  isStoredOkr?(record: object): boolean;
  /**
   * Optional index: false when no OKR up `okr`'s `objectiveId` chain is private, which lets the
   * model skip walking up on most key-result checks. Omit it and the model always walks.
   */
  underPrivate?(okr: Okr): boolean;
  /**
   * OKRs naming the user as owner, delegate, check-in owner or on the private list
   * (what `hasPrivateObjectives` scans). May be slow; it is not on the `can()` path.
   */
  okrsNaming(userId: string): Iterable<Okr>;
  /**
   * Optional: a number that changes on every write. The model then keeps answers that scan
   * (`hasPrivateObjectives`, asked on every request while acting) until it changes. Omit it
   * and every question is answered afresh.
   */
  readonly version?: number;
}

/** What {@link memoryDirectory} is filled with: plain objects, kept by reference. */
export interface DirectoryData {
  tenant: Tenant;
  users: User[];
  orgs: Org[];
  teams?: Team[];
  okrs?: Okr[];
}

type Patch<T> = Partial<Omit<T, 'id'>>;

/** The in-memory directory, with the writes a host or demo needs (each keeps the indexes right). */
export interface MemoryDirectory extends OkrDirectory {
  addUser(user: User): User;
  /**
   * Add a team. Without its own `teamCreate` it takes its parent's current setting (P3: a new
   * sub-team inherits its parent's), so later changes to the parent don't change it.
   */
  addTeam(team: Team): Team;
  addOkr(okr: Okr): Okr;
  /**
   * Replace fields of a stored object (validated, indexes updated); returns the stored object.
   * OKRs are updated in place; users, orgs and teams are replaced by a new object.
   */
  updateUser(id: string, patch: Patch<User>): User;
  updateOrg(id: string, patch: Patch<Org>): Org;
  updateTeam(id: string, patch: Patch<Omit<Team, 'orgId'>>): Team;
  updateOkr(id: string, patch: Patch<Omit<Okr, 'orgId'>>): Okr;
  /** Counts, for benchmarks and logs. */
  readonly size: { users: number; orgs: number; teams: number; okrs: number };
}

const NONE: readonly string[] = [];

/**
 * key → set of values. `has` remembers its last key's set and its last answer: the checks of a
 * page ask about one user (and mostly one org, team or objective) over and over, and the big
 * maps behind them cost cache misses. Every write forgets both.
 */
class Index {
  private readonly map = new Map<string, Set<string>>();
  private lastKey: string | undefined = undefined;
  private lastSet: Set<string> | undefined = undefined;
  private lastValue: string | undefined = undefined;
  private lastAnswer = false;
  add(key: string, value: string) {
    this.forget();
    const set = this.map.get(key);
    if (set) set.add(value);
    else this.map.set(key, new Set([value]));
  }
  delete(key: string, value: string) {
    this.forget();
    this.map.get(key)?.delete(value);
  }
  has(key: string, value: string) {
    if (key !== this.lastKey) {
      this.lastKey = key;
      this.lastSet = this.map.get(key);
    } else if (value === this.lastValue) return this.lastAnswer;
    const set = this.lastSet;
    this.lastValue = value;
    return (this.lastAnswer = set !== undefined && set.has(value));
  }
  values(key: string): Iterable<string> {
    return this.map.get(key) ?? NONE;
  }
  private forget() {
    this.lastKey = undefined;
    this.lastSet = undefined;
    this.lastValue = undefined;
    this.lastAnswer = false;
  }
}

/** Replace a stored record; when the new one is refused, put the old one back so nothing changed. */
function replaced<T>(old: T, next: T, drop: (record: T) => unknown, put: (record: T) => T): T {
  drop(old);
  try {
    return put(next);
  } catch (e) {
    put(old);
    throw e;
  }
}

/**
 * An in-memory {@link OkrDirectory}. Objects are kept by reference and must not be edited in
 * place: change them with `update*` (e.g. `updateOkr('o1', { status: 'closed' })`), which
 * validates and keeps the indexes right. (Freezing them would guard this but halves the speed
 * of property reads in V8.)
 * Indexes are keyed by user (teams owned, OKRs owned, direct reports, orgs) so that the checks
 * of one user stay in cache. Every reference is checked on load and on write; a dangling id
 * throws `OkrError('INVALID_DATA')`.
 */
export function memoryDirectory(data: DirectoryData): MemoryDirectory {
  const users = new Map<string, User>();
  const orgs = new Map<string, Org>();
  const teams = new Map<string, Team>();
  const okrs = new Map<string, Okr>();
  // `isStoredOkr`: stored plain OKR objects get this empty prototype (it inherits
  // Object.prototype and has `constructor: Object`, so JSON, spread and equality are as before).
  // Checking it costs nothing (the record is being read anyway), adds no memory and no visible
  // property, and a copy or an object parsed from a request never has it. (A WeakSet of the
  // records cost a cache miss per check; a brand property made every OKR object ~400 bytes
  // larger.) Objects it can't be set on (frozen, class instances, already stamped by another
  // directory) fall back to the id lookup.
  const stamp: object = Object.create(Object.prototype, { constructor: { value: Object, writable: true, configurable: true } });
  const orgMembers = new Index(); // org → users
  const teamMembers = new Index(); // team → users
  const teamsOwned = new Index(); // user → teams
  const teamOwnerOrgs = new Map<string, Map<string, number>>(); // org → user → teams owned
  const okrsOwned = new Index(); // user → OKRs
  const reports = new Index(); // manager → direct reports
  let naming: Map<string, Set<Okr>> | undefined;
  /** Bumped by every put: each write (and each restore of a refused one) goes through one. */
  let version = 0;

  const invalid = (id: string, what: string): never => {
    throw new OkrError('INVALID_DATA', `${id}: ${what}`, id);
  };
  const checkUsers = (owner: string, ids: readonly string[] | undefined, field: string) => {
    if (ids !== undefined && !Array.isArray(ids)) invalid(owner, `${field} must be an array`);
    for (const u of ids ?? NONE) if (!users.has(u)) invalid(owner, `${field} names unknown user ${u}`);
  };
  const fresh = (id: string, map: Map<string, unknown>) => {
    if (typeof id !== 'string' || id === '') invalid(String(id), 'id must be a non-empty string');
    if (map.has(id)) invalid(id, 'duplicate id');
  };
  const find = <T>(map: Map<string, T>, id: string): T => map.get(id) ?? invalid(id, 'unknown id');

  // Users ------------------------------------------------------------------------------------
  const putUser = (user: User) => {
    if (user.managerId !== undefined) {
      if (user.managerId === user.id || !users.has(user.managerId)) invalid(user.id, `bad manager ${user.managerId}`);
      reports.add(user.managerId, user.id);
    }
    users.set(user.id, user);
    version++;
    return user;
  };

  // Orgs -------------------------------------------------------------------------------------
  const putOrg = (org: Org) => {
    checkUsers(org.id, org.owners, 'owners');
    checkUsers(org.id, org.members, 'members');
    for (const u of [...org.owners, ...org.members]) orgMembers.add(org.id, u);
    orgs.set(org.id, org);
    if (!teamOwnerOrgs.has(org.id)) teamOwnerOrgs.set(org.id, new Map());
    version++;
    return org;
  };
  const dropOrg = (org: Org) => {
    for (const u of [...org.owners, ...org.members]) orgMembers.delete(org.id, u);
  };

  // Teams ------------------------------------------------------------------------------------
  const putTeam = (team: Team) => {
    if (!orgs.has(team.orgId)) invalid(team.id, `unknown org ${team.orgId}`);
    if (team.parentId !== undefined) {
      const parent = teams.get(team.parentId) ?? invalid(team.id, `unknown parent team ${team.parentId}`);
      if (parent.orgId !== team.orgId) invalid(team.id, 'parent team is in another org');
    }
    checkUsers(team.id, team.owners, 'owners');
    checkUsers(team.id, team.members, 'members');
    for (const u of [...team.owners, ...team.members]) teamMembers.add(team.id, u);
    const perUser = teamOwnerOrgs.get(team.orgId)!;
    for (const u of team.owners) {
      teamsOwned.add(u, team.id);
      perUser.set(u, (perUser.get(u) ?? 0) + 1);
    }
    teams.set(team.id, team);
    version++;
    return team;
  };
  const dropTeam = (team: Team) => {
    for (const u of [...team.owners, ...team.members]) teamMembers.delete(team.id, u);
    const perUser = teamOwnerOrgs.get(team.orgId)!;
    for (const u of team.owners) {
      teamsOwned.delete(u, team.id);
      const n = (perUser.get(u) ?? 1) - 1;
      if (n > 0) perUser.set(u, n);
      else perUser.delete(u);
    }
  };

  // OKRs -------------------------------------------------------------------------------------
  const named = (okr: Okr) => new Set([...okr.owners, ...(okr.delegates ?? NONE), ...(okr.checkInOwners ?? NONE), ...(okr.privateTo ?? NONE)]);
  const indexNaming = (okr: Okr, add: boolean) => {
    if (!naming) return;
    for (const u of named(okr)) {
      let set = naming.get(u);
      if (!set) naming.set(u, (set = new Set()));
      if (add) set.add(okr);
      else set.delete(okr);
    }
  };
  const checkOkr = (okr: Okr) => {
    if (!orgs.has(okr.orgId)) invalid(okr.id, `unknown org ${okr.orgId}`);
    if (okr.level === 'team') {
      const team = (okr.teamId !== undefined && teams.get(okr.teamId)) || invalid(okr.id, 'a team-level OKR needs a known teamId');
      if (team.orgId !== okr.orgId) invalid(okr.id, 'its team is in another org');
    } else if (okr.level !== 'org' && okr.level !== 'individual') invalid(okr.id, `unknown level ${String(okr.level)}`);
    else if (okr.teamId !== undefined) invalid(okr.id, `an ${okr.level}-level OKR can't have a teamId`);
    if (okr.status !== 'open' && okr.status !== 'closed') invalid(okr.id, `unknown status ${String(okr.status)}`);
    if (!Array.isArray(okr.owners)) invalid(okr.id, 'owners must be an array');
    checkUsers(okr.id, okr.owners, 'owners');
    checkUsers(okr.id, [okr.creatorId], 'creatorId');
    checkUsers(okr.id, okr.delegates, 'delegates');
    checkUsers(okr.id, okr.checkInOwners, 'checkInOwners');
    checkUsers(okr.id, okr.editors, 'editors');
    checkUsers(okr.id, okr.alignGrants, 'alignGrants');
    checkUsers(okr.id, okr.privateTo, 'privateTo');
  };
  const checkParents = (okr: Okr) => {
    if (okr.objectiveId !== undefined && !okrs.has(okr.objectiveId)) invalid(okr.id, `unknown objectiveId ${okr.objectiveId}`);
    for (const p of okr.alignedTo ?? NONE) if (!okrs.has(p)) invalid(okr.id, `aligned to unknown OKR ${p}`);
  };
  // P10: ids of OKRs that are private or under a private one (through `objectiveId`). Asked
  // with the parent's id, so a page of key results of one objective hits the same entry.
  const children = new Index(); // objectiveId → OKR ids
  const shielding = new Set<string>();
  // The last objective asked about (a page holds its key results in a row); `cover` forgets it.
  let lastParent: string | undefined;
  let lastShielded = false;
  const shielded = (objectiveId: string) => {
    if (objectiveId !== lastParent) {
      lastParent = objectiveId;
      lastShielded = shielding.has(objectiveId);
    }
    return lastShielded;
  };
  const cover = (okr: Okr, seen: Set<string>) => {
    if (seen.has(okr.id)) return;
    seen.add(okr.id);
    lastParent = undefined;
    if (okr.private === true || (okr.objectiveId !== undefined && shielding.has(okr.objectiveId))) shielding.add(okr.id);
    else shielding.delete(okr.id);
    for (const child of children.values(okr.id)) cover(okrs.get(child)!, seen);
  };
  /** Refuse an `objectiveId` that would make the OKR its own ancestor. */
  const checkNoCycle = (okr: Okr) => {
    for (let id = okr.objectiveId, depth = 0; id !== undefined; id = okrs.get(id)?.objectiveId) {
      if (id === okr.id || ++depth > 64) invalid(okr.id, 'objectiveId makes a cycle (or a chain deeper than 64)');
    }
  };
  const putOkr = (okr: Okr) => {
    if (okr.objectiveId !== undefined) children.add(okr.objectiveId, okr.id);
    for (const u of okr.owners) okrsOwned.add(u, okr.id);
    okrs.set(okr.id, okr);
    if (Object.getPrototypeOf(okr) === Object.prototype) Reflect.setPrototypeOf(okr, stamp);
    indexNaming(okr, true);
    version++;
    return okr;
  };
  const dropOkr = (okr: Okr) => {
    if (okr.objectiveId !== undefined) children.delete(okr.objectiveId, okr.id);
    for (const u of okr.owners) okrsOwned.delete(u, okr.id);
    indexNaming(okr, false);
  };

  // Load -------------------------------------------------------------------------------------
  if (!data?.tenant || !Array.isArray(data.tenant.admins)) invalid('tenant', 'a tenant with admins[] is required');
  for (const u of data.users) {
    fresh(u.id, users);
    users.set(u.id, u);
  }
  for (const u of data.users) putUser(u); // managers may come after their reports
  checkUsers('tenant', data.tenant.admins, 'admins');
  for (const o of data.orgs) {
    fresh(o.id, orgs);
    putOrg(o);
  }
  for (const t of data.teams ?? []) {
    fresh(t.id, teams);
    putTeam(t);
  }
  for (const o of data.okrs ?? []) {
    fresh(o.id, okrs);
    checkOkr(o);
    putOkr(o);
  }
  for (const o of okrs.values()) {
    checkParents(o); // parents may come after their children
    checkNoCycle(o);
  }
  for (const o of okrs.values()) if (o.objectiveId === undefined) cover(o, new Set());

  return {
    tenant: data.tenant,
    user: (id) => users.get(id),
    org: (id) => orgs.get(id),
    team: (id) => teams.get(id),
    okr: (id) => okrs.get(id),
    isStoredOkr: (record) => Object.getPrototypeOf(record) === stamp || okrs.get((record as Okr).id) === record,
    isOrgMember: (orgId, userId) => orgMembers.has(orgId, userId),
    isTeamMember: (teamId, userId) => teamMembers.has(teamId, userId),
    isTeamOwner: (teamId, userId) => teamsOwned.has(userId, teamId),
    ownsTeamIn: (orgId, userId) => teamOwnerOrgs.get(orgId)?.has(userId) === true,
    isOkrOwner: (okrId, userId) => okrsOwned.has(userId, okrId),
    isManagerOf: (managerId, userId) => reports.has(managerId, userId),
    underPrivate: (okr) => okr.objectiveId !== undefined && shielded(okr.objectiveId),
    okrsNaming(userId) {
      if (!naming) {
        naming = new Map();
        for (const o of okrs.values()) indexNaming(o, true);
      }
      return naming.get(userId) ?? [];
    },
    addUser(user) {
      fresh(user.id, users);
      return putUser(user);
    },
    addTeam(team) {
      fresh(team.id, teams);
      const parent = team.parentId === undefined ? undefined : teams.get(team.parentId);
      return putTeam(!team.teamCreate && parent?.teamCreate ? { ...team, teamCreate: parent.teamCreate } : team);
    },
    addOkr(okr) {
      fresh(okr.id, okrs);
      checkOkr(okr);
      checkParents(okr);
      checkNoCycle(okr);
      putOkr(okr);
      cover(okr, new Set());
      return okr;
    },
    updateUser(id, patch) {
      const old = find(users, id);
      const next = { ...old, ...patch, id };
      return replaced(old, next, (u) => u.managerId !== undefined && reports.delete(u.managerId, id), putUser);
    },
    updateOrg(id, patch) {
      const old = find(orgs, id);
      return replaced(old, { ...old, ...patch, id }, dropOrg, putOrg);
    },
    updateTeam(id, patch) {
      const old = find(teams, id);
      return replaced(old, { ...old, ...patch, id, orgId: old.orgId }, dropTeam, putTeam);
    },
    updateOkr(id, patch) {
      const old = find(okrs, id);
      const fixed = { id, orgId: old.orgId };
      const next = { ...old, ...patch, ...fixed };
      checkOkr(next);
      checkParents(next);
      checkNoCycle(next);
      dropOkr(old);
      Object.assign(old, patch, fixed);
      putOkr(old);
      cover(old, new Set());
      return old;
    },
    get version() {
      return version;
    },
    get size() {
      return { users: users.size, orgs: orgs.size, teams: teams.size, okrs: okrs.size };
    },
  };
}
