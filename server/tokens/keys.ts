import { optionError } from '../../shared/index.js';
import { createPrivateKey, createPublicKey, type JsonWebKey, type KeyObject } from 'node:crypto';

/** The signature algorithms acting tokens use: asymmetric only, so a verifying service holds no secret. */
export const TOKEN_ALGORITHMS = ['EdDSA', 'ES256'] as const;
export type TokenAlgorithm = (typeof TOKEN_ALGORITHMS)[number];

/** One signing key, from configuration. */
export interface TokenKeyConfig {
  /** Key id, published in the JWKS and named in every token's header. Unique. */
  kid: string;
  /** `'EdDSA'` (an Ed25519 key) or `'ES256'` (a P-256 key). */
  alg: TokenAlgorithm;
  /** PEM (PKCS#8) or a private JWK. Required for the first key, which signs. */
  privateKey?: string | JsonWebKey;
  /** PEM (SPKI) or a public JWK: enough for a retired key that still verifies. Default: derived from `privateKey`. */
  publicKey?: string | JsonWebKey;
}

/** A JWK as the JWKS endpoint publishes it. */
export interface PublishedJwk extends JsonWebKey {
  kid: string;
  alg: TokenAlgorithm;
  use: 'sig';
}

export interface TokenKeys {
  /** The key new tokens are signed with (the first configured). */
  signing: { kid: string; alg: TokenAlgorithm; key: KeyObject };
  /** Every configured key's public half: the current one and those whose tokens may still be live. */
  jwks: { keys: PublishedJwk[] };
}

const KEY_TYPE: Record<TokenAlgorithm, (k: KeyObject) => boolean> = {
  EdDSA: (k) => k.asymmetricKeyType === 'ed25519',
  ES256: (k) => k.asymmetricKeyType === 'ec' && k.asymmetricKeyDetails?.namedCurve === 'prime256v1',
};

function parse(kind: 'private' | 'public', value: string | JsonWebKey, kid: string): KeyObject {
  try {
    const input = typeof value === 'string' ? { key: value, format: 'pem' as const } : { key: value, format: 'jwk' as const };
    return kind === 'private' ? createPrivateKey(input) : createPublicKey(input);
  } catch (err) {
    throw optionError(`actingTokens: key "${kid}": the ${kind} key is not a valid PEM or JWK (${(err as Error).message}).`);
  }
}

/**
 * Read the configured keys once, at start-up: a missing, unreadable or mismatched key is a
 * TypeError here, never a failure on the first request. Rotation: put the new key first and keep
 * the previous one (its public half is enough) until its last token has expired.
 */
export function tokenKeys(configs: readonly TokenKeyConfig[] | undefined): TokenKeys {
  if (!configs || !Array.isArray(configs) || configs.length === 0) {
    throw optionError('actingTokens: `keys` is required: at least one { kid, alg, privateKey } (PEM or JWK) to sign with.');
  }
  const seen = new Set<string>();
  const published: PublishedJwk[] = [];
  let signing: TokenKeys['signing'] | undefined;
  (configs as readonly TokenKeyConfig[]).forEach((c, i) => {
    if (!c || typeof c.kid !== 'string' || !c.kid) throw optionError(`actingTokens: keys[${i}] needs a \`kid\`.`);
    if (seen.has(c.kid)) throw optionError(`actingTokens: key id "${c.kid}" is used twice.`);
    seen.add(c.kid);
    if (!TOKEN_ALGORITHMS.includes(c.alg)) throw optionError(`actingTokens: key "${c.kid}": alg must be one of ${TOKEN_ALGORITHMS.join(', ')}.`);
    const priv = c.privateKey === undefined ? undefined : parse('private', c.privateKey, c.kid);
    if (i === 0 && !priv) throw optionError(`actingTokens: the first key ("${c.kid}") signs new tokens and needs its \`privateKey\`.`);
    const pub = c.publicKey === undefined ? (priv && createPublicKey(priv)) : parse('public', c.publicKey, c.kid);
    if (!pub) throw optionError(`actingTokens: key "${c.kid}" needs a \`publicKey\` or a \`privateKey\`.`);
    const fits = KEY_TYPE[c.alg];
    if ((priv && !fits(priv)) || !fits(pub)) {
      throw optionError(`actingTokens: key "${c.kid}" is not a${c.alg === 'EdDSA' ? 'n Ed25519' : ' P-256'} key, as ${c.alg} needs.`);
    }
    if (priv && c.publicKey !== undefined) {
      const derived = createPublicKey(priv).export({ format: 'jwk' });
      if (JSON.stringify(derived) !== JSON.stringify(pub.export({ format: 'jwk' }))) {
        throw optionError(`actingTokens: key "${c.kid}": publicKey is not the public half of privateKey.`);
      }
    }
    if (i === 0) signing = { kid: c.kid, alg: c.alg, key: priv! };
    published.push({ ...pub.export({ format: 'jwk' }), kid: c.kid, alg: c.alg, use: 'sig' });
  });
  return { signing: signing!, jwks: { keys: published } };
}
