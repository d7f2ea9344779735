import express, { type Router } from 'express';
import { renderEntry } from '../activity.js';
import { effectiveUser } from '../guard.js';
import { html } from '../html.js';
import { page } from '../layout.js';
import type { DemoDeps } from '../deps.js';

/** The activity feed: the subject as the doer, "by Avery Admin on behalf of Ashley" when acted for (W7). */
export function activityPage({ state, viewer }: DemoDeps): Router {
  const router = express.Router();
  router.get('/activity', (req, res) => {
    const me = effectiveUser(req);
    const entries = state.feed.list((okrId) => state.model.can(me, 'view', okrId));
    const body = html`<div class="page-head"><div><h1>Activity</h1><p class="muted">Check-ins, edits and comments across Contoso</p></div></div>
      <section class="card">${entries.length
        ? html`<ul class="feed" data-testid="feed">${entries.map((e) => renderEntry(e, state.okr(e.okrId)?.title ?? e.okrId, e.kind === 'check-in' ? state.metric(e.okrId)?.unit : ''))}</ul>`
        : html`<p class="empty">No activity yet.</p>`}</section>`;
    res.type('html').send(page({ title: 'Activity', viewer: viewer(req), active: 'activity', body }));
  });
  return router;
}
