import type { Okr } from 'onbehalf/okr';
import { formatNumber, percent } from './format.js';
import { html, type Html } from './html.js';
import type { DemoState } from './state.js';

/** Small pieces the OKR pages share. */

/** A progress bar named for its OKR (screen readers announce "Progress of …, 67%"). */
export function progressBar(ratio: number, okr: Pick<Okr, 'status' | 'title'>): Html {
  const cls = okr.status === 'closed' ? 'closed' : ratio >= 1 ? 'done' : '';
  return html`<div class="progress"><div class="bar ${cls}" role="progressbar" aria-label="Progress of ${okr.title}" aria-valuenow="${Math.round(ratio * 100)}" aria-valuemin="0" aria-valuemax="100"><span style="width:${percent(ratio)}"></span></div><span>${percent(ratio)}</span></div>`;
}

export function statusBadge(okr: Okr): Html {
  return okr.status === 'closed' ? html`<span class="badge">Closed</span>` : html``;
}

export const LEVELS: Record<Okr['level'], string> = { org: 'Organization', team: 'Team', individual: 'Individual' };
export const KINDS: Record<Okr['kind'], string> = { objective: 'Objective', 'key-result': 'Key result', initiative: 'Initiative' };

/** "Ashley, Ben Member" from ids. */
export function names(state: DemoState, ids: readonly string[] | undefined): string {
  return (ids ?? []).map((id) => state.user(id)?.name ?? id).join(', ');
}

/** "40 of 60 opportunities". */
export function measure(state: DemoState, okr: Okr): string {
  const m = state.metric(okr.id);
  return m ? `${formatNumber(m.current)} of ${formatNumber(m.target)} ${m.unit}`.trim() : '';
}

/** One OKR row: title link, owners / team / measure, progress. Key results indent under their objective. */
export function okrRow(state: DemoState, okr: Okr, extra: Html = html``): Html {
  const team = okr.teamId ? state.model.directory.team(okr.teamId) : undefined;
  return html`<div class="okr ${okr.kind === 'objective' ? '' : 'kr'}" data-okr="${okr.id}">
    <div>
      <a class="title" href="/okrs/${okr.id}">${okr.title}</a>
      <div class="okr-meta">
        <span>${KINDS[okr.kind]}</span><span>·</span><span>${names(state, okr.owners)}</span>
        ${team ? html`<span>·</span><a href="/teams/${team.id}">${team.name}</a>` : html`<span>·</span><span>${LEVELS[okr.level]}</span>`}
        ${measure(state, okr) ? html`<span>·</span><span>${measure(state, okr)}</span>` : ''}
        ${okr.private ? html`<span class="badge warn">Private</span>` : ''}${statusBadge(okr)}${extra}
      </div>
    </div>
    ${progressBar(state.progress(okr.id), okr)}
  </div>`;
}

/** Objectives with their key results beneath, as a card body. */
export function okrTree(state: DemoState, objectives: Okr[], canView: (id: string) => boolean): Html {
  if (!objectives.length) return html`<p class="empty">Nothing here yet.</p>`;
  return html`${objectives.map((o) => html`${okrRow(state, o)}${state.keyResultsOf(o.id).filter((k) => canView(k.id)).map((k) => okrRow(state, k))}`)}`;
}
