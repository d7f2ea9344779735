import type { DirectoryUser } from 'onbehalf';
import type { DirectoryData, Okr, Team, User } from 'onbehalf/okr';

/** Every demo account signs in with this password (the sign-in page says so). */
export const DEMO_PASSWORD = 'demo';

/** A demo person: the OKR model's user and onbehalf's directory entry in one, plus what they show. */
export interface DemoUser extends User, Omit<DirectoryUser, 'id'> {
  email: string;
  /** Their role, in words, for the sign-in page, Admin › Users and the README. */
  role: string;
  /** What signing in as them (or working on their behalf) demonstrates. */
  shows: string;
  /** Support may work on their behalf only with their consent (a live grant): the demo's consent policy. */
  requiresConsent?: boolean;
  /** Working on their behalf needs a second admin's approval: the demo's four-eyes policy. */
  fourEyes?: boolean;
}

/** A key result's or initiative's measure. Objectives show the mean progress of their key results. */
export interface Metric {
  start: number;
  target: number;
  current: number;
  unit: string;
}

/** A check-in or comment in the seed: who did it, when (fixed times, so the seed is deterministic). */
export interface SeedCheckIn {
  okrId: string;
  by: string;
  at: string;
  value: number;
  note: string;
}
export interface SeedComment {
  okrId: string;
  by: string;
  at: string;
  text: string;
}

export interface DemoSeed {
  users: DemoUser[];
  directory: DirectoryData;
  metrics: Record<string, Metric>;
  checkIns: SeedCheckIn[];
  comments: SeedComment[];
}

/**
 * The hand-made Contoso dataset. A function, so each app (and each test) gets its own copy to
 * change: check-ins, edits and closes mutate it.
 */
export function demoSeed(): DemoSeed {
  const users: DemoUser[] = [
    {
      id: 'avery', name: 'Avery Admin', email: 'avery@contoso.test', active: true, permissions: ['impersonate', 'audit:read'], privilege: 100,
      role: 'Tenant administrator (may work on behalf, reads the audit)',
      shows: 'Admin › Users → Work on behalf, Admin › Audit, the banner and Exit.',
    },
    {
      id: 'sam', name: 'Sam Support', email: 'sam@contoso.test', active: true, permissions: ['impersonate'], privilege: 50, managerId: 'avery',
      role: 'Support admin (may work on behalf)',
      shows: 'A second admin: nobody can work on behalf of someone who may impersonate.',
    },
    {
      id: 'audrey', name: 'Audrey Auditor', email: 'audrey@contoso.test', active: true, permissions: ['audit:read', 'impersonate:approve'], privilege: 0,
      role: 'Auditor (reads the audit, approves four-eyes requests)',
      shows: 'Admin › Audit and Admin › Approvals without the right to work on behalf; protected as a target.',
    },
    {
      id: 'olivia', name: 'Olivia Owner', email: 'olivia@contoso.test', active: true, privilege: 20, fourEyes: true,
      role: 'Org owner, top of the manager chain (four-eyes: a second admin approves)',
      shows: 'Org owners may check in on and edit every public OKR, but do not see private ones. Working on her behalf needs Audrey’s approval.',
    },
    {
      id: 'morgan', name: 'Morgan Manager', email: 'morgan@contoso.test', active: true, privilege: 10, managerId: 'olivia',
      role: 'Owner of Sales and Sales EMEA; manager of Ashley and Ben',
      shows: 'Team owner and manager-of-owner rights.',
    },
    {
      id: 'taylor', name: 'Taylor Lead', email: 'taylor@contoso.test', active: true, privilege: 10, managerId: 'olivia',
      role: 'Owner of Engineering and Platform',
      shows: 'Team owner; owner of the parent OKR that Platform aligns to.',
    },
    {
      id: 'ashley', name: 'Ashley', email: 'ashley@contoso.test', active: true, managerId: 'morgan',
      role: 'Member of Sales EMEA',
      shows: 'The user to work on behalf of: owns an objective and key results; edit grant on Ben’s key result.',
    },
    {
      id: 'ben', name: 'Ben Member', email: 'ben@contoso.test', active: true, managerId: 'morgan', requiresConsent: true,
      role: 'Member of Sales EMEA (support needs his consent)',
      shows: 'Check-in owner on Ashley’s key result (may check in, not edit). Support works on his behalf only once he grants access (My access).',
    },
    {
      id: 'chris', name: 'Chris Delegate', email: 'chris@contoso.test', active: true, managerId: 'taylor',
      role: 'Member of Platform',
      shows: 'Delegate on the Engineering objective; owns a Platform OKR.',
    },
    {
      id: 'priya', name: 'Priya Private', email: 'priya@contoso.test', active: true, managerId: 'taylor',
      role: 'Member of Engineering with a private objective',
      shows: 'Private OKRs: nobody else sees them, and nobody can work on her behalf.',
    },
    {
      id: 'ivan', name: 'Ivan Inactive', email: 'ivan@contoso.test', active: false, managerId: 'morgan',
      role: 'Deactivated member',
      shows: 'Inactive users can neither sign in nor be worked on behalf of.',
    },
  ];

  const teams: Team[] = [
    { id: 'sales', orgId: 'contoso', name: 'Sales', owners: ['morgan'], members: ['ashley', 'ben'] },
    { id: 'sales-emea', orgId: 'contoso', name: 'Sales EMEA', parentId: 'sales', owners: ['morgan'], members: ['ashley', 'ben', 'ivan'] },
    { id: 'engineering', orgId: 'contoso', name: 'Engineering', owners: ['taylor'], members: ['chris', 'priya'] },
    { id: 'platform', orgId: 'contoso', name: 'Platform', parentId: 'engineering', owners: ['taylor'], members: ['chris'], teamCreate: { who: 'owners' } },
  ];

  const kr = (o: Omit<Okr, 'orgId' | 'kind' | 'status'> & Partial<Pick<Okr, 'status'>>): Okr => ({ orgId: 'contoso', kind: 'key-result', status: 'open', ...o });
  const objective = (o: Omit<Okr, 'orgId' | 'kind' | 'status'> & Partial<Pick<Okr, 'status'>>): Okr => ({ orgId: 'contoso', kind: 'objective', status: 'open', ...o });

  const okrs: Okr[] = [
    objective({ id: 'o-trust', level: 'org', title: 'Become the OKR tool teams trust', owners: ['olivia'], creatorId: 'olivia' }),
    kr({ id: 'kr-nrr', level: 'org', title: 'Net revenue retention of 115%', owners: ['olivia'], creatorId: 'olivia', objectiveId: 'o-trust' }),
    kr({ id: 'kr-nps', level: 'org', title: 'Customer NPS of 50', owners: ['olivia'], creatorId: 'olivia', objectiveId: 'o-trust' }),

    objective({ id: 'o-emea', level: 'team', teamId: 'sales-emea', title: 'Grow the EMEA pipeline', owners: ['ashley'], creatorId: 'morgan', alignedTo: ['o-trust'] }),
    kr({ id: 'kr-opps', level: 'team', teamId: 'sales-emea', title: 'Qualified opportunities per quarter', owners: ['ashley'], creatorId: 'ashley', objectiveId: 'o-emea', checkInOwners: ['ben'] }),
    kr({ id: 'kr-logos', level: 'team', teamId: 'sales-emea', title: 'New customer logos', owners: ['ben'], creatorId: 'ben', objectiveId: 'o-emea', editors: ['ashley'] }),
    kr({ id: 'kr-cycle', level: 'team', teamId: 'sales-emea', title: 'Average sales cycle in days', owners: ['ashley'], creatorId: 'ashley', objectiveId: 'o-emea', status: 'closed' }),

    objective({ id: 'o-ashley', level: 'individual', title: 'Become a certified value-selling coach', owners: ['ashley'], creatorId: 'ashley' }),
    kr({ id: 'kr-modules', level: 'individual', title: 'Course modules completed', owners: ['ashley'], creatorId: 'ashley', objectiveId: 'o-ashley' }),

    objective({ id: 'o-platform', level: 'team', teamId: 'engineering', title: 'Ship a faster, more reliable product', owners: ['taylor'], creatorId: 'taylor', alignedTo: ['o-trust'], delegates: ['chris'] }),
    kr({ id: 'kr-p95', level: 'team', teamId: 'engineering', title: 'p95 page load in ms', owners: ['taylor'], creatorId: 'taylor', objectiveId: 'o-platform', checkInOwners: ['priya'] }),
    kr({ id: 'kr-uptime', level: 'team', teamId: 'engineering', title: 'Monthly uptime', owners: ['taylor'], creatorId: 'taylor', objectiveId: 'o-platform' }),

    objective({ id: 'o-cost', level: 'team', teamId: 'platform', title: 'Cut cloud cost by a fifth', owners: ['chris'], creatorId: 'taylor', alignedTo: ['o-platform'] }),
    kr({ id: 'kr-spend', level: 'team', teamId: 'platform', title: 'Monthly cloud spend in k$', owners: ['chris'], creatorId: 'chris', objectiveId: 'o-cost' }),

    objective({ id: 'o-priya', level: 'individual', title: 'Prepare my promotion case', owners: ['priya'], creatorId: 'priya', private: true }),
    kr({ id: 'kr-priya', level: 'individual', title: 'Peer reviews collected', owners: ['priya'], creatorId: 'priya', objectiveId: 'o-priya' }),
  ];

  const metrics: Record<string, Metric> = {
    'kr-nrr': { start: 104, target: 115, current: 108, unit: '%' },
    'kr-nps': { start: 31, target: 50, current: 42, unit: '' },
    'kr-opps': { start: 20, target: 60, current: 40, unit: 'opportunities' },
    'kr-logos': { start: 0, target: 8, current: 3, unit: 'logos' },
    'kr-cycle': { start: 64, target: 45, current: 45, unit: 'days' },
    'kr-modules': { start: 0, target: 3, current: 1, unit: 'modules' },
    'kr-p95': { start: 1400, target: 800, current: 1050, unit: 'ms' },
    'kr-uptime': { start: 99.5, target: 99.95, current: 99.9, unit: '%' },
    'kr-spend': { start: 250, target: 200, current: 231, unit: 'k$' },
    'kr-priya': { start: 0, target: 5, current: 2, unit: 'reviews' },
  };

  const checkIns: SeedCheckIn[] = [
    { okrId: 'kr-opps', by: 'ashley', at: '2026-11-02T09:15:00Z', value: 32, note: 'Two webinars brought in new leads.' },
    { okrId: 'kr-opps', by: 'ben', at: '2026-11-16T14:40:00Z', value: 40, note: 'Partner referrals picked up.' },
    { okrId: 'kr-logos', by: 'ben', at: '2026-11-12T11:05:00Z', value: 3, note: 'Signed Fabrikam.' },
    { okrId: 'kr-p95', by: 'taylor', at: '2026-11-10T16:20:00Z', value: 1050, note: 'Image CDN rolled out.' },
    { okrId: 'kr-spend', by: 'chris', at: '2026-11-18T10:00:00Z', value: 231, note: 'Reserved instances bought.' },
    { okrId: 'kr-priya', by: 'priya', at: '2026-11-19T08:30:00Z', value: 2, note: 'Two reviews in.' },
  ];
  const comments: SeedComment[] = [
    { okrId: 'o-emea', by: 'morgan', at: '2026-11-17T08:00:00Z', text: 'Great momentum — let’s review the Nordics list on Friday.' },
    { okrId: 'o-platform', by: 'olivia', at: '2026-11-11T12:30:00Z', text: 'Customers noticed the faster dashboards.' },
  ];

  const members = users.map((u) => u.id).filter((id) => id !== 'olivia');
  return {
    users,
    directory: {
      tenant: { id: 'contoso', name: 'Contoso', admins: ['avery'] },
      users: users.map(({ id, name, email, active, managerId }) => ({ id, name, email, active, ...(managerId && { managerId }) })),
      orgs: [{ id: 'contoso', name: 'Contoso', owners: ['olivia'], members }],
      teams,
      okrs,
    },
    metrics,
    checkIns,
    comments,
  };
}
