import express from 'express';
import { afterEach } from 'vitest';
import { generateKeyPairSync } from 'node:crypto';
import { memoryAudit } from '../../server/index.js';
import { verifyActingTokens, type TokenAlgorithm, type TokenKeyConfig, type VerifyActingTokensOptions } from '../../server/tokens/index.js';
import { listen } from './http.js';

/** A fresh signing key, as a host would keep it in configuration (PKCS#8 PEM). */
export function testKey(kid: string, alg: TokenAlgorithm = 'EdDSA'): TokenKeyConfig & { publicPem: string } {
  const pair = alg === 'EdDSA' ? generateKeyPairSync('ed25519') : generateKeyPairSync('ec', { namedCurve: 'P-256' });
  return {
    kid,
    alg,
    privateKey: pair.privateKey.export({ type: 'pkcs8', format: 'pem' }) as string,
    publicPem: pair.publicKey.export({ type: 'spki', format: 'pem' }) as string,
  };
}

export const ISSUER = 'https://app.contoso.test';
export const API_AUDIENCE = 'https://api.contoso.test';

export interface TestApi {
  url: string;
  audit: ReturnType<typeof memoryAudit>;
  /** The notes its handler saved: who as, and by whom. */
  notes: Array<{ savedAs?: string; by?: string }>;
  /** A request with `Authorization: Bearer <token>` when a token is given; `/me` answers what req.onBehalf was and whether changing it was refused. */
  call(method: string, path: string, token?: string, headers?: Record<string, string>): Promise<{ status: number; json: any; headers: Headers }>;
  close(): Promise<void>;
}

/**
 * A separate API service on its own port: no express-session, no directory, only the verify
 * middleware. Its handlers answer with what `req.onBehalf` said.
 */
export async function startApi(options: Partial<VerifyActingTokensOptions> & Pick<VerifyActingTokensOptions, 'jwks' | 'sessions'>): Promise<TestApi> {
  const audit = memoryAudit();
  const app = express();
  app.use(verifyActingTokens({ issuer: ISSUER, audience: API_AUDIENCE, audit, ...options }));
  app.get('/me', (req, res) => {
    const seen = req.onBehalf;
    let replaced = false;
    try {
      (req as any).onBehalf = { active: true, userId: 'someone-else' };
    } catch {
      replaced = true;
    }
    let edited = false;
    try {
      (seen as any).userId = 'someone-else';
    } catch {
      edited = true;
    }
    res.json({ onBehalf: seen, refusedReplace: replaced, refusedEdit: edited });
  });
  const notes: TestApi['notes'] = [];
  app.post('/notes', express.json(), (req, res) => {
    const note = { savedAs: req.onBehalf?.userId, by: req.onBehalf?.active ? String(req.onBehalf.actor.id) : undefined };
    notes.push(note);
    res.status(201).json(note);
  });
  const { url, close } = await listen(app);
  return {
    url,
    audit,
    notes,
    async call(method, path, token, headers = {}) {
      const res = await fetch(url + path, {
        method,
        headers: { ...(token !== undefined && { authorization: `Bearer ${token}` }), ...(method === 'POST' && { 'content-type': 'application/json' }), ...headers },
        body: method === 'POST' ? '{"text":"hi"}' : undefined,
      });
      // Every answer of the verifier and of these handlers is JSON: a parse failure fails the test.
      return { status: res.status, json: await res.json(), headers: res.headers };
    },
    close,
  };
}

/** Registers an afterEach that closes what the test `add`ed, last first (the API before the host it fetches keys from). */
export function closeAfterEach() {
  const open: Array<{ close(): Promise<void> }> = [];
  afterEach(async () => {
    for (const o of open.splice(0).reverse()) await o.close();
  });
  return <T extends { close(): Promise<void> }>(thing: T): T => (open.push(thing), thing);
}
