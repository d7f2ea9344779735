import express, { type Router } from 'express';
import { formatDuration, type AccessEntry, type AccessRequest, type Grant } from 'onbehalf/client';
import { formatTime } from '../format.js';
import { html, type Html } from '../html.js';
import { page, type Viewer } from '../layout.js';
import { DemoError } from '../respond.js';
import type { DemoDeps } from '../deps.js';

const API = '/onbehalf';
/** How long a grant may last, as the subject picks it (onbehalf accepts 1 … 168 hours). */
const DURATIONS: Array<[hours: number, label: string]> = [[1, '1 hour'], [8, '8 hours'], [24, '1 day'], [168, '7 days']];

const hidden = (v: Viewer) => html`<input type="hidden" name="_csrf" value="${v.csrfToken}">`;
const durationSelect = () => html`<select name="hours" aria-label="For how long">${DURATIONS.map(([h, label]) => html`<option value="${h}">${label}</option>`)}</select>`;

function requestItem(v: Viewer, r: AccessRequest): Html {
  return html`<li class="feed-item" data-request="${r.id}"><div style="flex:1">
    <p><strong>${r.actor.name}</strong> asks to work on your behalf: <q>${r.reason}</q>${r.ticket ? html` <span class="badge">${r.ticket}</span>` : ''}</p>
    <p class="muted small">Asked ${formatTime(r.createdAt)} · answer before ${formatTime(r.expiresAt)}</p>
    <div class="actions">
      <form method="post" action="${API}/me/requests/${r.id}/approve" class="actions">${hidden(v)}${durationSelect()}<button class="btn btn-small" type="submit">Allow</button></form>
      <form method="post" action="${API}/me/requests/${r.id}/decline">${hidden(v)}<button class="btn btn-secondary btn-small" type="submit">Decline</button></form>
    </div></div></li>`;
}

function grantRow(v: Viewer, g: Grant): Html {
  return html`<tr data-grant="${g.id}"><td>${g.to ? g.to.name : 'Any support admin'}</td><td class="nowrap">${formatTime(g.expiresAt)}</td>
    <td style="text-align:right"><form method="post" action="${API}/me/grants/${g.id}/revoke">${hidden(v)}<button class="btn btn-danger btn-small" type="submit">Revoke</button></form></td></tr>`;
}

function sessionRow(v: Viewer, e: AccessEntry, now: number): Html {
  const live = e.endedAt === undefined;
  return html`<tr data-session="${e.sessionId}">
    <td class="nowrap">${formatTime(e.startedAt)}<small class="muted" style="display:block">${live ? html`<span class="badge warn">now, for ${formatDuration(now - e.startedAt)}</span>` : formatDuration(e.endedAt! - e.startedAt)}</small></td>
    <td><strong>${e.actor.name}</strong>${e.approver ? html`<small class="muted" style="display:block">approved by ${e.approver.name}</small>` : ''}${e.grantId ? html`<small class="muted" style="display:block">with your consent</small>` : ''}</td>
    <td><q>${e.reason}</q>${e.ticket ? html` <span class="badge">${e.ticket}</span>` : ''}${e.readOnly ? html` <span class="badge">read-only</span>` : ''}</td>
    <td class="small">${e.actions.length ? html`<ul style="margin:0;padding-left:16px">${e.actions.map((a) => html`<li><code>${a.method} ${a.path}</code>${a.status ? html` → ${a.status}` : ''}</li>`)}</ul>` : html`<span class="muted">${live ? '—' : 'No changes'}</span>`}</td>
    <td style="text-align:right">${live ? '' : e.dismissedAt ? html`<span class="muted small">seen</span>` : html`<form method="post" action="${API}/me/notices/${e.sessionId}/dismiss">${hidden(v)}<button class="btn btn-secondary btn-small" type="submit">Dismiss</button></form>`}</td>
  </tr>`;
}

/**
 * My access (under the user's menu): every session on the signed-in user's account, newest first,
 * with who, why, for how long and what changed; the support access they granted, and the
 * requests waiting for their answer. Never while someone works on their behalf.
 */
export function myAccessPage({ ob, now, viewer }: DemoDeps): Router {
  const router = express.Router();
  router.get('/account/access', async (req, res) => {
    if (req.onBehalf?.active) throw new DemoError('BLOCKED_WHILE_ACTING', 'A user’s access history is theirs: not shown while working on their behalf.');
    const v = viewer(req);
    const { sessions, grants, requests } = await ob.access(v.id);
    const at = now();
    const body = html`<div class="page-head"><div><h1>Access to your account</h1>
        <p class="muted">Every time support worked on your behalf: who, when, why, and what they changed.</p></div></div>
      ${requests.length ? html`<section class="card" data-testid="requests"><h2>Requests waiting for you</h2><ul class="feed">${requests.map((r) => requestItem(v, r))}</ul></section>` : ''}
      <section class="card" data-testid="grants"><h2>Support access you granted</h2>
        ${grants.length ? html`<table><thead><tr><th>To</th><th>Until</th><th><span class="sr-only">Revoke</span></th></tr></thead><tbody>${grants.map((g) => grantRow(v, g))}</tbody></table>` : html`<p class="muted">None. Where your organisation asks for your consent, support can work on your behalf only while you grant it.</p>`}
        <form method="post" action="${API}/me/grants" class="row" style="margin-top:12px" data-testid="grant-form">${hidden(v)}
          <label>Allow support to work on my behalf for ${durationSelect()}</label><button class="btn" type="submit">Grant access</button></form>
      </section>
      <section class="card" data-testid="sessions"><h2>Sessions on your account</h2>
        ${sessions.length
          ? html`<table><thead><tr><th>When</th><th>Who</th><th>Why</th><th>What changed</th><th><span class="sr-only">Notice</span></th></tr></thead><tbody>${sessions.map((e) => sessionRow(v, e, at))}</tbody></table>`
          : html`<p class="empty">Nobody has worked on your behalf.</p>`}
      </section>`;
    res.type('html').send(page({ title: 'My access', viewer: v, active: 'access', body }));
  });
  return router;
}
