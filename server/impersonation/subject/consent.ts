import { randomUUID } from 'node:crypto';
import type { Request } from 'express';
import type { AccessRequest, Grant, Person } from '../../../shared/index.js';
import { OnBehalfError } from '../../http/index.js';
import type { DirectoryUser } from '../../identity/types.js';
import type { SubjectHost } from './host.js';
import type { ResolvedSubjectOptions } from './options.js';
import { person } from '../../identity/index.js';
import { audited, auditRequest, decide } from './requests.js';

const HOUR = 3_600_000;
const covers = (g: Grant, actorId: string) => !g.to || g.to.id === actorId;

/** Consent: the subject's grants and their answers to admins' requests (docs/subject.md). */
export function consent(host: Pick<SubjectHost, 'users' | 'sessions' | 'life' | 'now' | 'warn'>, s: ResolvedSubjectOptions) {
  const { life } = host;
  /** A grant exists (a start can use it) only once its `consent-granted` record is on the audit. */
  async function grant(req: Request, subject: DirectoryUser, hours: number, to: Person | undefined, requestId?: string): Promise<Grant> {
    const now = host.now();
    const g: Grant = { id: randomUUID(), subject: person(subject), ...(to && { to }), grantedAt: now, expiresAt: now + hours * HOUR, ...(requestId && { requestId }) };
    await audited(life, req, 'consent-granted', { subject: g.subject, ...(to && { actor: to }), grantId: g.id, until: g.expiresAt, ...(requestId && { requestId }) }, 'no access was granted');
    await s.store.addGrant(g);
    return g;
  }

  return {
    /** The live grant that lets `actorId` work on behalf of `subjectId`, the longest-lasting first. */
    async liveGrant(subjectId: string, actorId: string): Promise<Grant | undefined> {
      const grants = (await s.store.listGrants(subjectId, host.now())).filter((g) => covers(g, actorId));
      return grants.sort((a, b) => b.expiresAt - a.expiresAt)[0];
    },

    /** The subject grants access for `hours`, to one admin or to any allowed one. */
    async give(req: Request, subject: DirectoryUser, hours: number, toId: string | undefined): Promise<Grant> {
      if (toId === subject.id) throw new OnBehalfError('GRANT_SELF', 'You cannot grant access to yourself.');
      let to: Person | undefined;
      if (toId) {
        const admin = await host.users.get(toId);
        if (!admin) throw new OnBehalfError('USER_NOT_FOUND', 'No such user.');
        to = person(admin);
      }
      return grant(req, subject, hours, to);
    },

    /**
     * The subject revokes a grant: it goes, and so does every live session on their account
     * whose admin no other live grant covers, at once on every instance (through the store).
     */
    async revoke(req: Request, subjectId: string, grantId: string): Promise<Grant> {
      const g = await s.store.removeGrant(subjectId, grantId);
      if (!g) throw new OnBehalfError('GRANT_NOT_FOUND', 'No live grant with that id.');
      // Ending access is the safe direction, so it never waits on a healthy audit (like Exit):
      // during an outage the record is kept and written, before any later one, once it is back.
      await life.recordOrKeep(life.event('consent-revoked', req, { subject: g.subject, ...(g.to && { actor: g.to }), grantId: g.id }));
      const left = await s.store.listGrants(subjectId, host.now());
      for (const r of await host.sessions.list({ subjectId })) {
        if (!left.some((x) => covers(x, r.actorId))) await life.end(r.id, 'revoked', req);
      }
      return g;
    },

    /** An admin asks the subject for access; the subject sees it in their access history. */
    async ask(req: Request, actor: DirectoryUser, target: DirectoryUser, reason: string, ticket: string | undefined): Promise<AccessRequest> {
      const now = host.now();
      const pending = await s.store.listRequests({ actorId: String(actor.id), subjectId: String(target.id), kind: 'consent' }, now);
      if (pending.length) return pending[0];
      const r: AccessRequest = {
        id: randomUUID(), kind: 'consent', actor: person(actor), subject: person(target), reason, ...(ticket && { ticket }),
        createdAt: now, expiresAt: now + s.consentRequestTtlMs, status: 'pending',
      };
      await auditRequest(life, req, r);
      await s.store.addRequest(r);
      return r;
    },

    /** The subject answers a consent request: approving it grants that admin access for `hours`. */
    async answer(req: Request, subject: DirectoryUser, requestId: string, approve: boolean, hours = 1): Promise<{ request: AccessRequest; grant?: Grant }> {
      const found = await s.store.getRequest(requestId);
      if (!found || found.kind !== 'consent' || found.subject.id !== subject.id) throw new OnBehalfError('REQUEST_NOT_FOUND', 'No such request.');
      // Approving: the request is used up by the grant it gives, decided only once the grant is audited and stored.
      const effect = approve ? (r: AccessRequest) => grant(req, subject, hours, r.actor, r.id) : undefined;
      const { request, effect: given } = await decide(host, s, req, found, person(subject), approve ? 'used' : 'declined', { effect });
      return { request, ...(given && { grant: given }) };
    },
  };
}
export type Consent = ReturnType<typeof consent>;
