import express, { type NextFunction, type Request, type Response, type Router } from 'express';
import { formatTime } from '../format.js';
import { html } from '../html.js';
import { page } from '../layout.js';
import { DemoError } from '../respond.js';
import type { DemoDeps } from '../deps.js';

/**
 * Admin › Approvals (four-eyes): requests to work on behalf of a protected user, waiting for a
 * second admin. onbehalf refuses the requester's own and a second decision; this page only lists.
 */
export function approvalsPage({ ob, viewer }: DemoDeps): Router {
  const router = express.Router();
  const requireApprover = (req: Request, _res: Response, next: NextFunction) => {
    if (!viewer(req).canApprove) return next(new DemoError('FORBIDDEN', 'Admin › Approvals needs the impersonate:approve permission.'));
    next();
  };
  router.get('/admin/approvals', requireApprover, async (req, res) => {
    const v = viewer(req);
    const pending = await ob.approvals();
    const body = html`<div class="page-head"><div><h1>Approvals</h1><p class="muted">Requests to work on behalf of protected users: a second admin decides.</p></div></div>
      <section class="card" data-testid="approvals">${pending.length
        ? html`<ul class="feed">${pending.map(
            (r) => html`<li class="feed-item" data-request="${r.id}"><div style="flex:1">
              <p><strong>${r.actor.name}</strong> asks to work on behalf of <strong>${r.subject.name}</strong>: <q>${r.reason}</q>${r.ticket ? html` <span class="badge">${r.ticket}</span>` : ''}</p>
              <p class="muted small">Asked ${formatTime(r.createdAt)} · expires ${formatTime(r.expiresAt)}</p>
              ${r.actor.id === v.id
                ? html`<p class="muted small">Your own request: another admin must decide.</p>`
                : html`<div class="actions">${(['approve', 'decline'] as const).map(
                    (verdict) => html`<form method="post" action="/onbehalf/approvals/${r.id}/${verdict}"><input type="hidden" name="_csrf" value="${v.csrfToken}"><button class="btn btn-small${verdict === 'decline' ? ' btn-secondary' : ''}" type="submit">${verdict === 'approve' ? 'Approve' : 'Decline'}</button></form>`,
                  )}</div>`}
            </div></li>`,
          )}</ul>`
        : html`<p class="empty">No request waits for approval.</p>`}</section>`;
    res.type('html').send(page({ title: 'Admin › Approvals', viewer: v, active: 'approvals', body }));
  });
  return router;
}
