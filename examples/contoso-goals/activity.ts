import type { Request } from 'express';
import { attribution } from 'onbehalf';
import { html, type Html } from './html.js';
import { formatNumber, formatTime } from './format.js';

export interface Person {
  id: string;
  name: string;
}

/**
 * Who did something (W7): `by` is the user the app served — the subject while an admin works on
 * their behalf — and `onBehalfBy` the true actor, shown as "by Avery Admin on behalf of Ashley".
 */
export interface Attribution {
  by: Person;
  onBehalfBy?: Person;
  /** The audit `action` record of the write, when made on someone's behalf (to join the row to the audit). */
  actionId?: string;
}

export type ActivityKind = 'check-in' | 'edit' | 'close' | 'reopen' | 'comment' | 'clone';

export interface ActivityEntry extends Attribution {
  id: number;
  kind: ActivityKind;
  okrId: string;
  at: number;
  detail: { from?: number; value?: number; note?: string; before?: string; after?: string; target?: number; text?: string };
}

export interface ActivityFeed {
  add(entry: Omit<ActivityEntry, 'id'>): ActivityEntry;
  /** Newest first, only entries whose OKR `visible` accepts (P10: privacy covers activity too). */
  list(visible: (okrId: string) => boolean, limit?: number): ActivityEntry[];
}

export function activityFeed(): ActivityFeed {
  const entries: ActivityEntry[] = [];
  return {
    add(entry) {
      const e = { ...entry, id: entries.length + 1 };
      entries.push(e);
      return e;
    },
    list(visible, limit = 50) {
      const out: ActivityEntry[] = [];
      for (let i = entries.length - 1; i >= 0 && out.length < limit; i--) if (visible(entries[i].okrId)) out.push(entries[i]);
      return out;
    },
  };
}

/** The attribution of a change made by this request, from onbehalf's `attribution()`: the author, and the actor while acting. */
export function attributionOf(req: Request, name: (id: string) => string): Attribution {
  const a = attribution(req);
  const id = a ? String(a.authorId) : '';
  return { by: { id, name: name(id) }, ...(a?.onBehalfBy && { onBehalfBy: { id: String(a.onBehalfBy.id), name: a.onBehalfBy.name }, actionId: a.actionId }) };
}

/** "by Avery Admin on behalf of Ashley", when the change was made on someone's behalf. */
export function onBehalfNote(a: Attribution): Html {
  return a.onBehalfBy ? html`<span class="on-behalf">by ${a.onBehalfBy.name} on behalf of ${a.by.name}</span>` : html``;
}

const VERBS: Record<ActivityKind, string> = {
  'check-in': 'checked in on',
  edit: 'edited',
  close: 'closed',
  reopen: 'reopened',
  comment: 'commented on',
  clone: 'created',
};

/** One feed line: the subject as the doer, what changed, and the true actor when there was one. */
export function renderEntry(e: ActivityEntry, okrTitle: string, unit = ''): Html {
  const d = e.detail;
  const what =
    e.kind === 'check-in'
      ? html`: ${formatNumber(d.from!)} → <strong>${formatNumber(d.value!)}</strong> ${unit}${d.note ? html` <q>${d.note}</q>` : ''}`
      : e.kind === 'comment'
        ? html`: <q>${d.text}</q>`
        : e.kind === 'edit' && d.before !== d.after
          ? html` (was <q>${d.before}</q>)`
          : html``;
  return html`<li class="feed-item" data-kind="${e.kind}">
    <span class="avatar" aria-hidden="true">${initials(e.by.name)}</span>
    <div><p><strong>${e.by.name}</strong> ${VERBS[e.kind]} <a href="/okrs/${e.okrId}">${okrTitle}</a>${what}</p>
    <p class="muted small"><time datetime="${new Date(e.at).toISOString()}">${formatTime(e.at)}</time> ${onBehalfNote(e)}</p></div>
  </li>`;
}

export function initials(name: string): string {
  const parts = name.trim().split(/\s+/).filter(Boolean);
  return ((parts[0]?.[0] ?? '?') + (parts.length > 1 ? parts.at(-1)![0] : '')).toUpperCase();
}
