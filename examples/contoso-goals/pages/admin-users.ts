import express, { type NextFunction, type Request, type Response, type Router } from 'express';
import { z } from 'zod';
import { reasonSchema, ticketSchema } from 'onbehalf/client';
import { wantsPage } from 'onbehalf';
import { requireCsrf } from '../auth.js';
import { bodyOf } from '../forms.js';
import { html, type Html } from '../html.js';
import { initials } from '../activity.js';
import { formatTime } from '../format.js';
import { page, type Viewer } from '../layout.js';
import { DemoError } from '../respond.js';
import type { DemoDeps } from '../deps.js';
import type { DemoUser } from '../seed.js';

/** Reason rules of the demo: onbehalf's defaults (W6), shared by the form and the middleware. */
export const DEMO_REASON_RULES = { minLength: 10, maxLength: 500, requireTicket: false };

const requestSchema = z.object({
  reason: reasonSchema(DEMO_REASON_RULES),
  ticket: z.optional(ticketSchema),
  readOnly: z.enum(['on', 'true', '1'], { error: 'Read-only is a checkbox: on, or not sent.' }).optional(),
});
type WorkRequest = { reason: string; ticket?: string; readOnly: boolean };

/** Admin pages need the impersonation permission held by the effective user (so never while acting). */
function requireImpersonator(deps: DemoDeps) {
  return (req: Request, _res: Response, next: NextFunction) => {
    if (!deps.viewer(req).canImpersonate) return next(new DemoError('FORBIDDEN', 'Admin › Users needs the permission to work on behalf of users.'));
    next();
  };
}

/** Where JS fills in onbehalf's own eligibility answer (GET /onbehalf/users), the one the API enforces. */
const eligibilitySlot = (u: DemoUser) => html`<span data-eligibility-for="${u.id}" class="muted small">checking…</span>`;

function who(u: DemoUser): Html {
  return html`<div class="who"><span class="avatar" aria-hidden="true">${initials(u.name)}</span><div><strong>${u.name}</strong><small>${u.email}</small></div></div>`;
}

/** When the user last signed in themself (working on their behalf is not a sign-in of theirs). */
function lastSignIn(deps: DemoDeps, u: DemoUser): string {
  const at = deps.state.lastSignIn(u.id);
  return at === undefined ? '—' : formatTime(at);
}

function usersTable(deps: DemoDeps, v: Viewer): Html {
  return html`<table data-testid="users">
    <thead><tr><th>User</th><th>Role</th><th>Status</th><th>Last sign-in</th><th>Work on behalf</th><th><span class="sr-only">Actions</span></th></tr></thead>
    <tbody>${deps.state.users.map(
      (u) => html`<tr data-user="${u.id}">
        <td>${who(u)}</td><td class="small">${u.role}</td>
        <td>${u.active ? html`<span class="badge ok">Active</span>` : html`<span class="badge bad">Inactive</span>`}</td>
        <td class="small" data-last-sign-in="${u.id}">${lastSignIn(deps, u)}</td>
        <td>${eligibilitySlot(u)}</td>
        <td style="text-align:right"><details class="menu"><summary class="btn btn-secondary btn-small" aria-label="Actions for ${u.name}">Actions ▾</summary>
          <div class="menu-list" role="menu"><a role="menuitem" href="/admin/users/${u.id}/work-on-behalf" data-requires-eligible="${u.id}">Work on behalf</a>
            ${v.canAudit ? html`<a role="menuitem" href="/admin/audit?subject=${u.id}">Audit as subject</a>` : ''}</div>
        </details></td>
      </tr>`,
    )}</tbody></table>`;
}

function requestForm(v: Viewer, u: DemoUser, values: Partial<WorkRequest> & { error?: string }): Html {
  return html`<section class="card narrow">
    <p class="muted small"><a href="/admin/users">Admin › Users</a> › Work on behalf</p>
    <h1>Work on behalf of ${u.name}</h1>
    <div style="margin:14px 0">${who(u)}</div>
    <div class="notice warn">You will see what ${u.name} sees, with ${u.name}’s permissions only. Any change you make takes effect on ${u.name}’s account, and everything is recorded with your name.</div>
    <p data-eligibility-for="${u.id}" data-notice class="muted small"></p>
    ${values.error ? html`<div class="notice bad" role="alert">${values.error}</div>` : ''}
    <form class="stack" method="post" action="/admin/users/${u.id}/work-on-behalf" data-testid="work-on-behalf-form">
      <input type="hidden" name="_csrf" value="${v.csrfToken}">
      <label>Reason <span class="hint">Required: why do you need to act as ${u.name}? At least ${DEMO_REASON_RULES.minLength} characters.</span>
        <textarea name="reason" rows="3" required minlength="${DEMO_REASON_RULES.minLength}" maxlength="${DEMO_REASON_RULES.maxLength}">${values.reason ?? ''}</textarea></label>
      <label>Ticket <span class="hint">Optional, e.g. SUP-1234</span><input type="text" name="ticket" maxlength="100" value="${values.ticket ?? ''}"></label>
      <label class="check"><input type="checkbox" name="readOnly" value="on"${values.readOnly ? html` checked` : ''}> Read-only: look, but refuse every change</label>
      <div class="actions"><button class="btn" type="submit" data-requires-eligible="${u.id}">Continue</button><a class="btn btn-secondary" href="/admin/users">Cancel</a></div>
    </form>
  </section>`;
}

function confirmStep(v: Viewer, u: DemoUser, r: WorkRequest): Html {
  return html`<section class="card narrow" data-testid="confirm">
    <p class="muted small"><a href="/admin/users">Admin › Users</a> › Work on behalf › Confirm</p>
    <h1>Confirm: work on behalf of ${u.name}?</h1>
    <div style="margin:14px 0">${who(u)}</div>
    <dl class="facts">
      <dt>Reason</dt><dd>${r.reason}</dd>
      <dt>Ticket</dt><dd>${r.ticket || '—'}</dd>
      <dt>Mode</dt><dd>${r.readOnly ? 'Read-only (changes are refused)' : 'Full: changes take effect on their account'}</dd>
      <dt>Time limit</dt><dd>30 minutes, or 10 minutes without activity</dd>
    </dl>
    <div class="notice warn" style="margin-top:16px">A yellow banner stays at the bottom of every page while you act. Use its <strong>Exit</strong> button to come back to your own account.</div>
    ${u.requiresConsent
      ? html`<div class="notice info" data-testid="consent-note">${u.name} asked to be consulted: you can start only while he or she grants support access.
          <form method="post" action="/onbehalf/consent-requests" style="margin-top:8px"><input type="hidden" name="_csrf" value="${v.csrfToken}"><input type="hidden" name="userId" value="${u.id}"><input type="hidden" name="reason" value="${r.reason}">${r.ticket ? html`<input type="hidden" name="ticket" value="${r.ticket}">` : ''}<button class="btn btn-secondary btn-small" type="submit">Ask ${u.name} for consent</button></form></div>`
      : ''}
    ${u.fourEyes
      ? html`<div class="notice info" data-testid="four-eyes-note">${u.name} is protected: starting sends a request to a second admin (Admin › Approvals). Once it is approved, confirm here again to start.</div>`
      : ''}
    <form method="post" action="/onbehalf/start" class="actions">
      <input type="hidden" name="_csrf" value="${v.csrfToken}">
      <input type="hidden" name="userId" value="${u.id}">
      <input type="hidden" name="reason" value="${r.reason}">
      ${r.ticket ? html`<input type="hidden" name="ticket" value="${r.ticket}">` : ''}
      <input type="hidden" name="readOnly" value="${r.readOnly ? 'true' : 'false'}">
      <input type="hidden" name="returnTo" value="/admin/users">
      <button class="btn" type="submit">Start working on behalf of ${u.name}</button>
      <a class="btn btn-secondary" href="/admin/users/${u.id}/work-on-behalf">Back</a>
    </form>
  </section>`;
}

/**
 * Admin › Users: the user list with a per-user Action menu → "Work on behalf" (W2): a form for
 * the reason (required), an optional ticket and read-only, then a confirm step that posts to the
 * middleware's `POST /onbehalf/start`. Eligibility comes from onbehalf itself, never re-derived here.
 */
export function adminUsersPages(deps: DemoDeps): Router {
  const router = express.Router();
  const { state, viewer } = deps;
  router.use('/admin/users', requireImpersonator(deps));
  const userOf = (id: string) => {
    const u = state.user(id);
    if (!u) throw new DemoError('USER_NOT_FOUND', 'No such user.');
    return u;
  };
  const scripts = ['/assets/admin.js'];

  router.get('/admin/users', (req, res) => {
    const body = html`<div class="page-head"><div><h1>Users</h1><p class="muted">Contoso tenant · ${state.users.length} users</p></div></div>
      <section class="card">${usersTable(deps, viewer(req))}</section>`;
    res.type('html').send(page({ title: 'Admin › Users', viewer: viewer(req), active: 'users', body, scripts }));
  });

  router.get('/admin/users/:id/work-on-behalf', (req, res) => {
    const u = userOf(String(req.params.id));
    res.type('html').send(page({ title: `Work on behalf of ${u.name}`, viewer: viewer(req), active: 'users', body: requestForm(viewer(req), u, {}), scripts }));
  });

  // The confirm step: check the request, show it back, and only then post to onbehalf.
  router.post('/admin/users/:id/work-on-behalf', requireCsrf, (req, res) => {
    const u = userOf(String(req.params.id));
    const raw = bodyOf(req);
    const parsed = requestSchema.safeParse({ ...raw, ticket: raw.ticket === '' ? undefined : raw.ticket });
    const v = viewer(req);
    if (!parsed.success) {
      const error = parsed.error.issues[0].message;
      if (!wantsPage(req)) throw new DemoError(parsed.error.issues[0].path[0] === 'ticket' ? 'INVALID_TICKET' : 'INVALID_REASON', error);
      const values = { reason: typeof raw.reason === 'string' ? raw.reason : '', ticket: typeof raw.ticket === 'string' ? raw.ticket : '', readOnly: Boolean(raw.readOnly), error };
      return res.status(400).type('html').send(page({ title: `Work on behalf of ${u.name}`, viewer: v, active: 'users', body: requestForm(v, u, values), scripts }));
    }
    const request: WorkRequest = { reason: parsed.data.reason, ticket: parsed.data.ticket || undefined, readOnly: parsed.data.readOnly !== undefined };
    if (!wantsPage(req)) return res.json({ confirm: { userId: u.id, ...request } });
    res.type('html').send(page({ title: `Confirm: work on behalf of ${u.name}`, viewer: v, active: 'users', body: confirmStep(v, u, request), scripts }));
  });
  router.all('/admin/users/:id/work-on-behalf', () => {
    throw new DemoError('METHOD_NOT_ALLOWED', 'Use GET for the form and POST to confirm.');
  });
  return router;
}
