import { memoryDirectory, okrModel, type CloneDestination, type Okr, type OkrModel, type Team } from 'onbehalf/okr';
import { activityFeed, type ActivityFeed, type Attribution } from './activity.js';
import type { DemoSeed, DemoUser, Metric } from './seed.js';

export interface CheckIn extends Attribution {
  okrId: string;
  at: number;
  from: number;
  value: number;
  note: string;
}
export interface Comment extends Attribution {
  okrId: string;
  at: number;
  text: string;
}

/** What an edit may change. */
export interface OkrEdit {
  title: string;
  /** Key results and initiatives only. */
  target?: number;
}

/**
 * The demo's data in memory: the OKR model over the seed, each OKR's measure, check-ins,
 * comments and the activity feed. Every change goes through here and lands in the feed with its
 * attribution. Permission checks happen before (in the routes), with the effective user.
 */
export interface DemoState {
  readonly model: OkrModel;
  readonly users: readonly DemoUser[];
  readonly feed: ActivityFeed;
  user(id: string): DemoUser | undefined;
  userByEmail(email: string): DemoUser | undefined;
  /** Note that a user signed in themself (the demo's `POST /login`), as a host's "last login" column would. */
  signedIn(userId: string, at: number): void;
  /** When the user last signed in themself, epoch ms; undefined if not since the server started. */
  lastSignIn(userId: string): number | undefined;
  okr(id: string): Okr | undefined;
  /** Every OKR, in seed order (callers filter by what the viewer may see). */
  okrs(): Okr[];
  /** Every team, parents before children. */
  teams(): Team[];
  keyResultsOf(objectiveId: string): Okr[];
  metric(okrId: string): Metric | undefined;
  /** 0..1: a key result's way from start to target; an objective's mean over its key results. */
  progress(okrId: string): number;
  checkIns(okrId: string): CheckIn[];
  comments(okrId: string): Comment[];
  checkIn(okrId: string, value: number, note: string, who: Attribution, at: number): CheckIn;
  edit(okrId: string, change: OkrEdit, who: Attribution, at: number): void;
  setStatus(okrId: string, status: Okr['status'], who: Attribution, at: number): void;
  comment(okrId: string, text: string, who: Attribution, at: number): Comment;
  /** A copy of the OKR where `into` says (the model's `cloneDestination`), owned and created by `who`, open, its measure back at the start. */
  clone(okrId: string, into: CloneDestination, who: Attribution, at: number): Okr;
}

export function demoState(seed: DemoSeed): DemoState {
  const dir = memoryDirectory(seed.directory);
  const model = okrModel(dir);
  const users = new Map(seed.users.map((u) => [u.id, u]));
  const byEmail = new Map(seed.users.map((u) => [u.email.toLowerCase(), u]));
  const okrs = [...(seed.directory.okrs ?? [])];
  const metrics = new Map(Object.entries(seed.metrics).map(([id, m]) => [id, { ...m }]));
  const checkIns: CheckIn[] = [];
  const comments: Comment[] = [];
  const feed = activityFeed();
  const person = (id: string) => ({ id, name: users.get(id)?.name ?? id });
  const signIns = new Map<string, number>();

  // The seed's history, oldest first, so "from" values chain and the feed has a past.
  const history = [
    ...seed.checkIns.map((c) => ({ at: Date.parse(c.at), run: () => replayCheckIn(c.okrId, c.value, c.note, { by: person(c.by) }, Date.parse(c.at)) })),
    ...seed.comments.map((c) => ({ at: Date.parse(c.at), run: () => state.comment(c.okrId, c.text, { by: person(c.by) }, Date.parse(c.at)) })),
  ].sort((a, b) => a.at - b.at);

  const okrOf = (id: string) => {
    const okr = dir.okr(id);
    if (!okr) throw new Error(`unknown OKR ${id}`);
    return okr;
  };
  const ratio = (m: Metric) => {
    if (m.target === m.start) return m.current === m.target ? 1 : 0;
    return Math.min(1, Math.max(0, (m.current - m.start) / (m.target - m.start)));
  };

  /** Seed check-ins keep their own values and don't move the seeded "current". */
  function replayCheckIn(okrId: string, value: number, note: string, who: Attribution, at: number) {
    const previous = checkIns.filter((c) => c.okrId === okrId).at(-1);
    const from = previous?.value ?? metrics.get(okrId)!.start;
    checkIns.push({ okrId, at, from, value, note, ...who });
    feed.add({ kind: 'check-in', okrId, at, ...who, detail: { from, value, note } });
  }

  const state: DemoState = {
    model,
    users: seed.users,
    feed,
    user: (id) => users.get(id),
    userByEmail: (email) => byEmail.get(email.trim().toLowerCase()),
    signedIn: (id, at) => void signIns.set(id, at),
    lastSignIn: (id) => signIns.get(id),
    okr: (id) => dir.okr(id),
    okrs: () => [...okrs],
    teams: () => (seed.directory.teams ?? []).map((t) => dir.team(t.id)!),
    keyResultsOf: (objectiveId) => okrs.filter((o) => o.objectiveId === objectiveId),
    metric: (id) => metrics.get(id),
    progress(id) {
      const m = metrics.get(id);
      if (m) return ratio(m);
      const krs = state.keyResultsOf(id).filter((k) => metrics.has(k.id));
      return krs.length ? krs.reduce((sum, k) => sum + ratio(metrics.get(k.id)!), 0) / krs.length : 0;
    },
    checkIns: (id) => checkIns.filter((c) => c.okrId === id),
    comments: (id) => comments.filter((c) => c.okrId === id),
    checkIn(okrId, value, note, who, at) {
      const m = metrics.get(okrId);
      if (!m) throw new Error(`${okrId} has no measure`);
      const entry: CheckIn = { okrId, at, from: m.current, value, note, ...who };
      m.current = value;
      checkIns.push(entry);
      feed.add({ kind: 'check-in', okrId, at, ...who, detail: { from: entry.from, value, note } });
      return entry;
    },
    edit(okrId, change, who, at) {
      const okr = okrOf(okrId);
      const before = okr.title;
      // The directory keeps OKRs by reference: the model sees the new title at once.
      okr.title = change.title;
      const m = metrics.get(okrId);
      if (m && change.target !== undefined) m.target = change.target;
      feed.add({ kind: 'edit', okrId, at, ...who, detail: { before, after: change.title, target: change.target } });
    },
    setStatus(okrId, status, who, at) {
      okrOf(okrId).status = status;
      feed.add({ kind: status === 'closed' ? 'close' : 'reopen', okrId, at, ...who, detail: {} });
    },
    comment(okrId, text, who, at) {
      const entry: Comment = { okrId, at, text, ...who };
      comments.push(entry);
      feed.add({ kind: 'comment', okrId, at, ...who, detail: { text } });
      return entry;
    },
    clone(okrId, into, who, at) {
      const source = okrOf(okrId);
      const id = `${okrId}-copy-${okrs.filter((o) => o.id.startsWith(`${okrId}-copy-`)).length + 1}`;
      // A copy stands alone (no objective, alignment or grants), but keeps the privacy covering the source (P10: its title says what it says).
      let covering: Okr | undefined = source;
      while (covering && !covering.private) covering = covering.objectiveId ? dir.okr(covering.objectiveId) : undefined;
      const owner = String(who.by.id);
      const copy = dir.addOkr({
        id, orgId: into.orgId, kind: source.kind, level: into.level, ...(into.level === 'team' && { teamId: into.teamId }),
        title: `Copy of ${source.title}`.slice(0, 200), owners: [owner], creatorId: owner, status: 'open',
        ...(covering && { private: true, privateTo: [...new Set([...(covering.privateTo ?? []), ...covering.owners, ...(covering.delegates ?? [])])] }),
      });
      okrs.push(copy);
      const m = metrics.get(okrId);
      if (m) metrics.set(id, { ...m, current: m.start });
      feed.add({ kind: 'clone', okrId: id, at, ...who, detail: {} });
      return copy;
    },
  };
  for (const h of history) h.run();
  return state;
}
