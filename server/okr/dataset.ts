import type { DirectoryData } from './directory.js';
import type { Okr, OkrLevel, Org, Team, User } from './types.js';

/** Named sizes: `tiny` for tests, `large` (100 k users / 1 M OKRs) for benchmarks. */
export const DATASET_SIZES = {
  tiny: { users: 60, okrs: 400 },
  small: { users: 1_000, okrs: 10_000 },
  medium: { users: 10_000, okrs: 100_000 },
  large: { users: 100_000, okrs: 1_000_000 },
} as const;
export type DatasetSize = keyof typeof DATASET_SIZES;

export interface DatasetOptions {
  /** A named size or explicit counts. Default `'tiny'`. */
  size?: DatasetSize | { users: number; okrs: number };
  /** PRNG seed: the same seed gives the same data. Default 1. */
  seed?: number;
}

/** mulberry32: small, fast, good enough for test data (and the fuzz test's seeded requests). */
export function prng(seed: number) {
  let a = seed >>> 0;
  const next = () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  return {
    next,
    int: (n: number) => Math.floor(next() * n),
    chance: (p: number) => next() < p,
    pick: <T>(list: readonly T[]): T => list[Math.floor(next() * list.length)],
  };
}

const KRS_PER_OBJECTIVE = 3;
const TEAM_SIZE = 10;
const TEAM_FANOUT = 4;
const MANAGER_FANOUT = 6;

/**
 * A deterministic dataset: one tenant (`u0`, `u1` administrators), two orgs (`org-1` most users,
 * `org-2` a tenth, some users in both), a team tree per org (4 children per team, ~10 members,
 * 1–2 owners, some `teamCreate` settings), a manager tree (6 reports each, so chains ~6 deep),
 * 1 % inactive users, and objectives with 3 key results each: org / team / individual levels,
 * aligned under objectives of the parent team, with delegates, check-in owners, editors,
 * alignment restrictions, 2 % private objectives (with their key results) and 5 % closed.
 * Every OKR object has the same shape (absent lists are `undefined`) so lookups stay monomorphic.
 */
export function generateDataset(options: DatasetOptions = {}): DirectoryData {
  const size = typeof options.size === 'object' ? options.size : DATASET_SIZES[options.size ?? 'tiny'];
  const r = prng(options.seed ?? 1);
  const n = Math.max(20, size.users);

  const users: User[] = [];
  for (let i = 0; i < n; i++) {
    users.push({
      id: `u${i}`,
      name: `User ${i}`,
      email: undefined,
      active: i < 10 || !r.chance(0.01),
      managerId: i === 0 ? undefined : `u${Math.floor((i - 1) / MANAGER_FANOUT)}`,
    });
  }
  const ids = users.map((u) => u.id);
  const org1Members = ids.filter((_, i) => i % 10 !== 9);
  const org2Members = ids.filter((_, i) => i % 10 >= 8);
  const orgs: Org[] = [
    { id: 'org-1', name: 'Org 1', owners: org1Members.slice(2, 5), members: [...org1Members.slice(0, 2), ...org1Members.slice(5)], orgCreate: undefined, policies: undefined },
    { id: 'org-2', name: 'Org 2', owners: org2Members.slice(0, 2), members: org2Members.slice(2), orgCreate: { who: 'team-owners' }, policies: { 'create-tag': { who: 'owners' } } },
  ];

  const teams: Team[] = [];
  const teamsOf = new Map<string, Team[]>();
  for (const org of orgs) {
    const members = [...org.owners, ...org.members];
    const list: Team[] = [];
    for (let j = 0; j * TEAM_SIZE < members.length; j++) {
      const chunk = members.slice(j * TEAM_SIZE, (j + 1) * TEAM_SIZE);
      const owners = chunk.slice(0, r.chance(0.3) ? 2 : 1);
      const setting = r.next();
      list.push({
        id: `${org.id}-t${j}`,
        orgId: org.id,
        name: `Team ${j} of ${org.name}`,
        parentId: j === 0 ? undefined : list[Math.floor((j - 1) / TEAM_FANOUT)].id,
        owners,
        members: chunk.slice(owners.length),
        teamCreate: setting < 0.1 ? { who: 'owners' } : setting < 0.15 ? { who: 'specific', users: [r.pick(members)] } : undefined,
      });
    }
    teams.push(...list);
    teamsOf.set(org.id, list);
  }

  const okrs: Okr[] = [];
  const objectivesOfTeam = new Map<string, string[]>();
  const orgObjectives = new Map<string, string[]>(orgs.map((o) => [o.id, []]));
  const objectiveCount = Math.max(1, Math.floor(size.okrs / (1 + KRS_PER_OBJECTIVE)));
  const sometimes = (p: number, from: readonly string[], count: number) =>
    r.chance(p) ? Array.from({ length: count }, () => r.pick(from)) : undefined;

  for (let k = 0; k < objectiveCount; k++) {
    const org = k % 10 === 9 ? orgs[1] : orgs[0];
    const orgMembers = org === orgs[0] ? org1Members : org2Members;
    const roll = r.next();
    const level: OkrLevel = roll < 0.05 ? 'org' : roll < 0.75 ? 'team' : 'individual';
    const orgTeams = teamsOf.get(org.id)!;
    const team = level === 'team' ? orgTeams[(k >> 1) % orgTeams.length] : undefined;
    const pool = team ? [...team.owners, ...team.members] : level === 'org' ? [...org.owners, ...org.members.slice(0, 50)] : orgMembers;
    const owner = r.pick(pool);
    const owners = r.chance(0.2) ? [owner, r.pick(pool)] : [owner];
    // Align under an objective of the parent team, else under an org-level objective.
    const parentTeam = team?.parentId;
    const candidates = parentTeam ? objectivesOfTeam.get(parentTeam) : orgObjectives.get(org.id);
    const alignedTo = candidates?.length && r.chance(0.7) ? [r.pick(candidates)] : undefined;
    const isPrivate = r.chance(0.02);
    const status = r.chance(0.05) ? 'closed' : 'open';
    const objective: Okr = {
      id: `o${okrs.length}`,
      orgId: org.id,
      kind: 'objective',
      level,
      teamId: team?.id,
      title: `Objective ${k}`,
      owners,
      creatorId: r.chance(0.7) ? owner : r.pick(pool),
      objectiveId: undefined,
      alignedTo,
      delegates: sometimes(0.05, orgMembers, 1),
      checkInOwners: sometimes(0.1, orgMembers, 1),
      editors: sometimes(0.05, orgMembers, 1),
      alignRestricted: r.chance(0.02) ? true : undefined,
      alignGrants: sometimes(0.02, orgMembers, 2),
      private: isPrivate ? true : undefined,
      privateTo: isPrivate ? [r.pick(orgMembers), r.pick(orgMembers)] : undefined,
      status,
    };
    okrs.push(objective);
    if (team) {
      const list = objectivesOfTeam.get(team.id);
      if (list) list.push(objective.id);
      else objectivesOfTeam.set(team.id, [objective.id]);
    } else if (level === 'org') orgObjectives.get(org.id)!.push(objective.id);

    for (let kr = 0; kr < KRS_PER_OBJECTIVE && okrs.length < size.okrs; kr++) {
      okrs.push({
        ...objective,
        id: `o${okrs.length}`,
        kind: 'key-result',
        title: `Key result ${kr + 1} of objective ${k}`,
        owners: [r.chance(0.6) ? owner : r.pick(pool)],
        creatorId: owner,
        objectiveId: objective.id,
        alignedTo: undefined,
        delegates: undefined,
        checkInOwners: sometimes(0.1, pool, 1),
        editors: undefined,
        alignRestricted: undefined,
        alignGrants: undefined,
        private: undefined,
        privateTo: undefined,
      });
    }
  }
  return { tenant: { id: 'tenant', name: 'Generated tenant', admins: ['u0', 'u1'] }, users, orgs, teams, okrs };
}
