import express, { type Request, type Router } from 'express';
import { z } from 'zod';
import { OKR_ACTIONS, RULES, type CloneDestination, type Okr } from 'onbehalf/okr';
import { attributionOf, onBehalfNote } from '../activity.js';
import { requireCsrf } from '../auth.js';
import { bodyOf, line, numberField, parse } from '../forms.js';
import { formatNumber, formatTime } from '../format.js';
import { allow, effectiveUser, visibleOkr } from '../guard.js';
import { html, type Html } from '../html.js';
import { page, type Viewer } from '../layout.js';
import { DemoError, done } from '../respond.js';
import { KINDS, LEVELS, measure, names, okrRow, progressBar, statusBadge } from '../widgets.js';
import type { DemoDeps } from '../deps.js';
import type { DemoState } from '../state.js';

const checkInSchema = z.object({ value: numberField('The value'), note: line('The note', 500, 0).optional() });
const editSchema = z.object({ title: line('The title', 200), target: numberField('The target').optional() });
const commentSchema = z.object({ text: line('The comment', 1000) });
const cloneSchema = z.object({ teamId: z.string({ error: 'The team must be a team id.' }).max(200).optional() });

/** Form fields arrive as strings; an empty optional field means "not given". */
const withoutEmpty = (body: Record<string, unknown>) => Object.fromEntries(Object.entries(body).filter(([, v]) => v !== ''));

/** The "Why?" inspector: each action for the effective user, with explain()'s answer and every path tried. */
function whyInspector(state: DemoState, userName: string, userId: string, okr: Okr): Html {
  return html`<section class="card" id="why" aria-labelledby="why-title">
    <h2 id="why-title">Why? <span class="muted small">as ${userName}</span></h2>
    <p class="muted small">What ${userName} may do with this ${KINDS[okr.kind].toLowerCase()}, and the rule that decides each answer.</p>
    <ul class="why-list">${OKR_ACTIONS.map((action) => {
      const e = state.model.explain(userId, action, okr.id);
      return html`<li data-action="${action}" data-allowed="${String(e.allowed)}"><details>
        <summary><span>${action}</span><span class="${e.allowed ? 'yes' : 'no'}">${e.allowed ? '✓ allowed' : '✗ denied'} · <code>${e.decidedBy}</code></span></summary>
        <p class="small">${RULES[e.decidedBy]}</p>
        <ol>${e.paths.map((p) => html`<li><code>${p.rule}</code> ${p.satisfied ? html`<span class="yes">✓</span>` : html`— ${p.missing}`}</li>`)}</ol>
      </details></li>`;
    })}</ul>
  </section>`;
}

function facts(state: DemoState, okr: Okr): Html {
  const team = okr.teamId ? state.model.directory.team(okr.teamId) : undefined;
  const parents = (okr.alignedTo ?? []).map((id) => state.okr(id)).filter((o): o is Okr => Boolean(o));
  const row = (label: string, value: Html | string) => html`<dt>${label}</dt><dd>${value}</dd>`;
  return html`<dl class="facts">
    ${row('Level', team ? html`${LEVELS[okr.level]} · <a href="/teams/${team.id}">${team.name}</a>` : LEVELS[okr.level])}
    ${row('Owners', names(state, okr.owners))}
    ${row('Created by', names(state, [okr.creatorId]))}
    ${parents.length ? row('Aligned to', html`${parents.map((p, i) => html`${i ? ', ' : ''}<a href="/okrs/${p.id}">${p.title}</a>`)}`) : ''}
    ${okr.delegates?.length ? row('Delegates', names(state, okr.delegates)) : ''}
    ${okr.checkInOwners?.length ? row('Check-in owners', names(state, okr.checkInOwners)) : ''}
    ${okr.editors?.length ? row('Edit access', names(state, okr.editors)) : ''}
    ${okr.private ? row('Privacy', html`<span class="badge warn">Private</span> ${okr.privateTo?.length ? `shared with ${names(state, okr.privateTo)}` : 'owners and delegates only'}`) : ''}
  </dl>`;
}

function okrPage(state: DemoState, req: Request, v: Viewer, okr: Okr): string {
  const me = effectiveUser(req);
  // A read-only session refuses every change (onbehalf answers 403 READ_ONLY): offer none.
  const readOnly = req.onBehalf?.active === true && req.onBehalf.readOnly;
  const can = (action: (typeof OKR_ACTIONS)[number]) => !(readOnly && action !== 'view') && state.model.can(me, action, okr.id);
  const csrfField = html`<input type="hidden" name="_csrf" value="${v.csrfToken}">`;
  const m = state.metric(okr.id);
  const objective = okr.objectiveId ? state.okr(okr.objectiveId) : undefined;
  const krs = state.keyResultsOf(okr.id).filter((k) => state.model.can(me, 'view', k.id));
  const checkIns = state.checkIns(okr.id).slice().reverse();
  const comments = state.comments(okr.id);

  const checkInForm =
    m && can('check-in')
      ? html`<section class="card"><h2>Check in</h2>
        <form class="row" method="post" action="/okrs/${okr.id}/check-ins" data-testid="check-in-form">${csrfField}
          <label>New value <input type="number" step="any" name="value" required value="${m.current}"><span class="field-hint">Now ${formatNumber(m.current)} ${m.unit}, target ${formatNumber(m.target)}</span></label>
          <label style="flex:2">Note <input type="text" name="note" maxlength="500" placeholder="What changed?"><span class="field-hint">Optional</span></label>
          <button class="btn" type="submit" style="margin-bottom:22px">Check in</button>
        </form></section>`
      : '';

  const where = (d: CloneDestination) =>
    d.level === 'team' ? `into ${state.model.directory.team(d.teamId)?.name ?? d.teamId}` : d.level === 'org' ? 'as an org OKR' : 'as your individual OKR';
  // P9: each team of the org, with where the clone would really go for this user (the model's answer).
  const cloneForm = can('clone')
    ? html`<section class="card"><h2>Clone</h2>
      <form class="stack" method="post" action="/okrs/${okr.id}/clone" data-testid="clone-form">${csrfField}
        <label>Into <select name="teamId">
          <option value="">Automatic: ${where(state.model.cloneDestination(me, okr.id))}</option>
          ${state.teams().filter((t) => t.orgId === okr.orgId).map((t) => {
            const d = state.model.cloneDestination(me, okr.id, { teamId: t.id });
            return html`<option value="${t.id}" data-level="${d.level}">${t.name}${d.level === 'team' ? '' : ` (you can’t create OKRs there: ${where(d)})`}</option>`;
          })}
        </select></label>
        <div><button class="btn btn-secondary" type="submit">Clone</button></div>
      </form></section>`
    : '';

  const manage = html`<section class="card"><h2>Manage</h2>
    ${can('edit')
      ? html`<details><summary class="btn btn-secondary btn-small">Edit</summary>
        <form class="stack" method="post" action="/okrs/${okr.id}/edit" style="margin-top:12px">${csrfField}
          <label>Title <input type="text" name="title" required maxlength="200" value="${okr.title}"></label>
          ${m ? html`<label>Target <span class="hint">${m.unit}</span><input type="number" step="any" name="target" value="${m.target}"></label>` : ''}
          <div><button class="btn" type="submit">Save</button></div>
        </form></details>`
      : ''}
    <div class="actions" style="margin-top:10px">
      ${can('close') ? html`<form method="post" action="/okrs/${okr.id}/close">${csrfField}<button class="btn btn-danger btn-small" type="submit">Close</button></form>` : ''}
      ${can('reopen') ? html`<form method="post" action="/okrs/${okr.id}/reopen">${csrfField}<button class="btn btn-secondary btn-small" type="submit">Reopen</button></form>` : ''}
    </div>
    ${!can('edit') && !can('close') && !can('reopen') ? html`<p class="muted small">You can’t edit, close or reopen this ${KINDS[okr.kind].toLowerCase()}. See <a href="#why">Why?</a></p>` : ''}
  </section>`;

  const body = html`
    <p class="muted small"><a href="/">My OKRs</a>${objective ? html` › <a href="/okrs/${objective.id}">${objective.title}</a>` : ''}</p>
    ${readOnly ? html`<div class="notice info" data-testid="read-only">Read-only session: you can look, but changes are refused. The Why? inspector still shows what ${v.name} may do.</div>` : ''}
    <div class="page-head"><div><h1 data-testid="okr-title">${okr.title}</h1>
      <p class="muted">${KINDS[okr.kind]}${m ? ` · ${measure(state, okr)}` : ''} ${statusBadge(okr)}</p></div></div>
    <div class="grid">
      <div>
        <section class="card">${progressBar(state.progress(okr.id), okr)}<div style="margin-top:14px">${facts(state, okr)}</div></section>
        ${okr.kind === 'objective' ? html`<section class="card"><h2>Key results</h2>${krs.length ? krs.map((k) => okrRow(state, k)) : html`<p class="empty">No key results yet.</p>`}</section>` : ''}
        ${checkInForm}
        ${m ? html`<section class="card"><h2>Check-ins</h2>${checkIns.length
          ? html`<ul class="feed">${checkIns.map((c) => html`<li class="feed-item"><div>
              <p><strong>${c.by.name}</strong>: ${formatNumber(c.from)} → <strong>${formatNumber(c.value)}</strong> ${m.unit}${c.note ? html` <q>${c.note}</q>` : ''}</p>
              <p class="muted small">${formatTime(c.at)} ${onBehalfNote(c)}</p></div></li>`)}</ul>`
          : html`<p class="empty">No check-ins yet.</p>`}</section>` : ''}
        <section class="card"><h2>Comments</h2>
          ${comments.length ? html`<ul class="feed">${comments.map((c) => html`<li class="feed-item"><div><p><strong>${c.by.name}</strong> ${c.text}</p><p class="muted small">${formatTime(c.at)} ${onBehalfNote(c)}</p></div></li>`)}</ul>` : html`<p class="empty">No comments yet.</p>`}
          ${can('comment') ? html`<form class="row" method="post" action="/okrs/${okr.id}/comments" style="margin-top:10px">${csrfField}
            <label>Add a comment<input type="text" name="text" required maxlength="1000"></label><button class="btn btn-secondary" type="submit">Comment</button></form>` : ''}
        </section>
      </div>
      <div>${manage}${cloneForm}${whyInspector(state, v.name, me, okr)}</div>
    </div>`;
  return page({ title: okr.title, viewer: v, active: 'okrs', body });
}

/** The OKR page and its actions, each guarded by the permission model for the effective user. */
export function okrPages({ state, viewer, now }: DemoDeps): Router {
  const router = express.Router();
  const who = (req: Request) => attributionOf(req, (id) => state.user(id)?.name ?? id);
  const view = (okr: Okr) => ({ id: okr.id, title: okr.title, status: okr.status, progress: state.progress(okr.id), metric: state.metric(okr.id) });

  router.get('/okrs/:id', (req, res) => {
    const okr = visibleOkr(state, req, String(req.params.id));
    res.type('html').send(okrPage(state, req, viewer(req), okr));
  });

  router.post('/okrs/:id/check-ins', requireCsrf, (req, res) => {
    const okr = visibleOkr(state, req, String(req.params.id));
    allow(state, req, 'check-in', okr.id);
    if (!state.metric(okr.id)) throw new DemoError('BAD_REQUEST', 'Objectives take their progress from their key results: check in on a key result.');
    const input = parse(checkInSchema, withoutEmpty(bodyOf(req)));
    const checkIn = state.checkIn(okr.id, input.value, input.note ?? '', who(req), now());
    done(req, res, `/okrs/${okr.id}`, { checkIn, okr: view(okr) });
  });

  router.post('/okrs/:id/edit', requireCsrf, (req, res) => {
    const okr = visibleOkr(state, req, String(req.params.id));
    allow(state, req, 'edit', okr.id);
    const input = parse(editSchema, withoutEmpty(bodyOf(req)));
    if (input.target !== undefined && !state.metric(okr.id)) throw new DemoError('BAD_REQUEST', 'Only key results have a target.');
    state.edit(okr.id, input, who(req), now());
    done(req, res, `/okrs/${okr.id}`, { okr: view(okr) });
  });

  for (const [action, status] of [['close', 'closed'], ['reopen', 'open']] as const) {
    router.post(`/okrs/:id/${action}`, requireCsrf, (req, res) => {
      const okr = visibleOkr(state, req, String(req.params.id));
      allow(state, req, action, okr.id);
      state.setStatus(okr.id, status, who(req), now());
      done(req, res, `/okrs/${okr.id}`, { okr: view(okr) });
    });
  }

  router.post('/okrs/:id/comments', requireCsrf, (req, res) => {
    const okr = visibleOkr(state, req, String(req.params.id));
    allow(state, req, 'comment', okr.id);
    const input = parse(commentSchema, bodyOf(req));
    const comment = state.comment(okr.id, input.text, who(req), now());
    done(req, res, `/okrs/${okr.id}`, { comment });
  });

  router.post('/okrs/:id/clone', requireCsrf, (req, res) => {
    const okr = visibleOkr(state, req, String(req.params.id));
    allow(state, req, 'clone', okr.id);
    const { teamId } = parse(cloneSchema, withoutEmpty(bodyOf(req)));
    const team = teamId === undefined ? undefined : state.model.directory.team(teamId);
    if (teamId !== undefined && team?.orgId !== okr.orgId) throw new DemoError('BAD_REQUEST', 'No such team in this org.');
    // The team the user picked if they may create OKRs there, else individual; no pick: the automatic choice.
    const destination = state.model.cloneDestination(effectiveUser(req), okr.id, { teamId });
    const copy = state.clone(okr.id, destination, who(req), now());
    done(req, res, `/okrs/${copy.id}`, { okr: { ...view(copy), level: copy.level, teamId: copy.teamId }, destination });
  });

  // These change state: only POST (GET would let a link or an image make a change).
  router.all(['/okrs/:id/check-ins', '/okrs/:id/edit', '/okrs/:id/close', '/okrs/:id/reopen', '/okrs/:id/comments', '/okrs/:id/clone'], () => {
    throw new DemoError('METHOD_NOT_ALLOWED', 'Use POST.');
  });
  return router;
}
