import { afterEach, describe, expect, it } from 'vitest';
import { clock } from '../../../helpers/clock.js';
import { startHost, type TestHost } from '../../../helpers/host.js';

let host: TestHost;
afterEach(async () => host?.close());

const HOUR = 3_600_000;

describe('consent (off by default)', () => {
  it('is off unless asked for: start needs no grant', async () => {
    host = await startHost();
    const avery = await host.signIn('avery');
    expect((await avery.start('ashley')).status).toBe(200);
  });

  it('refuses start without a live grant with CONSENT_REQUIRED and how to ask, audited as denied', async () => {
    host = await startHost({ subject: { consent: true } });
    const avery = await host.signIn('avery');
    const r = await avery.start('ashley');
    expect(r.status).toBe(403);
    expect(r.json.error.code).toBe('CONSENT_REQUIRED');
    expect(r.json.error.ask).toMatchObject({ method: 'POST', path: '/onbehalf/consent-requests' });
    expect((await avery.status()).active).toBe(false);
    expect(host.audit.events.at(-1)).toMatchObject({ type: 'denied', code: 'CONSENT_REQUIRED', actor: { id: 'avery' }, subject: { id: 'ashley' } });
  });

  it('lets the subject grant time-boxed access; the session ends with the grant', async () => {
    const c = clock();
    host = await startHost({ now: c.now, subject: { consent: true }, maxDurationMs: 48 * HOUR, idleTimeoutMs: 48 * HOUR });
    const ashley = await host.signIn('ashley');
    const g = await ashley.post('/onbehalf/me/grants', { hours: 2 });
    expect(g.status).toBe(200);
    expect(g.json.grant).toMatchObject({ subject: { id: 'ashley' }, expiresAt: c.now() + 2 * HOUR });
    expect(host.audit.events.at(-1)).toMatchObject({ type: 'consent-granted', subject: { id: 'ashley' }, grantId: g.json.grant.id, until: c.now() + 2 * HOUR });
    expect((await ashley.get('/onbehalf/me/access')).json.grants).toHaveLength(1);

    const avery = await host.signIn('avery');
    const started = await avery.start('ashley');
    expect(started.status).toBe(200);
    expect(started.json.session.expiresAt).toBe(c.now() + 2 * HOUR);
    expect(host.audit.events.find((e) => e.type === 'started')).toMatchObject({ grantId: g.json.grant.id });
    c.advance(2 * HOUR);
    expect((await avery.status()).active).toBe(false);
    // Expired: a new start is refused again.
    expect((await avery.start('ashley')).json.error.code).toBe('CONSENT_REQUIRED');
  });

  it('a grant to one admin lets only that admin in', async () => {
    host = await startHost({ subject: { consent: true } });
    const ashley = await host.signIn('ashley');
    expect((await ashley.post('/onbehalf/me/grants', { hours: 1, to: 'sam' })).json.grant.to).toMatchObject({ id: 'sam' });
    const avery = await host.signIn('avery');
    expect((await avery.start('ashley')).json.error.code).toBe('CONSENT_REQUIRED');
    const sam = await host.signIn('sam');
    expect((await sam.start('ashley')).status).toBe(200);
  });

  it('revoking a grant ends the live session at once, audited', async () => {
    host = await startHost({ subject: { consent: true } });
    const ashley = await host.signIn('ashley');
    const grant = (await ashley.post('/onbehalf/me/grants', { hours: 1 })).json.grant;
    const avery = await host.signIn('avery');
    await avery.start('ashley');
    const revoked = await ashley.post(`/onbehalf/me/grants/${grant.id}/revoke`);
    expect(revoked.status).toBe(200);
    expect((await avery.status()).active).toBe(false);
    // A write meant for Ashley is refused, not run as Avery.
    expect((await avery.post('/notes', { text: 'late' })).status).toBe(409);
    const types = host.audit.events.map((e) => e.type);
    expect(types).toContain('consent-revoked');
    expect(host.audit.events.find((e) => e.type === 'ended')).toMatchObject({ cause: 'revoked' });
    const again = await ashley.post(`/onbehalf/me/grants/${grant.id}/revoke`);
    expect(again.status).toBe(404);
    expect(again.json.error.code).toBe('GRANT_NOT_FOUND');
  });

  it('an admin asks, the subject approves in-app for a while, and the admin can start', async () => {
    host = await startHost({ subject: { consent: (i) => i.target.id === 'ashley' } });
    const avery = await host.signIn('avery');
    // The policy is per target: Bob needs no consent.
    expect((await avery.start('bob')).status).toBe(200);
    await avery.stop();
    const asked = await avery.post('/onbehalf/consent-requests', { userId: 'ashley', reason: 'Ticket 77: cannot see her team OKRs', ticket: 'SUP-77' });
    expect(asked.status).toBe(201);
    expect(asked.json.request).toMatchObject({ kind: 'consent', status: 'pending', actor: { id: 'avery' }, subject: { id: 'ashley' } });
    expect(host.audit.events.at(-1)).toMatchObject({ type: 'access-requested', requestId: asked.json.request.id });
    // Asking twice gives the same open request.
    expect((await avery.post('/onbehalf/consent-requests', { userId: 'ashley', reason: 'Ticket 77: cannot see her team OKRs' })).json.request.id).toBe(asked.json.request.id);
    expect((await avery.get('/onbehalf/requests')).json.requests).toHaveLength(1);

    const ashley = await host.signIn('ashley');
    const mine = (await ashley.get('/onbehalf/me/access')).json;
    expect(mine.consentRequired).toBe(true);
    expect(mine.requests).toEqual([expect.objectContaining({ id: asked.json.request.id, reason: 'Ticket 77: cannot see her team OKRs' })]);
    const ok = await ashley.post(`/onbehalf/me/requests/${asked.json.request.id}/approve`, { hours: 1 });
    expect(ok.status).toBe(200);
    expect(ok.json.grant).toMatchObject({ to: { id: 'avery' }, requestId: asked.json.request.id });
    const twice = await ashley.post(`/onbehalf/me/requests/${asked.json.request.id}/approve`, { hours: 1 });
    expect(twice.status).toBe(409);
    expect(twice.json.error.code).toBe('ALREADY_DECIDED');
    expect((await avery.start('ashley')).status).toBe(200);
  });

  it('a declined request grants nothing', async () => {
    host = await startHost({ subject: { consent: true } });
    const avery = await host.signIn('avery');
    const { request } = (await avery.post('/onbehalf/consent-requests', { userId: 'ashley', reason: 'Ticket 78: checking alignment' })).json;
    const ashley = await host.signIn('ashley');
    expect((await ashley.post(`/onbehalf/me/requests/${request.id}/decline`)).json.request.status).toBe('declined');
    expect(host.audit.events.at(-1)).toMatchObject({ type: 'request-declined', approver: { id: 'ashley' } });
    expect((await avery.start('ashley')).json.error.code).toBe('CONSENT_REQUIRED');
    // Bob can't answer Ashley's request.
    const bob = await host.signIn('bob');
    expect((await bob.post(`/onbehalf/me/requests/${request.id}/approve`, { hours: 1 })).json.error.code).toBe('REQUEST_NOT_FOUND');
  });

  it('answers bad input with 4xx JSON and changes nothing', async () => {
    const c = clock();
    host = await startHost({ now: c.now, subject: { consent: true } });
    const ashley = await host.signIn('ashley');
    for (const hours of [0, 169, 1.5, -1, 'soon', null]) {
      const r = await ashley.post('/onbehalf/me/grants', { hours });
      expect(r.status, String(hours)).toBe(400);
      expect(r.json.error.code).toBe('INVALID_DURATION');
    }
    expect((await ashley.post('/onbehalf/me/grants', {})).json.error.code).toBe('INVALID_DURATION');
    const self = await ashley.post('/onbehalf/me/grants', { hours: 1, to: 'ashley' });
    expect(self.status).toBe(400);
    expect(self.json.error.code).toBe('GRANT_SELF');
    expect((await ashley.post('/onbehalf/me/grants', { hours: 1, to: 'nobody' })).json.error.code).toBe('USER_NOT_FOUND');
    // Ids may be numbers (as SQL gives them), but never fractions.
    expect((await ashley.post('/onbehalf/me/grants', { hours: 1, to: 7.5 })).status).toBe(400);
    expect((await ashley.request('POST', '/onbehalf/me/grants', { raw: '{"hours":', headers: { 'content-type': 'application/json', 'x-csrf-token': await ashley.csrf() } })).status).toBe(400);
    expect((await ashley.get('/onbehalf/me/grants')).status).toBe(405);
    expect((await ashley.get('/onbehalf/me/access')).json.grants).toEqual([]);

    const avery = await host.signIn('avery');
    expect((await avery.post('/onbehalf/consent-requests', { userId: 'ashley', reason: 'short' })).json.error.code).toBe('INVALID_REASON');
    expect((await avery.post('/onbehalf/consent-requests', { userId: 'ivan', reason: 'Ticket 79: inactive user' })).json.error.code).toBe('TARGET_INACTIVE');
    expect((await avery.post('/onbehalf/consent-requests', { userId: 'avery', reason: 'Ticket 79: myself please' })).json.error.code).toBe('TARGET_SELF');
    const bob = await host.signIn('bob');
    expect((await bob.post('/onbehalf/consent-requests', { userId: 'ashley', reason: 'Ticket 79: not an admin' })).json.error.code).toBe('NOT_ALLOWED');

    // An expired request can't be approved.
    const { request } = (await avery.post('/onbehalf/consent-requests', { userId: 'ashley', reason: 'Ticket 80: will expire' })).json;
    c.advance(25 * HOUR);
    const late = await ashley.post(`/onbehalf/me/requests/${request.id}/approve`, { hours: 1 });
    expect(late.status).toBe(410);
    expect(late.json.error.code).toBe('REQUEST_EXPIRED');
    expect((await ashley.post('/onbehalf/me/requests/nope/approve', { hours: 1 })).json.error.code).toBe('REQUEST_NOT_FOUND');
    expect((await ashley.post(`/onbehalf/me/requests/${request.id}/approve`, { hours: 500 })).json.error.code).toBe('INVALID_DURATION');
    expect(host.audit.events.some((e) => e.type === 'consent-granted')).toBe(false);
  });

  it('refuses the grant when the audit can’t take it', async () => {
    let fail = false;
    const { memoryAudit } = await import('../../../../server/index.js');
    const inner = memoryAudit();
    host = await startHost({ subject: { consent: true }, audit: { write: (e) => (fail && e.type === 'consent-granted' ? Promise.reject(new Error('disk')) : inner.write(e)), query: inner.query } });
    const ashley = await host.signIn('ashley');
    fail = true;
    const r = await ashley.post('/onbehalf/me/grants', { hours: 1 });
    expect(r.status).toBe(503);
    expect(r.json.error.code).toBe('AUDIT_UNAVAILABLE');
    expect((await ashley.get('/onbehalf/me/access')).json.grants).toEqual([]);
  });
});
