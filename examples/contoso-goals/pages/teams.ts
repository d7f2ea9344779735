import express, { type Router } from 'express';
import type { Team } from 'onbehalf/okr';
import { effectiveUser } from '../guard.js';
import { html, type Html } from '../html.js';
import { page } from '../layout.js';
import { DemoError } from '../respond.js';
import { names, okrTree } from '../widgets.js';
import type { DemoDeps } from '../deps.js';
import type { DemoState } from '../state.js';

function tree(state: DemoState, parentId: string | undefined): Html {
  const children = state.teams().filter((t) => t.parentId === parentId);
  if (!children.length) return html``;
  return html`<ul class="tree">${children.map(
    (t) => html`<li><a href="/teams/${t.id}"><strong>${t.name}</strong></a> <span class="muted small">· owners ${names(state, t.owners)} · ${t.owners.length + t.members.length} people</span>${tree(state, t.id)}</li>`,
  )}</ul>`;
}

/** Team pages: the team tree, and each team's people, sub-teams and the OKRs the viewer may see. */
export function teamPages({ state, viewer }: DemoDeps): Router {
  const router = express.Router();

  router.get('/teams', (req, res) => {
    const body = html`<div class="page-head"><div><h1>Teams</h1><p class="muted">Contoso’s team tree</p></div></div>
      <section class="card">${tree(state, undefined)}</section>`;
    res.type('html').send(page({ title: 'Teams', viewer: viewer(req), active: 'teams', body }));
  });

  router.get('/teams/:id', (req, res) => {
    const team: Team | undefined = state.model.directory.team(String(req.params.id));
    if (!team) throw new DemoError('NOT_FOUND', 'No such team.');
    const me = effectiveUser(req);
    const canView = (id: string) => state.model.can(me, 'view', id);
    const objectives = state.okrs().filter((o) => o.teamId === team.id && o.kind === 'objective' && canView(o.id));
    const parent = team.parentId ? state.model.directory.team(team.parentId) : undefined;
    const subTeams = state.teams().filter((t) => t.parentId === team.id);
    const body = html`
      <p class="muted small"><a href="/teams">Teams</a>${parent ? html` › <a href="/teams/${parent.id}">${parent.name}</a>` : ''}</p>
      <div class="page-head"><div><h1>${team.name}</h1><p class="muted">Owners ${names(state, team.owners)}</p></div></div>
      <div class="grid">
        <section class="card"><h2>Objectives</h2>${okrTree(state, objectives, canView)}</section>
        <div>
          <section class="card"><h2>People</h2><dl class="facts">
            <dt>Owners</dt><dd>${names(state, team.owners)}</dd>
            <dt>Members</dt><dd>${names(state, team.members) || '—'}</dd>
          </dl></section>
          ${subTeams.length ? html`<section class="card"><h2>Sub-teams</h2>${tree(state, team.id)}</section>` : ''}
        </div>
      </div>`;
    res.type('html').send(page({ title: team.name, viewer: viewer(req), active: 'teams', body }));
  });
  return router;
}
