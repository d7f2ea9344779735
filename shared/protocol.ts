// zod/mini: the same schemas, a fraction of the size in the extension's bundles (tree-shaken).
import * as z from 'zod/mini';
import { hasControlCharacters, hasInvisibleCharacters, isSafeLocalPath } from './text.js';

/** Reason rules (W6 in docs/requirements.md). The server and the extension's picker validate with the same schema. */
export interface ReasonRules {
  /** Minimum length after trimming. Default 10. */
  minLength: number;
  /** Maximum length after trimming. Default 500. */
  maxLength: number;
  /** Whether a ticket reference is required. Default false. */
  requireTicket: boolean;
}
export const DEFAULT_REASON_RULES: ReasonRules = { minLength: 10, maxLength: 500, requireTicket: false };

/** Line breaks typed into a multi-line reason box become single spaces; the ends are trimmed. */
export const oneLine = (s: string) => s.replace(/[^\S\r\n]*[\r\n]+\s*/g, ' ').trim();

export function reasonSchema(rules: ReasonRules = DEFAULT_REASON_RULES) {
  return z.string({ error: 'A reason is required.' }).check(
    z.overwrite(oneLine),
    z.minLength(rules.minLength, `The reason must explain why, in at least ${rules.minLength} characters.`),
    z.maxLength(rules.maxLength, `The reason must be at most ${rules.maxLength} characters.`),
    z.refine((s) => !hasInvisibleCharacters(s), 'The reason contains a hidden character (a tab, or an invisible one pasted with the text): type that part again.'),
  );
}

export const ticketSchema = z.string().check(
  z.trim(),
  z.maxLength(100, 'The ticket reference must be at most 100 characters.'),
  z.refine((s) => !hasInvisibleCharacters(s), 'The ticket contains a hidden character (a tab, or an invisible one pasted with the text): type it again.'),
);

export const localPathSchema = z.string().check(z.refine(isSafeLocalPath, 'Must be a path on this site, starting with a single "/".'));

const formBoolean = z.pipe(
  z.union([z.boolean(), z.enum(['on', 'true', '1', 'false', '0', 'off', ''])]),
  z.transform((v: boolean | 'on' | 'true' | '1' | 'false' | '0' | 'off' | '') => v === true || v === 'on' || v === 'true' || v === '1'),
);

export const userIdSchema = z.union(
  [
    z.string({ error: 'userId is required.' }).check(
      z.minLength(1, 'userId is required.'),
      z.maxLength(200, 'userId is too long.'),
      z.refine((s) => !hasControlCharacters(s), 'userId must not contain control characters.'),
    ),
    z.number().check(z.int('userId must be an integer.'), z.refine(Number.isSafeInteger, 'userId is too large.')),
  ],
  { error: 'userId is required.' },
);

/** `POST {basePath}/start` body. Built per host configuration because reason rules are settings. */
export function startRequestSchema(rules: ReasonRules = DEFAULT_REASON_RULES) {
  return z
    .object({
      userId: userIdSchema,
      reason: reasonSchema(rules),
      ticket: z.optional(ticketSchema),
      readOnly: z.optional(formBoolean),
      returnTo: z.optional(localPathSchema),
      _csrf: z.optional(z.string()),
    })
    .check(
      z.superRefine((v, ctx) => {
        if (rules.requireTicket && !v.ticket) {
          ctx.addIssue({ code: 'custom', path: ['ticket'], message: 'A ticket reference is required.' });
        }
      }),
    );
}
export type StartRequest = z.infer<ReturnType<typeof startRequestSchema>>;

// Built in a pure call, so bundles that never parse this request (the extension) drop it.
export const usersQuerySchema = /* @__PURE__ */ (() => z.object({
  q: z._default(z.string().check(z.maxLength(200), z.refine((s) => !hasControlCharacters(s), 'q must not contain control characters.')), ''),
  limit: z._default(z.coerce.number().check(z.int(), z.gte(1), z.lte(50)), 20),
}))();

/** A user id as the host has it (a string, or a number for SQL integer keys). */
export const userIdValueSchema = z.union([z.string(), z.number()]);
export const personSchema = z.object({ id: userIdValueSchema, name: z.string(), email: z.optional(z.string()) });
export type Person = z.infer<typeof personSchema>;

/** The public view of an impersonation session (what status, start and the admin API return). */
export const sessionViewSchema = z.object({
  sessionId: z.string(),
  actor: personSchema,
  subject: personSchema,
  reason: z.string(),
  ticket: z.optional(z.string()),
  readOnly: z.boolean(),
  startedAt: z.number(),
  /** Hard limit (W12), epoch ms. */
  expiresAt: z.number(),
  /** When the session ends if no request comes before, epoch ms. */
  idleExpiresAt: z.number(),
  exitMode: z.enum(['return', 'logout']),
});
export type SessionView = z.infer<typeof sessionViewSchema>;

export const statusResponseSchema = z.discriminatedUnion('active', [
  z.object({ active: z.literal(false), csrfToken: z.string(), signedIn: z.boolean(), canImpersonate: z.boolean() }),
  z.object({ active: z.literal(true), csrfToken: z.string(), session: sessionViewSchema, now: z.number() }),
]);
export type StatusResponse = z.infer<typeof statusResponseSchema>;

export const APPROVAL_STATES = ['required', 'pending', 'approved'] as const;
export type ApprovalState = (typeof APPROVAL_STATES)[number];

export const candidateSchema = z.object({
  id: userIdValueSchema,
  name: z.string(),
  email: z.optional(z.string()),
  eligible: z.boolean(),
  code: z.optional(z.string()),
  /** The reason in words when not eligible. */
  message: z.optional(z.string()),
  /**
   * Four-eyes (docs/subject.md), for an eligible user the policy protects: `required` (a start
   * sends a request), `pending` (the caller's request waits), `approved` (the caller may start).
   */
  approval: z.optional(z.enum(APPROVAL_STATES)),
});
export type Candidate = z.infer<typeof candidateSchema>;
export const usersResponseSchema = z.object({ users: z.array(candidateSchema) });

export const startResponseSchema = z.object({ session: sessionViewSchema, redirect: z.string(), csrfToken: z.string() });
export const stopResponseSchema = z.object({ redirect: z.string(), csrfToken: z.optional(z.string()) });

/**
 * Why an impersonation session ended (W10, W12 in docs/requirements.md). `host-sign-in` / `host-sign-out`: the actor
 * sent a write to the host's own sign-in / sign-out route while acting, and it ended before the
 * host's handler ran (the record has the request's method and path); `relogin` / `logout`: the
 * host's code signed someone in (or regenerated the session) / signed out while acting, elsewhere;
 * `replaced`: the actor started again while an earlier session no request used any more was still
 * live; `lost`: a memory store forgot a session a previous process left live (a crash, a restart):
 * found at start-up in the file audit, or when the actor's browser still referred to it;
 * `shutdown`: the process stopped (SIGTERM, `close()`) and its store does not keep sessions for the
 * next one.
 */
export const END_CAUSES = ['exit', 'expired', 'idle', 'revoked', 'logout', 'ineligible', 'relogin', 'replaced', 'lost', 'shutdown', 'host-sign-in', 'host-sign-out'] as const;
export type EndCause = (typeof END_CAUSES)[number];

/** Audit event types. */
export const AUDIT_TYPES = [
  'started',
  'denied',
  'ended',
  'action',
  'outcome',
  // The subject's side (docs/subject.md): consent grants, access requests and their decisions.
  'consent-granted',
  'consent-revoked',
  'access-requested',
  'request-approved',
  'request-declined',
  // Acting tokens (docs/tokens.md): one was issued (who, for whom, which audience, until when; never the token).
  'token-issued',
] as const;
export type AuditType = (typeof AUDIT_TYPES)[number];

/**
 * One audit record, as every sink stores it (the file sink adds chain fields around it).
 * "Who really did this, as whom, when, why": actor, subject, time, reason.
 */
export const auditEventSchema = z.object({
  id: z.string(),
  time: z.string(),
  type: z.enum(AUDIT_TYPES),
  actor: z.optional(personSchema),
  subject: z.optional(personSchema),
  reason: z.optional(z.string()),
  ticket: z.optional(z.string()),
  sessionId: z.optional(z.string()),
  ip: z.optional(z.string()),
  userAgent: z.optional(z.string()),
  /** denied: the error code. */
  code: z.optional(z.string()),
  /** ended: the cause. */
  cause: z.optional(z.enum(END_CAUSES)),
  /** action (written before the host's handler runs) and outcome: the request; ended: the request that ended it, if one did. */
  method: z.optional(z.string()),
  path: z.optional(z.string()),
  /** outcome: the answer's status, and the id of the `action` it answers; ended, when the host's code ended it while handling that action. */
  status: z.optional(z.number()),
  actionId: z.optional(z.string()),
  readOnly: z.optional(z.boolean()),
  /** consent-granted, consent-revoked, started under a grant: the grant. */
  grantId: z.optional(z.string()),
  /** access-requested, request-approved, request-declined, started after approval: the request. */
  requestId: z.optional(z.string()),
  /** request-approved, request-declined, started after approval: who decided (four-eyes) or the subject (consent). */
  approver: z.optional(personSchema),
  /** consent-granted: when the grant ends; token-issued: when the token expires. Epoch ms. */
  until: z.optional(z.number()),
  /** token-issued: the token's `jti`; action: the `jti` of the token the write was made with, on an API service ("onbehalf/tokens"). */
  tokenId: z.optional(z.string()),
  /** token-issued: the service the token is for (its `aud`). */
  audience: z.optional(z.string()),
});
export type AuditEvent = z.infer<typeof auditEventSchema>;
