import { once } from 'node:events';
import { Router, type Request, type Response } from 'express';
import { z } from 'zod';
import { AUDIT_TYPES, hasControlCharacters, type AuditEvent, type ErrorCode } from '../../shared/index.js';
import { OnBehalfError, sendError } from '../http/index.js';
import type { AuditQuery, AuditSink } from './types.js';
import { csvHeader, csvRow } from './csv.js';
import { AuditError } from './errors.js';

/** Options of {@link auditRouter}. */
export interface AuditRouterOptions {
  /** The sink to read; it must implement `query`. */
  sink: AuditSink;
  /** Whether the signed-in user may read the audit (e.g. holds `audit:read`). Errors deny. */
  canRead: (req: Request) => boolean | Promise<boolean>;
}

const text = z.string().min(1).max(200).refine((s) => !hasControlCharacters(s), 'must not contain control characters');
/** An ISO 8601 date/time or epoch milliseconds. */
const time = z.string().transform((s, ctx) => {
  const t = /^\d+$/.test(s) ? Number(s) : Date.parse(s);
  if (Number.isNaN(t)) { ctx.addIssue({ code: 'custom', message: 'must be an ISO 8601 time or epoch milliseconds' }); return z.NEVER; }
  return t;
});
const filters = {
  actor: text.optional(),
  subject: text.optional(),
  type: z.enum(AUDIT_TYPES).optional(),
  sessionId: text.optional(),
  from: time.optional(),
  to: time.optional(),
};
const fromBeforeTo = (q: { from?: number; to?: number }) => q.from === undefined || q.to === undefined || q.from <= q.to;
/** `GET {basePath}/audit` query (the HTTP API reference is generated from it). */
export const auditListQuerySchema = z
  .strictObject({
    ...filters,
    cursor: z.string().max(200).regex(/^[\w.:-]+$/, 'not a cursor').optional(),
    limit: z.coerce.number().int().min(1).max(1000).default(100),
  })
  .refine(fromBeforeTo, { message: '`from` must not be after `to`', path: ['from'] });
/** `GET {basePath}/audit/export` query. */
export const auditExportQuerySchema = z
  .strictObject({ ...filters, format: z.enum(['jsonl', 'csv']).default('jsonl') })
  .refine(fromBeforeTo, { message: '`from` must not be after `to`', path: ['from'] });

const EXPORT_PAGE = 1000;

const fail = (req: Request, res: Response, code: ErrorCode, message: string) => sendError(req, res, new OnBehalfError(code, message));

function badQuery(req: Request, res: Response, error: z.ZodError) {
  const issue = error.issues[0];
  fail(req, res, 'BAD_REQUEST', `${issue.path.join('.') || 'query'}: ${issue.message}`);
}

function sinkFailed(req: Request, res: Response, e: unknown) {
  if (e instanceof AuditError) return fail(req, res, e.code, e.code === 'BAD_REQUEST' ? e.message : 'The audit log is unavailable.');
  fail(req, res, 'AUDIT_UNAVAILABLE', 'The audit log is unavailable.');
}

/** Every event matching `q`, page by page. */
async function* allEvents(sink: AuditSink, q: AuditQuery): AsyncGenerator<AuditEvent[]> {
  let cursor: string | undefined;
  do {
    const page = await sink.query!({ ...q, cursor, limit: EXPORT_PAGE });
    yield page.events;
    cursor = page.nextCursor;
  } while (cursor);
}

/**
 * The auditors' HTTP API: `GET /audit` (filters, cursor pagination), `GET /audit/export`
 * (JSONL or CSV) and `GET /audit/sessions/:id` (one session: reason, duration, every action).
 * Mount it under the middleware's basePath.
 */
export function auditRouter(options: AuditRouterOptions): Router {
  const { sink } = options;
  const router = Router();

  router.use('/audit', async (req, res, next) => {
    res.set('Cache-Control', 'no-store');
    let allowed = false;
    try { allowed = await options.canRead(req); } catch { /* fail closed */ }
    if (!allowed) return fail(req, res, 'NOT_ALLOWED', 'Reading the audit needs the audit:read permission.');
    if (req.method !== 'GET' && req.method !== 'HEAD') return fail(req, res, 'METHOD_NOT_ALLOWED', 'The audit is read-only.');
    if (!sink.query) return fail(req, res, 'NOT_FOUND', 'This audit sink can not be queried.');
    next();
  });

  router.get('/audit', async (req, res) => {
    const q = auditListQuerySchema.safeParse(req.query);
    if (!q.success) return badQuery(req, res, q.error);
    try {
      const page = await sink.query!(q.data);
      res.json({ events: page.events, nextCursor: page.nextCursor ?? null });
    } catch (e) {
      sinkFailed(req, res, e);
    }
  });

  router.get('/audit/export', async (req, res) => {
    const q = auditExportQuerySchema.safeParse(req.query);
    if (!q.success) return badQuery(req, res, q.error);
    const { format, ...filter } = q.data;
    const pages = allEvents(sink, filter);
    let first;
    try {
      first = await pages.next();
    } catch (e) {
      return sinkFailed(req, res, e);
    }
    res.attachment(`onbehalf-audit.${format}`); // before type(): it sets a type from the extension
    res.type(format === 'csv' ? 'text/csv; charset=utf-8' : 'application/x-ndjson; charset=utf-8');
    const send = async (chunk: string) => { if (!res.write(chunk)) await once(res, 'drain'); };
    try {
      if (format === 'csv') await send(csvHeader());
      for (let page = first; !page.done; page = await pages.next()) {
        await send(page.value.map((e) => (format === 'csv' ? csvRow(e) : `${JSON.stringify(e)}\n`)).join(''));
      }
      res.end();
    } catch {
      // Headers are gone: cut the response so that a partial export can't pass for a whole one.
      res.destroy();
    }
  });

  router.get('/audit/sessions/:id', async (req, res) => {
    const id = text.safeParse(req.params.id);
    if (!id.success) return badQuery(req, res, id.error);
    const events: AuditEvent[] = [];
    try {
      for await (const page of allEvents(sink, { sessionId: id.data })) events.push(...page);
    } catch (e) {
      return sinkFailed(req, res, e);
    }
    const started = events.find((e) => e.type === 'started');
    if (!started) return fail(req, res, 'SESSION_NOT_FOUND', 'No audited session has this id.');
    const ended = events.find((e) => e.type === 'ended');
    const startedAt = Date.parse(started.time);
    res.json({
      session: {
        sessionId: id.data,
        actor: started.actor,
        subject: started.subject,
        reason: started.reason,
        ticket: started.ticket,
        readOnly: started.readOnly ?? false,
        startedAt: started.time,
        endedAt: ended?.time ?? null,
        cause: ended?.cause ?? null,
        // Until the end, or so far when the session is still going.
        durationMs: (ended ? Date.parse(ended.time) : Date.now()) - startedAt,
        active: !ended,
      },
      // Each write with the status it was answered with (its outcome record), once there is one.
      actions: events
        .filter((e) => e.type === 'action')
        .map((a) => ({ ...a, status: events.find((e) => e.type === 'outcome' && e.actionId === a.id)?.status ?? a.status })),
    });
  });

  return router;
}
