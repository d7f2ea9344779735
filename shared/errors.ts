import * as z from 'zod/mini';

/**
 * Every error the onbehalf HTTP API can answer with, and its HTTP status.
 * The body is always `{ "error": { "code", "message" } }` (see {@link errorBodySchema}).
 */
export const ERROR_STATUS = {
  BAD_REQUEST: 400,
  INVALID_REASON: 400,
  INVALID_TICKET: 400,
  INVALID_RETURN_TO: 400,
  INVALID_DURATION: 400,
  GRANT_SELF: 400,
  UNSUPPORTED_GRANT_TYPE: 400,
  INVALID_AUDIENCE: 400,
  NOT_SIGNED_IN: 401,
  STEP_UP_REQUIRED: 401,
  INVALID_TOKEN: 401,
  TOKEN_EXPIRED: 401,
  TOKEN_REVOKED: 401,
  NOT_ALLOWED: 403,
  FORBIDDEN: 403,
  CSRF: 403,
  TARGET_SELF: 403,
  TARGET_INACTIVE: 403,
  TARGET_PRIVILEGED: 403,
  TARGET_PRIVATE_OBJECTIVES: 403,
  TARGET_REFUSED: 403,
  BLOCKED_WHILE_ACTING: 403,
  READ_ONLY: 403,
  CONSENT_REQUIRED: 403,
  APPROVAL_REQUIRED: 403,
  SELF_APPROVAL: 403,
  USER_NOT_FOUND: 404,
  NOT_FOUND: 404,
  SESSION_NOT_FOUND: 404,
  NOTICE_NOT_FOUND: 404,
  GRANT_NOT_FOUND: 404,
  REQUEST_NOT_FOUND: 404,
  METHOD_NOT_ALLOWED: 405,
  ALREADY_ACTING: 409,
  SIGN_IN_NOT_KEPT: 409,
  NOT_ACTING: 409,
  EXPIRED: 409,
  APPROVAL_PENDING: 409,
  ALREADY_DECIDED: 409,
  REQUEST_EXPIRED: 410,
  PAYLOAD_TOO_LARGE: 413,
  UNSUPPORTED_MEDIA_TYPE: 415,
  RATE_LIMITED: 429,
  INTERNAL: 500,
  AUDIT_UNAVAILABLE: 503,
  STORE_UNAVAILABLE: 503,
  IDENTITY_UNAVAILABLE: 503,
  KEYS_UNAVAILABLE: 503,
  ACTOR_CHAIN_INVALID: 503,
} as const;

export type ErrorCode = keyof typeof ERROR_STATUS;
export const ERROR_CODES = Object.keys(ERROR_STATUS) as ErrorCode[];

/** Why a user can't be worked on behalf of, in words a support admin understands. */
export const ELIGIBILITY_MESSAGES = {
  NOT_ALLOWED: 'You do not have the permission to work on behalf of users.',
  TARGET_SELF: 'You cannot work on behalf of yourself.',
  TARGET_INACTIVE: 'This user is not active.',
  TARGET_PRIVILEGED: 'This user has equal or higher privileges than you (an administrator or impersonator).',
  TARGET_PRIVATE_OBJECTIVES: 'This user has private objectives, so nobody can work on their behalf.',
  TARGET_REFUSED: 'The host application does not allow working on behalf of this user.',
  ALREADY_ACTING: 'You are already working on behalf of someone. Exit first.',
  USER_NOT_FOUND: 'No such user.',
} as const satisfies Partial<Record<ErrorCode, string>>;

export type IneligibleCode = keyof typeof ELIGIBILITY_MESSAGES;

export const errorBodySchema = z.object({
  error: z.object({
    code: z.enum(ERROR_CODES as [ErrorCode, ...ErrorCode[]]),
    message: z.string(),
    rule: z.optional(z.string()),
  }),
});
export type ErrorBody = z.infer<typeof errorBodySchema>;
