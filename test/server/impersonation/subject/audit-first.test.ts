import { afterEach, describe, expect, it } from 'vitest';
import { memoryAudit, memorySubjectStore, type AuditEvent } from '../../../../server/index.js';
import { controlledAudit } from '../../../helpers/audit.js';
import { startHost, type TestHost } from '../../../helpers/host.js';

let host: TestHost;
afterEach(async () => host?.close());

/** A host whose audit can refuse records, with its subject store at hand to check. */
async function audited(subject: { consent?: boolean; approval?: boolean }) {
  const sink = controlledAudit(memoryAudit());
  const store = memorySubjectStore();
  host = await startHost({ audit: sink, subject: { ...subject, store } });
  for (const id of ['olga', 'aud']) host.users.get(id)!.permissions!.push('impersonate:approve');
  const types = () => sink.events.map((e: AuditEvent) => e.type);
  return { sink, store, types };
}

describe('the subject’s side is audited first: a decision or a grant the audit refuses does not happen', () => {
  it.each(['approve', 'decline'] as const)('four-eyes %s refused by the audit: 503, the request is pending again, no record, then decidable', async (verdict) => {
    const { sink, store, types } = await audited({ approval: true });
    const avery = await host.signIn('avery');
    const id = (await avery.start('ashley')).json.error.request.id;
    const before = await store.getRequest(id);
    const record = verdict === 'approve' ? 'request-approved' : 'request-declined';
    sink.refuse = (e) => e.type === record;
    const olga = await host.signIn('olga');
    const refused = await olga.post(`/onbehalf/approvals/${id}/${verdict}`);
    expect([refused.status, refused.json.error.code]).toEqual([503, 'AUDIT_UNAVAILABLE']);
    expect(await store.getRequest(id)).toEqual(before);
    expect(types()).not.toContain(record);
    expect((await avery.start('ashley')).json.error).toMatchObject({ code: 'APPROVAL_PENDING', request: { id } });
    expect((await host.ob.approvals()).map((r) => r.id)).toEqual([id]);

    sink.refuse = () => false;
    const ok = await olga.post(`/onbehalf/approvals/${id}/${verdict}`);
    expect(ok.status).toBe(200);
    expect(ok.json.request.status).toBe(verdict === 'approve' ? 'approved' : 'declined');
    expect(types().filter((t) => t === record)).toHaveLength(1);
  });

  it('while a decision’s record is being written the request is claimed: others are told it is decided, the requester that it waits', async () => {
    const { sink, store } = await audited({ approval: true });
    const avery = await host.signIn('avery');
    const id = (await avery.start('ashley')).json.error.request.id;
    const [olga, aud] = await Promise.all([host.signIn('olga'), host.signIn('aud')]);
    const held = sink.hold('request-approved');
    const deciding = olga.post(`/onbehalf/approvals/${id}/approve`);
    await held.arrived;
    expect(await store.getRequest(id)).toMatchObject({ status: 'deciding' });
    expect((await store.getRequest(id))!.approver).toBeUndefined();
    for (const verdict of ['approve', 'decline']) expect((await aud.post(`/onbehalf/approvals/${id}/${verdict}`)).json.error.code).toBe('ALREADY_DECIDED');
    // Not approved yet, and no second request: it still waits.
    expect((await avery.start('ashley')).json.error).toMatchObject({ code: 'APPROVAL_PENDING', request: { id } });
    expect((await avery.get('/onbehalf/users?q=ashley')).json.users[0].approval).toBe('pending');
    held.release();
    expect((await deciding).json.request).toMatchObject({ status: 'approved', approver: { id: 'olga' } });
    expect((await avery.start('ashley')).status).toBe(200);
  });

  it('a consent answer the audit refuses: declining or approving leaves the request pending and grants nothing', async () => {
    const { sink, store, types } = await audited({ consent: true });
    const avery = await host.signIn('avery');
    const { request } = (await avery.post('/onbehalf/consent-requests', { userId: 'ashley', reason: 'Ticket 81: her check-ins vanish' })).json;
    const ashley = await host.signIn('ashley');
    for (const [verdict, record] of [['decline', 'request-declined'], ['approve', 'request-approved'], ['approve', 'consent-granted']] as const) {
      sink.refuse = (e) => e.type === record;
      const r = await ashley.post(`/onbehalf/me/requests/${request.id}/${verdict}`, { hours: 2 });
      expect([r.status, r.json.error.code], `${verdict}, ${record} refused`).toEqual([503, 'AUDIT_UNAVAILABLE']);
      expect(await store.getRequest(request.id)).toEqual(request);
      expect(await store.listGrants('ashley', Date.now())).toEqual([]);
      expect((await ashley.get('/onbehalf/me/access')).json.requests.map((x: { id: string }) => x.id)).toEqual([request.id]);
      expect((await avery.start('ashley')).json.error.code).toBe('CONSENT_REQUIRED');
    }
    expect(types()).not.toContain('consent-granted');
    expect(types()).not.toContain('request-declined');

    sink.refuse = () => false;
    const ok = await ashley.post(`/onbehalf/me/requests/${request.id}/approve`, { hours: 2 });
    expect(ok.status).toBe(200);
    expect(ok.json).toMatchObject({ request: { status: 'used' }, grant: { to: { id: 'avery' }, requestId: request.id } });
    expect((await avery.start('ashley')).status).toBe(200);
  });

  it('a grant is not usable before its consent-granted record is on the audit, and not at all when the audit refuses it', async () => {
    const { sink, store, types } = await audited({ consent: true });
    const ashley = await host.signIn('ashley');
    const avery = await host.signIn('avery');
    const held = sink.hold('consent-granted');
    const granting = ashley.post('/onbehalf/me/grants', { hours: 1 });
    await held.arrived;
    expect(await store.listGrants('ashley', Date.now())).toEqual([]);
    expect((await avery.start('ashley')).json.error.code).toBe('CONSENT_REQUIRED');
    held.release();
    const grant = (await granting).json.grant;
    expect(sink.events.find((e) => e.type === 'consent-granted')).toMatchObject({ grantId: grant.id });
    expect((await avery.start('ashley')).status).toBe(200);
    await avery.stop();

    sink.refuse = (e) => e.type === 'consent-granted';
    const refused = await ashley.post('/onbehalf/me/grants', { hours: 3, to: 'sam' });
    expect([refused.status, refused.json.error.code]).toEqual([503, 'AUDIT_UNAVAILABLE']);
    expect((await store.listGrants('ashley', Date.now())).map((g) => g.id)).toEqual([grant.id]);
    expect(types().filter((t) => t === 'consent-granted')).toHaveLength(1);
  });

  it('a revocation stands when the audit is down (ending access is the safe direction); its record is kept and written first once the audit is back', async () => {
    const { sink, store } = await audited({ consent: true });
    const ashley = await host.signIn('ashley');
    const grant = (await ashley.post('/onbehalf/me/grants', { hours: 1 })).json.grant;
    const avery = await host.signIn('avery');
    expect((await avery.start('ashley')).status).toBe(200);
    const taken = sink.events.length;
    sink.refuse = () => true;
    const revoked = await ashley.post(`/onbehalf/me/grants/${grant.id}/revoke`);
    expect(revoked.status).toBe(200);
    expect(revoked.json.revoked).toMatchObject({ id: grant.id });
    expect(await store.listGrants('ashley', Date.now())).toEqual([]);
    expect((await avery.status()).active).toBe(false);
    expect(sink.events.length).toBe(taken);
    expect(host.warnings.filter((w) => /kept to write when it is back/.test(w)).map((w) => w.match(/"type":"([\w-]+)"/)![1])).toEqual(['consent-revoked', 'ended']);
    // While it is down, nothing new is granted either.
    expect((await ashley.post('/onbehalf/me/grants', { hours: 1 })).status).toBe(503);

    sink.refuse = () => false;
    const again = await ashley.post('/onbehalf/me/grants', { hours: 1 });
    expect(again.status).toBe(200);
    expect(sink.events.slice(taken).map((e) => [e.type, e.grantId ?? e.cause])).toEqual([
      ['consent-revoked', grant.id],
      ['ended', 'revoked'],
      ['consent-granted', again.json.grant.id],
    ]);
  });
});
