import * as z from 'zod/mini';

/** RFC 8693 §2.1: the grant type of a token exchange request. */
export const TOKEN_EXCHANGE_GRANT = 'urn:ietf:params:oauth:grant-type:token-exchange';
/** RFC 8693 §3: the token type identifier of an OAuth access token. */
export const ACCESS_TOKEN_TYPE = 'urn:ietf:params:oauth:token-type:access_token';
/** The JOSE `typ` of an acting token: a JWT access token, as RFC 9068 §2.1 names it. */
export const ACTING_TOKEN_TYP = 'at+jwt';

// Built in a pure call, so bundles that never parse this request (the extension) drop it.
/**
 * `POST {basePath}/token` body (form-encoded as RFC 8693 §2.1 has it, or JSON). The subject and
 * the actor come from the acting session itself, never from the request: `subject_token` and
 * `actor_token` are not read.
 */
export const tokenRequestSchema = /* @__PURE__ */ (() => z.object({
  grant_type: z.string({ error: 'grant_type is required.' }),
  /** The service the token is for: one of the audiences the host configured. */
  audience: z.string({ error: 'audience is required.' }).check(z.minLength(1, 'audience is required.'), z.maxLength(500, 'audience is too long.')),
  requested_token_type: z.optional(z.literal(ACCESS_TOKEN_TYPE, { error: `requested_token_type may only be ${ACCESS_TOKEN_TYPE}.` })),
}))();
export type TokenRequest = z.infer<typeof tokenRequestSchema>;

/** RFC 8693 §2.2.1 successful response. */
export const tokenResponseSchema = z.object({
  access_token: z.string(),
  issued_token_type: z.literal(ACCESS_TOKEN_TYPE),
  token_type: z.literal('Bearer'),
  /** Seconds from now. */
  expires_in: z.number(),
});
export type TokenResponse = z.infer<typeof tokenResponseSchema>;
