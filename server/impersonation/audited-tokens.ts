import { OnBehalfError } from '../http/index.js';
import type { Lifecycle } from './lifecycle.js';
import type { ActingTokenIssuer } from './types.js';

/**
 * The host's token issuer, with every issued token on the record first: who, for whom, in which
 * session, for which audience and until when (its `jti`, never the token). When the audit can't
 * take that record, the token is not handed out (503 AUDIT_UNAVAILABLE).
 */
export function auditedTokens(tokens: ActingTokenIssuer, life: Lifecycle): ActingTokenIssuer {
  return {
    audiences: tokens.audiences,
    jwks: tokens.jwks,
    async issue(session, input) {
      const issued = await tokens.issue(session, input);
      const { actor, subject, reason, ticket, sessionId, readOnly } = session;
      try {
        await life.record(
          life.event('token-issued', input.req, { actor, subject, reason, ticket, sessionId, readOnly, audience: input.audience, tokenId: issued.id, until: issued.expiresAt }),
        );
      } catch {
        throw new OnBehalfError('AUDIT_UNAVAILABLE', 'The audit could not be written, so no token was issued.');
      }
      return issued;
    },
  };
}
