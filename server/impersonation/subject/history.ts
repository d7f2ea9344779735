import { ACCESS_LIMIT, type AccessEntry, type AuditEvent, type EndCause, type SessionView } from '../../../shared/index.js';
import { OnBehalfError } from '../../http/index.js';
import type { ImpersonationRecord } from '../store/index.js';
import type { SubjectHost } from './host.js';
import type { ResolvedSubjectOptions } from './options.js';

/** At most this many audit events are read for one session's entry (its writes). */
const EVENTS_PER_SESSION = 1000;

type Session = Pick<SessionView, 'sessionId' | 'actor' | 'subject' | 'reason' | 'ticket' | 'readOnly' | 'startedAt'>;

/**
 * The subject's access history: an entry per session on their account, written when it ends
 * (with its audited writes, and who approved it), live sessions read from the impersonation store.
 */
export function accessHistory(host: Pick<SubjectHost, 'audit' | 'sessions' | 'users' | 'life' | 'now' | 'warn'>, s: ResolvedSubjectOptions) {
  /** What the audit knows of a session: its writes, and the grant or approval it started under. */
  async function fromAudit(sessionId: string): Promise<Pick<AccessEntry, 'actions' | 'approver' | 'grantId'>> {
    if (!host.audit.query) return { actions: [] };
    const { events } = await host.audit.query({ sessionId, limit: EVENTS_PER_SESSION }).catch(() => {
      throw new OnBehalfError('AUDIT_UNAVAILABLE', 'The audit could not be read; try again shortly.');
    });
    const started = events.find((e) => e.type === 'started');
    // Each write's answer is its `outcome` record (absent when the write never answered).
    const status = new Map(events.filter((e) => e.type === 'outcome').map((e) => [e.actionId, e.status]));
    const action = (e: AuditEvent) => ({ at: Date.parse(e.time), method: e.method ?? '', path: e.path ?? '', ...(status.get(e.id) !== undefined && { status: status.get(e.id) }) });
    return {
      actions: events.filter((e) => e.type === 'action').map(action),
      ...(started?.approver && { approver: started.approver }),
      ...(started?.grantId && { grantId: started.grantId }),
    };
  }

  async function entryOf(r: Session, ended?: { at: number; cause: EndCause }): Promise<AccessEntry> {
    return {
      sessionId: r.sessionId,
      actor: r.actor,
      subject: r.subject,
      reason: r.reason,
      ...(r.ticket && { ticket: r.ticket }),
      readOnly: r.readOnly,
      startedAt: r.startedAt,
      ...(ended && { endedAt: ended.at, cause: ended.cause }),
      ...(await fromAudit(r.sessionId)),
      // Notices off: the entry is kept, already dismissed, so nothing is shown unprompted.
      ...(ended && !s.notices && { dismissedAt: ended.at }),
    };
  }

  /** Write the ended session's entry, then call the host's notify hook. Failures are reported, never thrown. */
  async function recordEnded(view: SessionView, cause: EndCause) {
    let entry: AccessEntry;
    try {
      entry = await entryOf(view, { at: host.now(), cause });
      await s.store.putAccess(entry);
    } catch (err) {
      return host.warn(`could not record session ${view.sessionId} in ${view.subject.id}'s access history: ${String(err)}`);
    }
    if (!s.notify) return;
    try {
      const subject = await host.users.get(view.subject.id);
      if (subject) await s.notify({ subject, entry });
    } catch (err) {
      host.warn(`the notify hook failed for session ${view.sessionId}: ${String(err)}`);
    }
  }
  const pending = new Set<Promise<void>>();
  host.life.events.on('ended', (view: SessionView, cause: EndCause) => {
    const p = recordEnded(view, cause).finally(() => pending.delete(p));
    pending.add(p);
  });

  const live = (r: ImpersonationRecord): Session => ({ ...r, sessionId: r.id });

  return {
    /** Every session on the account, newest first: the live ones, then the history. */
    async list(subjectId: string, limit = ACCESS_LIMIT): Promise<AccessEntry[]> {
      const [now, past] = await Promise.all([host.sessions.list({ subjectId }), s.store.listAccess(subjectId, limit)]);
      const ended = new Set(past.map((e) => e.sessionId));
      const current = await Promise.all(now.filter((r) => !ended.has(r.id)).map((r) => entryOf(live(r))));
      return [...current.sort((a, b) => b.startedAt - a.startedAt), ...past];
    },
    /** Ended sessions the subject has not dismissed yet. */
    async notices(subjectId: string): Promise<AccessEntry[]> {
      return (await s.store.listAccess(subjectId, 20)).filter((e) => e.endedAt !== undefined && e.dismissedAt === undefined);
    },
    /** Resolves once every entry being written has been (for close() and tests). */
    settled: () => Promise.all([...pending]).then(() => undefined),
  };
}
export type AccessHistory = ReturnType<typeof accessHistory>;
