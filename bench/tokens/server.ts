/**
 * The token bench's servers, in one process (one JIT, one heap), each on its own port: a minimal
 * API handler alone, and the same handler behind verifyActingTokens() as an API service runs it
 * (the app's Redis store with its cache for revocation, a JWK Set), remembering verified tokens
 * or verifying the signature on every request. The built library (dist/), as a service installs it.
 */
import express, { type RequestHandler } from 'express';
import { randomUUID } from 'node:crypto';
import { generateKeyPairSync } from 'node:crypto';
import { createServer } from 'node:http';
import { createClient } from 'redis';
import { memoryAudit, type Acting } from '../../dist/server/index.js';
import { redisStore } from '../../dist/server/redis/index.js';
import { actingTokens, verifyActingTokens } from '../../dist/server/tokens/index.js';

export type TokenVariant = 'API handler alone' | 'verify (remembered token)' | 'verify (signature every request)';
export interface TokenTarget {
  variant: TokenVariant;
  port: number;
  token: string;
}

const send = (m: unknown) => process.send!(m);
process.on('message', (m: { type: string }) => {
  if (m.type === 'cpu') {
    const u = process.cpuUsage();
    send({ type: 'cpu', micros: u.user + u.system });
  }
});

const client = createClient({ url: process.argv[2], disableOfflineQueue: true });
await client.connect();
const prefix = `bench-tokens-${randomUUID().slice(0, 8)}:`;
const issuer = 'https://app.bench.test';
const audience = 'https://api.bench.test';
const privateKey = generateKeyPairSync('ed25519').privateKey.export({ type: 'pkcs8', format: 'pem' }) as string;
const tokens = actingTokens({ issuer, audiences: [audience], keys: [{ kid: 'b1', alg: 'EdDSA', privateKey }], ttlSeconds: 3600 });

// A live session in the app's store, and a token for it.
const now = Date.now();
const session: Acting = {
  active: true,
  userId: 'ashley',
  subject: { id: 'ashley', name: 'Ashley' },
  actor: { id: 'avery', name: 'Avery Admin' },
  reason: 'Benchmarking acting tokens',
  sessionId: randomUUID(),
  startedAt: now,
  expiresAt: now + 2 * 3600_000,
  readOnly: false,
};
const writer = redisStore({ client, prefix });
await writer.create({ id: session.sessionId, actorId: 'avery', subjectId: 'ashley', actor: session.actor, subject: session.subject, reason: session.reason, readOnly: false, startedAt: now, expiresAt: session.expiresAt, lastSeenAt: now, returnTo: '/' });
const { token } = await tokens.issue(session, { audience });

const handler: RequestHandler = (req, res) => {
  res.json({ notes: [], as: req.onBehalf?.userId ?? 'ashley' });
};
const verifier = (remember: number) =>
  verifyActingTokens({ issuer, audience, jwks: tokens.jwks as never, sessions: redisStore({ client, prefix, cacheTtlMs: 60_000, warn: () => undefined }), audit: memoryAudit(), remember });

const apps: Array<[TokenVariant, express.Express]> = [
  ['API handler alone', express().get('/notes', handler)],
  ['verify (remembered token)', express().use(verifier(10_000)).get('/notes', handler)],
  ['verify (signature every request)', express().use(verifier(0)).get('/notes', handler)],
];
const targets: TokenTarget[] = [];
for (const [variant, app] of apps) {
  app.disable('etag');
  const server = createServer(app);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  targets.push({ variant, port: (server.address() as { port: number }).port, token });
}
send({ type: 'ready', targets });
