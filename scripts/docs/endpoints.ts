/**
 * Every endpoint of onbehalf's HTTP API, with the protocol's schemas for what it takes and
 * answers. The HTTP API reference (docs/reference/openapi.json, docs/reference/http-api.md) is
 * generated from this table; test/scripts/docs/openapi.test.ts checks it against the routes the
 * middleware really mounts.
 */
import * as z from 'zod/mini';
import { auditExportQuerySchema, auditListQuerySchema } from '../../server/audit/router.js';
import {
  accessEntrySchema,
  accessQuerySchema,
  accessRequestSchema,
  auditEventSchema,
  consentApprovalSchema,
  consentRequestSchema,
  grantRequestSchema,
  grantViewSchema,
  myAccessResponseSchema,
  myRequestsResponseSchema,
  personSchema,
  sessionViewSchema,
  startRequestSchema,
  startResponseSchema,
  statusResponseSchema,
  stopResponseSchema,
  tokenRequestSchema,
  tokenResponseSchema,
  usersQuerySchema,
  usersResponseSchema,
  type ErrorCode,
} from '../../shared/index.js';

/** Who may call an endpoint. */
export type Caller = 'anyone' | 'signed in' | 'holders of `permission`' | 'holders of `auditPermission`' | 'holders of `approvalPermission`' | 'the acting admin';

export interface Endpoint {
  method: 'GET' | 'POST';
  /** Under `basePath`, Express style (`:id`). */
  path: string;
  summary: string;
  who: Caller;
  /** Only when the host passes this option. */
  needs?: string;
  query?: z.core.$ZodType;
  body?: z.core.$ZodType;
  /** The JSON answer; `content` instead for an answer that is not JSON. */
  answer?: z.core.$ZodType;
  content?: string;
  /** The success status, when not 200. */
  status?: number;
  /** The codes this endpoint answers besides those every endpoint may (see `COMMON_ERRORS`). */
  errors: ErrorCode[];
}

/** Any endpoint may answer these: a fault of the store, the session, the host's sign-in, or a body too large. */
export const COMMON_ERRORS: ErrorCode[] = ['BAD_REQUEST', 'PAYLOAD_TOO_LARGE', 'UNSUPPORTED_MEDIA_TYPE', 'STORE_UNAVAILABLE', 'IDENTITY_UNAVAILABLE'];
/** What a state-changing call (POST only, same origin, with the CSRF token) may answer besides. */
export const POST_ERRORS: ErrorCode[] = ['CSRF', 'METHOD_NOT_ALLOWED'];

const sessions = z.object({ sessions: z.array(sessionViewSchema) });
const requestAnswer = z.object({ request: accessRequestSchema });
const auditSession = z.object({
  session: z.object({
    sessionId: z.string(),
    actor: z.optional(personSchema),
    subject: z.optional(personSchema),
    reason: z.optional(z.string()),
    ticket: z.optional(z.string()),
    readOnly: z.boolean(),
    startedAt: z.string(),
    endedAt: z.nullable(z.string()),
    cause: z.nullable(z.string()),
    durationMs: z.number(),
    active: z.boolean(),
  }),
  actions: z.array(auditEventSchema),
});
const eligibility: ErrorCode[] = ['USER_NOT_FOUND', 'TARGET_SELF', 'TARGET_INACTIVE', 'TARGET_PRIVILEGED', 'TARGET_PRIVATE_OBJECTIVES', 'TARGET_REFUSED'];

export const ENDPOINTS: Endpoint[] = [
  {
    method: 'GET', path: '/status', who: 'anyone',
    summary: 'Whether the caller is acting, the session if so, and the CSRF token for the calls below (`""` when signed out: nothing is stored for an anonymous read).',
    answer: statusResponseSchema, errors: [],
  },
  {
    method: 'GET', path: '/users', who: 'holders of `permission`',
    summary: 'Search the directory; each user with whether the caller may work on their behalf, and why not.',
    query: usersQuerySchema, answer: usersResponseSchema, errors: ['NOT_SIGNED_IN', 'NOT_ALLOWED'],
  },
  {
    method: 'POST', path: '/start', who: 'holders of `permission`',
    summary: 'Start working on behalf of a user. A form post is answered with a 303 to `landingPath`.',
    body: startRequestSchema(), answer: startResponseSchema,
    errors: ['INVALID_REASON', 'INVALID_TICKET', 'INVALID_RETURN_TO', 'NOT_SIGNED_IN', 'STEP_UP_REQUIRED', 'NOT_ALLOWED', ...eligibility, 'CONSENT_REQUIRED', 'APPROVAL_REQUIRED', 'APPROVAL_PENDING', 'ALREADY_ACTING', 'SIGN_IN_NOT_KEPT', 'RATE_LIMITED', 'AUDIT_UNAVAILABLE'],
  },
  {
    method: 'POST', path: '/stop', who: 'the acting admin',
    summary: 'Exit: back to the admin\'s own account (`exitMode`). Never refused while acting. A form post gets a 303.',
    answer: stopResponseSchema, errors: ['NOT_ACTING'],
  },
  {
    method: 'GET', path: '/banner.js', who: 'anyone',
    summary: 'The script of the server-rendered banner (its countdown and Exit).', content: 'text/javascript', errors: [],
  },
  {
    method: 'GET', path: '/', who: 'holders of `permission`',
    summary: 'The built-in "Work on behalf" page: search, eligibility, reason and confirmation, without script.', content: 'text/html',
    errors: ['NOT_SIGNED_IN', 'NOT_ALLOWED'],
  },
  {
    method: 'GET', path: '/sessions', who: 'holders of `auditPermission`',
    summary: 'The impersonation sessions active now, on every instance.', answer: sessions, errors: ['NOT_SIGNED_IN', 'NOT_ALLOWED'],
  },
  {
    method: 'POST', path: '/sessions/:id/revoke', who: 'holders of `auditPermission`',
    summary: 'End a session (audited as `revoked`); it ends on its next request, on every instance.',
    answer: z.object({ revoked: sessionViewSchema }), errors: ['NOT_SIGNED_IN', 'NOT_ALLOWED', 'SESSION_NOT_FOUND'],
  },
  {
    method: 'POST', path: '/token', who: 'the acting admin', needs: 'tokens',
    summary: 'RFC 8693 token exchange: an access token for the acting session and one configured audience (docs/tokens.md).',
    body: tokenRequestSchema, answer: tokenResponseSchema,
    errors: ['NOT_ACTING', 'EXPIRED', 'UNSUPPORTED_GRANT_TYPE', 'INVALID_AUDIENCE', 'ACTOR_CHAIN_INVALID', 'AUDIT_UNAVAILABLE', 'INTERNAL'],
  },
  {
    method: 'GET', path: '/jwks.json', who: 'anyone', needs: 'tokens',
    summary: 'The public keys that verify acting tokens (a JWK Set).', content: 'application/jwk-set+json', errors: [],
  },
  {
    method: 'GET', path: '/me/access', who: 'signed in',
    summary: 'The caller\'s access history: every session on their account, their grants and the requests waiting for them.',
    query: accessQuerySchema, answer: myAccessResponseSchema, errors: ['NOT_SIGNED_IN', 'BLOCKED_WHILE_ACTING'],
  },
  {
    method: 'POST', path: '/me/notices/:id/dismiss', who: 'signed in',
    summary: 'Dismiss the notice of a session on the caller\'s account (the history keeps it).',
    answer: z.object({ dismissed: z.string() }), errors: ['NOT_SIGNED_IN', 'BLOCKED_WHILE_ACTING', 'NOTICE_NOT_FOUND'],
  },
  {
    method: 'POST', path: '/me/grants', who: 'signed in',
    summary: 'Grant support access to the caller\'s account for 1 hour … 7 days, to any allowed admin or one.',
    body: grantRequestSchema, answer: z.object({ grant: grantViewSchema }),
    errors: ['NOT_SIGNED_IN', 'BLOCKED_WHILE_ACTING', 'INVALID_DURATION', 'GRANT_SELF', 'USER_NOT_FOUND', 'AUDIT_UNAVAILABLE'],
  },
  {
    method: 'POST', path: '/me/grants/:id/revoke', who: 'signed in',
    summary: 'Revoke a grant; sessions no other grant covers end at once, on every instance.',
    answer: z.object({ revoked: grantViewSchema }), errors: ['NOT_SIGNED_IN', 'BLOCKED_WHILE_ACTING', 'GRANT_NOT_FOUND'],
  },
  {
    method: 'POST', path: '/me/requests/:id/approve', who: 'signed in',
    summary: 'Approve an admin\'s consent request: a grant to that admin for `hours`.',
    body: consentApprovalSchema, answer: z.object({ request: accessRequestSchema, grant: grantViewSchema }),
    errors: ['NOT_SIGNED_IN', 'BLOCKED_WHILE_ACTING', 'INVALID_DURATION', 'REQUEST_NOT_FOUND', 'ALREADY_DECIDED', 'REQUEST_EXPIRED', 'AUDIT_UNAVAILABLE'],
  },
  {
    method: 'POST', path: '/me/requests/:id/decline', who: 'signed in',
    summary: 'Decline an admin\'s consent request.', answer: requestAnswer,
    errors: ['NOT_SIGNED_IN', 'BLOCKED_WHILE_ACTING', 'REQUEST_NOT_FOUND', 'ALREADY_DECIDED', 'REQUEST_EXPIRED', 'AUDIT_UNAVAILABLE'],
  },
  {
    method: 'POST', path: '/consent-requests', who: 'holders of `permission`', status: 201,
    summary: 'Ask a user for consent; asking again returns the open request.',
    body: consentRequestSchema({ minLength: 10, maxLength: 500, requireTicket: false }), answer: requestAnswer,
    errors: ['NOT_SIGNED_IN', 'NOT_ALLOWED', 'BLOCKED_WHILE_ACTING', 'INVALID_REASON', 'INVALID_TICKET', ...eligibility, 'AUDIT_UNAVAILABLE'],
  },
  {
    method: 'GET', path: '/requests', who: 'signed in',
    summary: 'The caller\'s own open requests (consent and four-eyes), pending or approved and not yet used.',
    answer: myRequestsResponseSchema, errors: ['NOT_SIGNED_IN', 'BLOCKED_WHILE_ACTING'],
  },
  {
    method: 'GET', path: '/approvals', who: 'holders of `approvalPermission`',
    summary: 'Four-eyes requests waiting for a second admin\'s decision.',
    answer: myRequestsResponseSchema, errors: ['NOT_SIGNED_IN', 'NOT_ALLOWED', 'BLOCKED_WHILE_ACTING'],
  },
  {
    method: 'POST', path: '/approvals/:id/approve', who: 'holders of `approvalPermission`',
    summary: 'Approve a four-eyes request (never the requester\'s or the subject\'s own).', answer: requestAnswer,
    errors: ['NOT_SIGNED_IN', 'NOT_ALLOWED', 'BLOCKED_WHILE_ACTING', 'SELF_APPROVAL', 'REQUEST_NOT_FOUND', 'ALREADY_DECIDED', 'REQUEST_EXPIRED', 'AUDIT_UNAVAILABLE'],
  },
  {
    method: 'POST', path: '/approvals/:id/decline', who: 'holders of `approvalPermission`',
    summary: 'Decline a four-eyes request.', answer: requestAnswer,
    errors: ['NOT_SIGNED_IN', 'NOT_ALLOWED', 'BLOCKED_WHILE_ACTING', 'SELF_APPROVAL', 'REQUEST_NOT_FOUND', 'ALREADY_DECIDED', 'REQUEST_EXPIRED', 'AUDIT_UNAVAILABLE'],
  },
  {
    method: 'GET', path: '/subjects/:id/access', who: 'holders of `auditPermission`',
    summary: 'Any user\'s access history, for auditors.',
    query: accessQuerySchema, answer: z.object({ sessions: z.array(accessEntrySchema) }), errors: ['NOT_SIGNED_IN', 'NOT_ALLOWED', 'BLOCKED_WHILE_ACTING'],
  },
  {
    method: 'GET', path: '/audit', who: 'holders of `auditPermission`',
    summary: 'Audit events, oldest first, filtered, a page at a time (pass `nextCursor` back as `cursor`).',
    query: auditListQuerySchema, answer: z.object({ events: z.array(auditEventSchema), nextCursor: z.nullable(z.string()) }),
    errors: ['NOT_ALLOWED', 'NOT_FOUND', 'AUDIT_UNAVAILABLE'],
  },
  {
    method: 'GET', path: '/audit/export', who: 'holders of `auditPermission`',
    summary: 'Every matching event as a download: JSON Lines, or CSV with formula-like cells neutralised.',
    query: auditExportQuerySchema, content: 'application/x-ndjson, text/csv', errors: ['NOT_ALLOWED', 'NOT_FOUND', 'AUDIT_UNAVAILABLE'],
  },
  {
    method: 'GET', path: '/audit/sessions/:id', who: 'holders of `auditPermission`',
    summary: 'One audited session: its reason, how long it lasted, why it ended, and every action taken.',
    answer: auditSession, errors: ['NOT_ALLOWED', 'NOT_FOUND', 'SESSION_NOT_FOUND', 'AUDIT_UNAVAILABLE'],
  },
];
