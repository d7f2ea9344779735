import { afterEach, describe, expect, it } from 'vitest';
import { clock } from '../../../helpers/clock.js';
import { startHost, type TestHost } from '../../../helpers/host.js';

let host: TestHost;
afterEach(async () => host?.close());

const MIN = 60_000;

/** Four-eyes on Ashley; Olga (no impersonation) and Audrey hold the approval permission, as does Sam. */
async function fourEyes(extra: Parameters<typeof startHost>[0] = {}) {
  host = await startHost({ subject: { approval: ({ target }) => target.id === 'ashley' }, ...extra });
  for (const id of ['olga', 'aud', 'sam']) host.users.get(id)!.permissions!.push('impersonate:approve');
}

describe('four-eyes approval (off by default)', () => {
  it('start on a protected target creates a request; a second admin approves; the requester starts once', async () => {
    await fourEyes();
    const avery = await host.signIn('avery');
    expect((await avery.start('bob')).status).toBe(200); // not protected
    await avery.stop();
    const first = await avery.start('ashley', 'Ticket 90: check-in fails for Ashley', { ticket: 'SUP-90' });
    expect(first.status).toBe(403);
    expect(first.json.error.code).toBe('APPROVAL_REQUIRED');
    const id = first.json.error.request.id;
    expect(host.audit.events.at(-1)).toMatchObject({ type: 'access-requested', requestId: id, actor: { id: 'avery' }, subject: { id: 'ashley' } });
    // Asking again while it waits: the same request.
    const again = await avery.start('ashley', 'Ticket 90: check-in fails for Ashley');
    expect(again.json.error).toMatchObject({ code: 'APPROVAL_PENDING', request: { id } });
    expect((await avery.get('/onbehalf/requests')).json.requests).toEqual([expect.objectContaining({ id, kind: 'approval', status: 'pending' })]);

    // The requester can never approve their own (even holding the permission).
    host.users.get('avery')!.permissions!.push('impersonate:approve');
    const own = await avery.post(`/onbehalf/approvals/${id}/approve`);
    expect(own.status).toBe(403);
    expect(own.json.error.code).toBe('SELF_APPROVAL');
    // Without the permission: refused.
    const bob = await host.signIn('bob');
    expect((await bob.get('/onbehalf/approvals')).status).toBe(403);
    expect((await bob.post(`/onbehalf/approvals/${id}/approve`)).json.error.code).toBe('NOT_ALLOWED');

    const olga = await host.signIn('olga');
    expect((await olga.get('/onbehalf/approvals')).json.requests).toEqual([expect.objectContaining({ id, reason: 'Ticket 90: check-in fails for Ashley' })]);
    const ok = await olga.post(`/onbehalf/approvals/${id}/approve`);
    expect(ok.status).toBe(200);
    expect(ok.json.request).toMatchObject({ status: 'approved', approver: { id: 'olga' } });
    expect(host.audit.events.at(-1)).toMatchObject({ type: 'request-approved', requestId: id, approver: { id: 'olga' } });
    const twice = await olga.post(`/onbehalf/approvals/${id}/approve`);
    expect(twice.status).toBe(409);
    expect(twice.json.error.code).toBe('ALREADY_DECIDED');

    const started = await avery.start('ashley', 'Ticket 90: check-in fails for Ashley', { ticket: 'SUP-90' });
    expect(started.status).toBe(200);
    expect(host.audit.events.find((e) => e.type === 'started' && e.subject?.id === 'ashley')).toMatchObject({ requestId: id, approver: { id: 'olga' } });
    await avery.stop();
    await host.ob.settled();
    // The approval was used up; the subject's history names the approver.
    expect((await avery.start('ashley', 'Ticket 90: one more look please')).json.error.code).toBe('APPROVAL_REQUIRED');
    const ashley = await host.signIn('ashley');
    const entry = (await ashley.get('/onbehalf/me/access')).json.sessions[0];
    expect(entry).toMatchObject({ actor: { id: 'avery' }, approver: { id: 'olga', name: 'Olga Owner' } });
  });

  it('a start under an approval must carry the approved reason and ticket; a mismatch is refused and keeps the approval', async () => {
    await fourEyes();
    const avery = await host.signIn('avery');
    const reason = 'Ticket 91: Ashley cannot see her goals';
    const id = (await avery.start('ashley', reason, { ticket: 'SUP-91' })).json.error.request.id;
    await (await host.signIn('olga')).post(`/onbehalf/approvals/${id}/approve`);
    for (const [r, t] of [['Ticket 92: something else entirely', 'SUP-91'], [reason, 'SUP-92'], [reason, undefined]] as const) {
      const refused = await avery.start('ashley', r, t === undefined ? {} : { ticket: t });
      expect([refused.status, refused.json.error.code], `${r} ${t}`).toEqual([409, 'APPROVAL_MISMATCH']);
      expect(refused.json.error.request).toMatchObject({ id, reason, ticket: 'SUP-91' });
      expect((await avery.status()).active).toBe(false);
    }
    expect(host.audit.events.filter((e) => e.type === 'started')).toEqual([]);
    expect(host.audit.events.at(-1)).toMatchObject({ type: 'denied', code: 'APPROVAL_MISMATCH', actor: { id: 'avery' }, subject: { id: 'ashley' } });
    const started = await avery.start('ashley', reason, { ticket: 'SUP-91' });
    expect(started.status).toBe(200);
    expect(started.json.session).toMatchObject({ reason, ticket: 'SUP-91' });
    expect(host.audit.events.find((e) => e.type === 'started')).toMatchObject({ reason, ticket: 'SUP-91', requestId: id, approver: { id: 'olga', name: 'Olga Owner' } });
  });

  it('the user list tells the picker where four-eyes stands: required, pending, approved, then required again', async () => {
    await fourEyes();
    const avery = await host.signIn('avery');
    const approvalOf = async (id: string) => (await avery.get('/onbehalf/users?q=')).json.users.find((u: { id: string }) => u.id === id)?.approval;
    expect(await approvalOf('ashley')).toBe('required');
    // Not protected, or not eligible: no field.
    expect(await approvalOf('bob')).toBeUndefined();
    expect(await approvalOf('ivan')).toBeUndefined();
    const id = (await avery.start('ashley')).json.error.request.id;
    expect(await approvalOf('ashley')).toBe('pending');
    // Another admin's request is theirs: Sam still sees "required".
    const sam = await host.signIn('sam');
    expect((await sam.get('/onbehalf/users?q=ashley')).json.users[0].approval).toBe('required');
    expect((await (await host.signIn('olga')).post(`/onbehalf/approvals/${id}/approve`)).status).toBe(200);
    expect(await approvalOf('ashley')).toBe('approved');
    expect((await avery.start('ashley')).status).toBe(200);
    await avery.stop();
    expect(await approvalOf('ashley')).toBe('required');
  });

  it('the requester can’t approve their own request from a second session either; an audit that refuses the request leaves none', async () => {
    let fail = false;
    const { memoryAudit } = await import('../../../../server/index.js');
    const inner = memoryAudit();
    await fourEyes({ audit: { write: (e) => (fail && e.type === 'access-requested' ? Promise.reject(new Error('disk')) : inner.write(e)), query: inner.query } });
    host.users.get('avery')!.permissions!.push('impersonate:approve');
    const laptop = await host.signIn('avery');
    fail = true;
    const refused = await laptop.start('ashley');
    expect([refused.status, refused.json.error.code]).toEqual([503, 'AUDIT_UNAVAILABLE']);
    expect(await host.ob.approvals()).toEqual([]);
    fail = false;
    const id = (await laptop.start('ashley')).json.error.request.id;
    const phone = await host.signIn('avery');
    const own = await phone.post(`/onbehalf/approvals/${id}/approve`);
    expect([own.status, own.json.error.code]).toEqual([403, 'SELF_APPROVAL']);
    expect((await host.ob.approvals()).map((r) => r.status)).toEqual(['pending']);
  });

  it('racing approvals: exactly one wins', async () => {
    await fourEyes();
    const avery = await host.signIn('avery');
    const id = (await avery.start('ashley')).json.error.request.id;
    const [olga, aud, sam] = await Promise.all(['olga', 'aud', 'sam'].map((u) => host.signIn(u)));
    // Each client's token first: two first uses of a session's token would race each other.
    const tokens = await Promise.all([olga, aud, sam].map((c) => c.csrf()));
    const post = (i: number, verdict: string) => [olga, aud, sam][i].request('POST', `/onbehalf/approvals/${id}/${verdict}`, { body: {}, headers: { 'x-csrf-token': tokens[i] } });
    const answers = await Promise.all([0, 1, 2].flatMap((i) => [post(i, 'approve'), post(i, 'decline')]));
    expect(answers.filter((a) => a.status === 200)).toHaveLength(1);
    expect(answers.filter((a) => a.status === 409).every((a) => a.json.error.code === 'ALREADY_DECIDED')).toBe(true);
    expect(answers.filter((a) => a.status === 409)).toHaveLength(5);
    expect(host.audit.events.filter((e) => e.type === 'request-approved' || e.type === 'request-declined')).toHaveLength(1);
  });

  it('racing starts on one approval: exactly one starts', async () => {
    await fourEyes();
    const avery = await host.signIn('avery');
    const id = (await avery.start('ashley')).json.error.request.id;
    await (await host.signIn('olga')).post(`/onbehalf/approvals/${id}/approve`);
    // Two of Avery's browsers at once.
    const other = await host.signIn('avery');
    const [a, b] = await Promise.all([avery.start('ashley'), other.start('ashley')]);
    // The loser is refused: as already acting (its twin's session exists) or, when it came after the
    // winner had used the approval, for want of one. Only the winner used it.
    const loser = [a, b].find((r) => r.status !== 200)!;
    expect([a.status, b.status].filter((st) => st === 200)).toHaveLength(1);
    expect([[409, 'ALREADY_ACTING'], [403, 'APPROVAL_REQUIRED']]).toContainEqual([loser.status, loser.json.error.code]);
    expect(host.audit.events.filter((e) => e.type === 'started')).toHaveLength(1);
  });

  it('a start refused as ALREADY_ACTING keeps its approval: it is used up only once the session exists', async () => {
    const c = clock();
    await fourEyes({ now: c.now });
    const laptop = await host.signIn('avery');
    const id = (await laptop.start('ashley')).json.error.request.id;
    await (await host.signIn('olga')).post(`/onbehalf/approvals/${id}/approve`);
    // Avery's other browser is acting on Bob (a moment ago: a racing start, not an abandoned one).
    const phone = await host.signIn('avery');
    expect((await phone.start('bob')).status).toBe(200);
    const refused = await laptop.start('ashley');
    expect([refused.status, refused.json.error.code]).toEqual([409, 'ALREADY_ACTING']);
    expect((await host.ob.approvals())).toEqual([]);
    expect((await laptop.get('/onbehalf/requests')).json.requests).toEqual([expect.objectContaining({ id, status: 'approved' })]);
    await phone.stop();
    const started = await laptop.start('ashley');
    expect(started.status).toBe(200);
    expect(host.audit.events.filter((e) => e.type === 'started').at(-1)).toMatchObject({ subject: { id: 'ashley' }, requestId: id, approver: { id: 'olga' } });
    await laptop.stop();
    expect((await laptop.start('ashley')).json.error.code).toBe('APPROVAL_REQUIRED');
  });

  it('a request not decided within the window (default 15 min) expires; an approval must be used within one', async () => {
    const c = clock();
    await fourEyes({ now: c.now });
    const avery = await host.signIn('avery');
    const id = (await avery.start('ashley')).json.error.request.id;
    expect(host.audit.events.at(-1)).toMatchObject({ type: 'access-requested' });
    c.advance(15 * MIN);
    const olga = await host.signIn('olga');
    const late = await olga.post(`/onbehalf/approvals/${id}/approve`);
    expect(late.status).toBe(410);
    expect(late.json.error.code).toBe('REQUEST_EXPIRED');
    // A new request, approved, then left unused past its window.
    const id2 = (await avery.start('ashley')).json.error.request.id;
    expect(id2).not.toBe(id);
    expect((await olga.post(`/onbehalf/approvals/${id2}/approve`)).status).toBe(200);
    c.advance(15 * MIN);
    expect((await avery.start('ashley')).json.error.code).toBe('APPROVAL_REQUIRED');
  });

  it('a declined request lets nobody start; the subject can’t approve; eligibility is re-run when the approval is used', async () => {
    await fourEyes();
    host.users.get('ashley')!.permissions = ['impersonate:approve'];
    const avery = await host.signIn('avery');
    const id = (await avery.start('ashley')).json.error.request.id;
    const ashley = await host.signIn('ashley');
    expect((await ashley.post(`/onbehalf/approvals/${id}/approve`)).json.error.code).toBe('SELF_APPROVAL');
    const olga = await host.signIn('olga');
    expect((await olga.post(`/onbehalf/approvals/${id}/decline`)).json.request.status).toBe('declined');
    expect((await avery.start('ashley')).json.error.code).toBe('APPROVAL_REQUIRED');

    const id3 = (await avery.start('ashley')).json.error.request.id;
    expect((await olga.post(`/onbehalf/approvals/${id3}/approve`)).status).toBe(200);
    // Ashley deactivated between approval and start: the start is refused as for any start.
    host.users.get('ashley')!.active = false;
    expect((await avery.start('ashley')).json.error.code).toBe('TARGET_INACTIVE');
    expect((await olga.post('/onbehalf/approvals/nope/approve')).json.error.code).toBe('REQUEST_NOT_FOUND');
    expect((await olga.get(`/onbehalf/approvals/${id3}/approve`)).status).toBe(405);
  });

  it('refuses an approval permission equal to the impersonation permission at start-up', async () => {
    await expect(startHost({ subject: { approval: true, approvalPermission: 'impersonate' } })).rejects.toThrow(/approvalPermission/);
    await expect(startHost({ subject: { approvalWindowMs: -1 } })).rejects.toThrow(/approvalWindowMs/);
  });
});
