import { z } from 'zod';
import { hasControlCharacters, hasInvisibleCharacters, isSafeLocalPath } from './text.js';

/** Reason rules (BRIEF W6). The server and the extension's picker validate with the same schema. */
export interface ReasonRules {
  /** Minimum length after trimming. Default 10. */
  minLength: number;
  /** Maximum length after trimming. Default 500. */
  maxLength: number;
  /** Whether a ticket reference is required. Default false. */
  requireTicket: boolean;
}
export const DEFAULT_REASON_RULES: ReasonRules = { minLength: 10, maxLength: 500, requireTicket: false };

export function reasonSchema(rules: ReasonRules = DEFAULT_REASON_RULES) {
  return z
    .string({ error: 'A reason is required.' })
    .transform((s) => s.trim())
    .pipe(
      z
        .string()
        .min(rules.minLength, `The reason must explain why, in at least ${rules.minLength} characters.`)
        .max(rules.maxLength, `The reason must be at most ${rules.maxLength} characters.`)
        .refine((s) => !hasInvisibleCharacters(s), 'The reason must not contain control or invisible characters (zero-width, bidi).'),
    );
}

export const ticketSchema = z
  .string()
  .transform((s) => s.trim())
  .pipe(
    z
      .string()
      .max(100, 'The ticket reference must be at most 100 characters.')
      .refine((s) => !hasInvisibleCharacters(s), 'The ticket reference must not contain control or invisible characters (zero-width, bidi).'),
  );

export const localPathSchema = z.string().refine(isSafeLocalPath, 'Must be a path on this site, starting with a single "/".');

const formBoolean = z
  .union([z.boolean(), z.enum(['on', 'true', '1', 'false', '0', 'off', ''])])
  .transform((v) => v === true || v === 'on' || v === 'true' || v === '1');

export const userIdSchema = z.union(
  [
    z
      .string({ error: 'userId is required.' })
      .min(1, 'userId is required.')
      .max(200, 'userId is too long.')
      .refine((s) => !hasControlCharacters(s), 'userId must not contain control characters.'),
    z.number().int('userId must be an integer.').refine(Number.isSafeInteger, 'userId is too large.'),
  ],
  { error: 'userId is required.' },
);

/** `POST {basePath}/start` body. Built per host configuration because reason rules are settings. */
export function startRequestSchema(rules: ReasonRules = DEFAULT_REASON_RULES) {
  return z
    .object({
      userId: userIdSchema,
      reason: reasonSchema(rules),
      ticket: ticketSchema.optional(),
      readOnly: formBoolean.optional(),
      returnTo: localPathSchema.optional(),
      _csrf: z.string().optional(),
    })
    .superRefine((v, ctx) => {
      if (rules.requireTicket && !v.ticket) {
        ctx.addIssue({ code: 'custom', path: ['ticket'], message: 'A ticket reference is required.' });
      }
    });
}
export type StartRequest = z.infer<ReturnType<typeof startRequestSchema>>;

export const usersQuerySchema = z.object({
  q: z.string().max(200).refine((s) => !hasControlCharacters(s), 'q must not contain control characters.').default(''),
  limit: z.coerce.number().int().min(1).max(50).default(20),
});

/** A user id as the host has it (a string, or a number for SQL integer keys). */
export const userIdValueSchema = z.union([z.string(), z.number()]);
export const personSchema = z.object({ id: userIdValueSchema, name: z.string(), email: z.string().optional() });
export type Person = z.infer<typeof personSchema>;

/** The public view of an impersonation session (what status, start and the admin API return). */
export const sessionViewSchema = z.object({
  sessionId: z.string(),
  actor: personSchema,
  subject: personSchema,
  reason: z.string(),
  ticket: z.string().optional(),
  readOnly: z.boolean(),
  startedAt: z.number(),
  /** Hard limit (BRIEF W12), epoch ms. */
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

export const candidateSchema = z.object({
  id: userIdValueSchema,
  name: z.string(),
  email: z.string().optional(),
  eligible: z.boolean(),
  code: z.string().optional(),
  /** The reason in words when not eligible. */
  message: z.string().optional(),
});
export type Candidate = z.infer<typeof candidateSchema>;
export const usersResponseSchema = z.object({ users: z.array(candidateSchema) });

export const startResponseSchema = z.object({ session: sessionViewSchema, redirect: z.string(), csrfToken: z.string() });
export const stopResponseSchema = z.object({ redirect: z.string(), csrfToken: z.string().optional() });

/** Why an impersonation session ended (BRIEF W10, W12). */
/**
 * `relogin`: the host signed someone in (or regenerated the session) while acting; `replaced`: the
 * actor started again while an earlier session no request used any more was still live; `lost`:
 * the store no longer had a session the actor's browser still referred to (a memory store restart).
 */
export const END_CAUSES = ['exit', 'expired', 'idle', 'revoked', 'logout', 'ineligible', 'relogin', 'replaced', 'lost'] as const;
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
  actor: personSchema.optional(),
  subject: personSchema.optional(),
  reason: z.string().optional(),
  ticket: z.string().optional(),
  sessionId: z.string().optional(),
  ip: z.string().optional(),
  userAgent: z.string().optional(),
  /** denied: the error code. */
  code: z.string().optional(),
  /** ended: the cause. */
  cause: z.enum(END_CAUSES).optional(),
  /** action (written before the host's handler runs) and outcome: the request. */
  method: z.string().optional(),
  path: z.string().optional(),
  /** outcome: the answer's status, and the id of the `action` it answers. */
  status: z.number().optional(),
  actionId: z.string().optional(),
  readOnly: z.boolean().optional(),
  /** consent-granted, consent-revoked, started under a grant: the grant. */
  grantId: z.string().optional(),
  /** access-requested, request-approved, request-declined, started after approval: the request. */
  requestId: z.string().optional(),
  /** request-approved, request-declined, started after approval: who decided (four-eyes) or the subject (consent). */
  approver: personSchema.optional(),
  /** consent-granted: when the grant ends, epoch ms. */
  until: z.number().optional(),
  /** action: the `jti` of the access token the write was made with, on an API service ("onbehalf/tokens"). */
  tokenId: z.string().optional(),
});
export type AuditEvent = z.infer<typeof auditEventSchema>;
