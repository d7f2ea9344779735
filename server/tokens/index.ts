/** onbehalf/tokens: access tokens that carry the real actor (RFC 8693 `act`), for SPAs and API services. */
export { actingTokens, type ActingTokensOptions } from './issue.js';
export { verifyActingTokens, MAX_TOKEN_LENGTH, type VerifyActingTokensOptions, type LiveSessions } from './verify.js';
export { TOKEN_ALGORITHMS, type TokenAlgorithm, type TokenKeyConfig, type PublishedJwk } from './keys.js';
export { MAX_ACT_DEPTH, type ActingClaims } from './claims.js';
export type { Acting, ActClaim, ActingTokenInfo, ActingTokenIssuer, IssuedActingToken } from '../impersonation/types.js';
export { TOKEN_EXCHANGE_GRANT, ACCESS_TOKEN_TYPE, ACTING_TOKEN_TYP, type TokenRequest, type TokenResponse } from '../../shared/index.js';
