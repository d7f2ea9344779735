import express, { type Router } from 'express';
import { html } from '../html.js';
import { page } from '../layout.js';
import { effectiveUser } from '../guard.js';
import { okrRow, okrTree } from '../widgets.js';
import type { DemoDeps } from '../deps.js';

/** "My OKRs", the landing page (W11): the effective user's objectives and what is assigned to them. */
export function myOkrsPage({ state, viewer }: DemoDeps): Router {
  const router = express.Router();
  router.get('/', (req, res) => {
    const v = viewer(req);
    const me = effectiveUser(req);
    const canView = (id: string) => state.model.can(me, 'view', id);
    const visible = state.okrs().filter((o) => canView(o.id));
    const owned = visible.filter((o) => o.kind === 'objective' && o.owners.includes(me));
    const ownedIds = new Set(owned.map((o) => o.id));
    const ownedElsewhere = visible.filter((o) => o.kind !== 'objective' && o.owners.includes(me) && !ownedIds.has(o.objectiveId ?? ''));
    const assigned = visible.filter((o) => !o.owners.includes(me) && (o.checkInOwners?.includes(me) || o.delegates?.includes(me) || o.editors?.includes(me)));
    const role = (o: (typeof assigned)[number]) =>
      o.delegates?.includes(me) ? 'Delegate' : o.editors?.includes(me) ? 'Edit access' : 'Check-in owner';

    const body = html`
      <div class="page-head"><div><h1>My OKRs</h1><p class="muted">${v.name} · Q4 2026</p></div>
        <a class="btn btn-secondary" href="/activity">Recent activity</a></div>
      <section class="card"><h2>Objectives I own</h2>${okrTree(state, owned, canView)}</section>
      ${ownedElsewhere.length ? html`<section class="card"><h2>Key results I own</h2>${ownedElsewhere.map((o) => okrRow(state, o))}</section>` : ''}
      <section class="card"><h2>Shared with me</h2>
        ${assigned.length ? assigned.map((o) => okrRow(state, o, html`<span class="badge accent">${role(o)}</span>`)) : html`<p class="empty">No check-ins, delegations or edit grants for you.</p>`}
      </section>`;
    res.type('html').send(page({ title: 'My OKRs', viewer: v, active: 'okrs', body }));
  });
  return router;
}
