import * as z from 'zod/mini';
import { aboutName } from './text.js';
import { personSchema, reasonSchema, sessionViewSchema, ticketSchema, userIdSchema, type ReasonRules } from './protocol.js';

const HOUR = 3_600_000;
/** The shortest and longest consent grant a subject can give (1 hour … 7 days). */
export const GRANT_LIMITS = { minMs: HOUR, maxMs: 7 * 24 * HOUR } as const;

// Request-side schemas are built in a pure call: bundles that never parse requests (the extension) drop them.
/**
 * How a subject says how long a grant lasts: whole hours, 1 … 168, as a JSON number or a form's
 * digits (never `true`, `[1]` or `"0x10"`, which plain coercion would read as hours).
 */
export const grantHoursSchema = /* @__PURE__ */ (() =>
  z.pipe(
    z.union([z.number(), z.string().check(z.regex(/^\d{1,6}$/))], { error: 'hours must be a whole number of hours.' }),
    z.coerce.number<string | number>().check(
      z.refine((n) => Number.isInteger(n), 'hours must be a whole number.'),
      z.gte(GRANT_LIMITS.minMs / HOUR, 'A grant lasts at least 1 hour.'),
      z.lte(GRANT_LIMITS.maxMs / HOUR, 'A grant lasts at most 7 days (168 hours).'),
    ),
  ))();

/** `POST {basePath}/me/grants`: the subject grants support access for a while, to anyone allowed or to one admin. */
export const grantRequestSchema = z.object({
  hours: grantHoursSchema,
  /** Only this admin may use the grant. Default: any admin allowed to work on behalf of the subject. */
  to: z.optional(userIdSchema),
  _csrf: z.optional(z.string()),
});

/** `POST {basePath}/me/requests/:id/approve`: the subject approves an admin's consent request for a while. */
export const consentApprovalSchema = z.object({ hours: grantHoursSchema, _csrf: z.optional(z.string()) });

/** `POST {basePath}/consent-requests`: an admin asks a user for access. */
export function consentRequestSchema(rules: ReasonRules) {
  return z.object({ userId: userIdSchema, reason: reasonSchema(rules), ticket: z.optional(ticketSchema), _csrf: z.optional(z.string()) });
}

export const actionViewSchema = z.object({ at: z.number(), method: z.string(), path: z.string(), status: z.optional(z.number()) });

/** One session on the subject's account, as their access history shows it. */
export const accessEntrySchema = z.extend(z.pick(sessionViewSchema, { sessionId: true, actor: true, subject: true, reason: true, ticket: true, readOnly: true, startedAt: true }), {
  /** Absent while the session is live. */
  endedAt: z.optional(z.number()),
  cause: z.optional(z.string()),
  /** The writes made during the session, oldest first (from the audit's `action` records). */
  actions: z.array(actionViewSchema),
  /** The second admin who approved the start (four-eyes), or the grant it started under. */
  approver: z.optional(personSchema),
  grantId: z.optional(z.string()),
  /** Set once the subject dismissed the notice of it; the entry stays in the history. */
  dismissedAt: z.optional(z.number()),
});
export type AccessEntry = z.infer<typeof accessEntrySchema>;

export const grantViewSchema = z.object({
  id: z.string(),
  subject: personSchema,
  /** Only this admin may use it; absent: any allowed admin. */
  to: z.optional(personSchema),
  grantedAt: z.number(),
  expiresAt: z.number(),
  /** The consent request it answered, if any. */
  requestId: z.optional(z.string()),
});
export type Grant = z.infer<typeof grantViewSchema>;

export const REQUEST_KINDS = ['consent', 'approval'] as const;
/** `deciding`: a decision was claimed and its audit record is being written (then approved, used or declined, or back to pending). */
export const REQUEST_STATUSES = ['pending', 'deciding', 'approved', 'declined', 'used'] as const;

/** An admin's request: consent (the subject decides) or approval (a second admin decides, four-eyes). */
export const accessRequestSchema = z.object({
  id: z.string(),
  kind: z.enum(REQUEST_KINDS),
  actor: personSchema,
  subject: personSchema,
  reason: z.string(),
  ticket: z.optional(z.string()),
  createdAt: z.number(),
  /** Pending: must be decided before this; approved: must be used before this. */
  expiresAt: z.number(),
  status: z.enum(REQUEST_STATUSES),
  approver: z.optional(personSchema),
  decidedAt: z.optional(z.number()),
});
export type AccessRequest = z.infer<typeof accessRequestSchema>;

/** The most ended sessions an access history answers at once (a store keeps 200 per subject by default). */
export const ACCESS_LIMIT = 200;
/** `GET {basePath}/me/access` and `/subjects/:id/access`: at most `limit` ended sessions, newest first (live ones always). */
export const accessQuerySchema = /* @__PURE__ */ (() => z.object({
  limit: z._default(
    z.coerce.number({ error: 'limit must be a number.' }).check(z.int({ error: 'limit must be a whole number.' }), z.gte(1, 'limit must be at least 1.'), z.lte(ACCESS_LIMIT, `limit must be at most ${ACCESS_LIMIT}.`)),
    ACCESS_LIMIT,
  ),
}))();

/** `GET {basePath}/requests`: the admin's own open requests, pending or approved and not yet used. */
export const myRequestsResponseSchema = z.object({ requests: z.array(accessRequestSchema) });

/** `GET {basePath}/me/access`. */
export const myAccessResponseSchema = z.object({
  /** Every session on the account, newest first: live ones first, then ended ones. */
  sessions: z.array(accessEntrySchema),
  grants: z.array(grantViewSchema),
  /** Consent requests waiting for the subject's answer. */
  requests: z.array(accessRequestSchema),
  consentRequired: z.boolean(),
});
export type MyAccessResponse = z.infer<typeof myAccessResponseSchema>;

/** "under a minute", "12 min", "2 h 5 min": how long a session lasted, in words a subject reads at a glance. */
export function formatDuration(ms: number): string {
  const minutes = Math.floor(Math.max(0, ms) / 60_000);
  if (minutes < 1) return 'under a minute';
  const h = Math.floor(minutes / 60);
  const m = minutes % 60;
  return h ? `${h} h${m ? ` ${m} min` : ''}` : `${m} min`;
}

/** "2026-12-01 20:10 UTC": unambiguous wherever the subject reads it. */
export const formatUtc = (at: number) => `${new Date(at).toISOString().slice(0, 16).replace('T', ' ')} UTC`;

/** The notice's wording: the server-rendered notice, the demo's page and the notify hook's messages can share it. */
export const NOTICE = {
  marker: 'data-onbehalf-notice',
  title: 'Someone worked on your behalf',
  /** About the actor: `NOTICE.summary(e)(e.actor.name)` is the sentence. */
  summary: (e: AccessEntry) => aboutName('', ` worked on your behalf on ${formatUtc(e.startedAt)} for ${formatDuration((e.endedAt ?? e.startedAt) - e.startedAt)}.`),
  changes: (e: AccessEntry) =>
    e.actions.length === 0 ? 'No changes were made.' : `${e.actions.length} change${e.actions.length === 1 ? '' : 's'} made for you:`,
  dismissLabel: 'Dismiss',
  historyLabel: 'See every access to your account',
} as const;
