import express, { type NextFunction, type Request, type Response, type Router } from 'express';
import { z } from 'zod';
import { AUDIT_TYPES, hasControlCharacters, type AuditEvent } from 'onbehalf/client';
import type { AuditQuery } from 'onbehalf/audit';
import { parse } from '../forms.js';
import { formatTime } from '../format.js';
import { html, type Html } from '../html.js';
import { page } from '../layout.js';
import { DemoError } from '../respond.js';
import type { DemoDeps } from '../deps.js';

/** How many events the page shows (newest first); the export has them all. */
const SHOWN = 200;

const id = z.string().max(200, 'That filter is too long.').refine((s) => !hasControlCharacters(s), 'Filters must not contain control characters.');
/** `<input type="datetime-local">` sends "2026-11-25T09:30" (read as UTC, as the page says). */
const localTime = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2})?$/, 'Times look like 2026-11-25T09:30.')
  .transform((s, ctx) => {
    const t = Date.parse(`${s}Z`);
    if (Number.isNaN(t)) {
      ctx.addIssue({ code: 'custom', message: 'That is not a valid time.' });
      return z.NEVER;
    }
    return t;
  });
const blankIsAbsent = <T extends z.ZodType>(schema: T) => z.preprocess((v) => (v === '' ? undefined : v), schema.optional());
const filterSchema = z
  .strictObject(
    {
      actor: blankIsAbsent(id),
      subject: blankIsAbsent(id),
      type: blankIsAbsent(z.enum(AUDIT_TYPES, { error: `Type is one of ${AUDIT_TYPES.join(', ')}.` })),
      from: blankIsAbsent(localTime),
      to: blankIsAbsent(localTime),
    },
    { error: 'Unknown filter: use actor, subject, type, from and to.' },
  )
  .refine((q) => q.from === undefined || q.to === undefined || q.from <= q.to, '“From” must not be after “To”.');

type Filter = z.infer<typeof filterSchema>;

const TYPE_BADGES: Record<AuditEvent['type'], string> = {
  started: 'accent', ended: '', action: 'warn', outcome: '', denied: 'bad',
  'consent-granted': 'ok', 'consent-revoked': '', 'access-requested': 'accent', 'request-approved': 'ok', 'request-declined': 'bad', 'token-issued': '',
};

/** Admin › Audit needs `audit:read`, held by the effective user (so never while acting for someone without it). */
function requireAuditor(deps: DemoDeps) {
  return (req: Request, _res: Response, next: NextFunction) => {
    if (!deps.viewer(req).canAudit) return next(new DemoError('FORBIDDEN', 'Admin › Audit needs the audit:read permission.'));
    next();
  };
}

/**
 * Admin › Audit: the impersonation audit from the sink, filtered by actor, subject, type and
 * time, newest first, with JSONL / CSV export through the audit router (`/onbehalf/audit/export`).
 */
export function adminAuditPage(deps: DemoDeps): Router {
  const router = express.Router();
  const { state, audit, viewer } = deps;
  const nameOf = (p: AuditEvent['actor']) => (p ? p.name || state.user(String(p.id))?.name || String(p.id) : '—');

  async function newestFirst(q: AuditQuery): Promise<{ events: AuditEvent[]; total: number }> {
    const all: AuditEvent[] = [];
    let cursor: string | undefined;
    do {
      const page = await audit.query({ ...q, cursor, limit: 1000 });
      all.push(...page.events);
      cursor = page.nextCursor;
    } while (cursor);
    return { events: all.reverse().slice(0, SHOWN), total: all.length };
  }

  function details(e: AuditEvent): Html {
    switch (e.type) {
      case 'started':
        return html`<q>${e.reason}</q>${e.ticket ? html` <span class="badge">${e.ticket}</span>` : ''}${e.readOnly ? html` <span class="badge">read-only</span>` : ''}`;
      case 'ended':
        return html`cause <code>${e.cause}</code>`;
      case 'action':
        return html`<code>${e.method} ${e.path}</code>`;
      case 'outcome':
        return html`<code>${e.method} ${e.path}</code> → ${e.status}`;
      case 'denied':
        return html`refused: <code>${e.code}</code>`;
      case 'consent-granted':
        return html`until ${new Date(e.until ?? 0).toISOString().slice(0, 16).replace('T', ' ')} UTC`;
      case 'request-approved':
      case 'request-declined':
        return html`by ${nameOf(e.approver)}`;
      default:
        return e.reason ? html`<q>${e.reason}</q>` : html``;
    }
  }

  const exportHref = (f: Filter, format: 'csv' | 'jsonl') => {
    const p = new URLSearchParams({ format });
    for (const k of ['actor', 'subject', 'type'] as const) if (f[k]) p.set(k, f[k]!);
    if (f.from !== undefined) p.set('from', new Date(f.from).toISOString());
    if (f.to !== undefined) p.set('to', new Date(f.to).toISOString());
    return `/onbehalf/audit/export?${p}`;
  };
  const asInput = (t: number | undefined) => (t === undefined ? '' : new Date(t).toISOString().slice(0, 16));

  router.get('/admin/audit', requireAuditor(deps), async (req, res) => {
    const f = parse(filterSchema, req.query);
    const { events, total } = await newestFirst({ actor: f.actor, subject: f.subject, type: f.type, from: f.from, to: f.to });
    const select = (name: 'actor' | 'subject', label: string) => html`<label>${label}<select name="${name}"><option value="">Anyone</option>${state.users.map(
      (u) => html`<option value="${u.id}"${f[name] === u.id ? html` selected` : ''}>${u.name}</option>`,
    )}</select></label>`;
    const body = html`<div class="page-head"><div><h1>Audit</h1><p class="muted">Every start, refusal, action and end of working on behalf. Times in UTC.</p></div>
        <div class="actions"><a class="btn btn-secondary" href="${exportHref(f, 'csv')}" download>Export CSV</a><a class="btn btn-secondary" href="${exportHref(f, 'jsonl')}" download>Export JSONL</a></div></div>
      <section class="card"><form class="filters" method="get" action="/admin/audit" data-testid="audit-filter">
        ${select('actor', 'Actor')}${select('subject', 'Subject')}
        <label>Type<select name="type"><option value="">Any</option>${AUDIT_TYPES.map((t) => html`<option${f.type === t ? html` selected` : ''}>${t}</option>`)}</select></label>
        <label>From (UTC)<input type="datetime-local" name="from" value="${asInput(f.from)}"></label>
        <label>To (UTC)<input type="datetime-local" name="to" value="${asInput(f.to)}"></label>
        <div class="actions"><button class="btn" type="submit">Filter</button><a class="btn btn-secondary" href="/admin/audit">Clear</a></div>
      </form></section>
      <section class="card">${events.length
        ? html`<table data-testid="audit"><thead><tr><th>Time</th><th>Event</th><th>Actor</th><th>Subject</th><th>Details</th><th>Session</th></tr></thead><tbody>${events.map(
            (e) => html`<tr data-type="${e.type}"><td class="small nowrap">${formatTime(Date.parse(e.time))}</td><td><span class="badge ${TYPE_BADGES[e.type]}">${e.type}</span></td>
              <td class="nowrap">${nameOf(e.actor)}</td><td class="nowrap">${nameOf(e.subject)}</td><td class="small">${details(e)}</td>
              <td class="small">${e.sessionId ? html`<a href="/onbehalf/audit/sessions/${e.sessionId}" title="${e.sessionId}">${e.sessionId.slice(0, 8)}</a>` : '—'}</td></tr>`,
          )}</tbody></table>${total > events.length ? html`<p class="muted small">Showing the newest ${events.length} of ${total}; export for all.</p>` : ''}`
        : html`<p class="empty">No audit events match.</p>`}</section>`;
    res.type('html').send(page({ title: 'Admin › Audit', viewer: viewer(req), active: 'audit', body }));
  });
  return router;
}
