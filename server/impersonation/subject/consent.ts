import { randomUUID } from 'node:crypto';
import type { Request } from 'express';
import type { AccessRequest, AuditEvent, Grant, Person } from '../../../shared/index.js';
import { OnBehalfError } from '../../http/index.js';
import type { Lifecycle } from '../lifecycle.js';
import type { ResolvedOptions } from '../options.js';
import type { DirectoryUser } from '../types.js';
import type { ResolvedSubjectOptions } from './options.js';
import { auditRequest, decide, person } from './requests.js';

const HOUR = 3_600_000;
const covers = (g: Grant, actorId: string) => !g.to || g.to.id === actorId;

/** Consent: the subject's grants and their answers to admins' requests (docs/subject.md). */
export function consent(o: ResolvedOptions, s: ResolvedSubjectOptions, life: Lifecycle) {
  /** Audit, or undo and refuse: a grant nobody can see in the audit must not exist. */
  async function audited(req: Request, type: AuditEvent['type'], fields: Partial<AuditEvent>, undo: () => Promise<unknown>) {
    try {
      await life.record(life.event(type, req, fields));
    } catch {
      await undo().catch(() => undefined);
      throw new OnBehalfError('AUDIT_UNAVAILABLE', 'The audit could not be written, so nothing was changed.');
    }
  }

  async function grant(req: Request, subject: DirectoryUser, hours: number, to: Person | undefined, requestId?: string): Promise<Grant> {
    const now = o.now();
    const g: Grant = { id: randomUUID(), subject: person(subject), ...(to && { to }), grantedAt: now, expiresAt: now + hours * HOUR, ...(requestId && { requestId }) };
    await s.store.addGrant(g);
    await audited(req, 'consent-granted', { subject: g.subject, ...(to && { actor: to }), grantId: g.id, until: g.expiresAt, ...(requestId && { requestId }) }, () =>
      s.store.removeGrant(String(subject.id), g.id),
    );
    return g;
  }

  return {
    /** The live grant that lets `actorId` work on behalf of `subjectId`, the longest-lasting first. */
    async liveGrant(subjectId: string, actorId: string): Promise<Grant | undefined> {
      const grants = (await s.store.listGrants(subjectId, o.now())).filter((g) => covers(g, actorId));
      return grants.sort((a, b) => b.expiresAt - a.expiresAt)[0];
    },

    /** The subject grants access for `hours`, to one admin or to any allowed one. */
    async give(req: Request, subject: DirectoryUser, hours: number, toId: string | undefined): Promise<Grant> {
      if (toId === subject.id) throw new OnBehalfError('GRANT_SELF', 'You cannot grant access to yourself.');
      let to: Person | undefined;
      if (toId) {
        const admin = await o.users.get(toId);
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
      const left = await s.store.listGrants(subjectId, o.now());
      for (const r of await o.store.list({ subjectId })) {
        if (!left.some((x) => covers(x, r.actorId))) await life.end(r.id, 'revoked', req);
      }
      // The revocation stands even when the audit is down: access must always be withdrawable.
      try {
        await life.record(life.event('consent-revoked', req, { subject: g.subject, ...(g.to && { actor: g.to }), grantId: g.id }));
      } catch (err) {
        o.warn(`could not audit the revocation of grant ${g.id}: ${String(err)}`);
      }
      return g;
    },

    /** An admin asks the subject for access; the subject sees it in their access history. */
    async ask(req: Request, actor: DirectoryUser, target: DirectoryUser, reason: string, ticket: string | undefined): Promise<AccessRequest> {
      const now = o.now();
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
      const request = await decide(o, s, life, req, found, person(subject), approve ? 'used' : 'declined');
      if (!approve) return { request };
      return { request, grant: await grant(req, subject, hours, request.actor, request.id) };
    },
  };
}
export type Consent = ReturnType<typeof consent>;
