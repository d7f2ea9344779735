import { generateKeyPairSync } from 'node:crypto';
import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { AuditEvent } from '../../../shared/index.js';
import { encodeLine } from '../../../server/audit/format.js';

/** One Ed25519 key pair for the whole test file: the host's signing key and the auditor's public key. */
export const keys = generateKeyPairSync('ed25519');
export const publicKeyPem = keys.publicKey.export({ type: 'spki', format: 'pem' }) as string;
export const privateKeyPem = keys.privateKey.export({ type: 'pkcs8', format: 'pem' }) as string;

export const tempDir = (name = 'onbehalf-audit-') => mkdtempSync(join(tmpdir(), name));

let n = 0;
/** A plausible audit event; `over` replaces fields. */
export function event(over: Partial<AuditEvent> = {}): AuditEvent {
  n += 1;
  return {
    id: `ev-${n}`,
    time: new Date(Date.UTC(2026, 10, 25, 9, 0, n % 60)).toISOString(),
    type: 'action',
    actor: { id: 'avery', name: 'Avery Admin' },
    subject: { id: 'ashley', name: 'Ashley' },
    sessionId: 's-1',
    method: 'POST',
    path: `/okrs/${n}`,
    status: 201,
    ...over,
  };
}

/** All files of a log directory (logs and the checkpoint file), sorted by name. */
export const filesIn = (dir: string) => readdirSync(dir).filter((f) => f.endsWith('.jsonl')).sort().map((f) => join(dir, f));
export const logFilesIn = (dir: string) => filesIn(dir).filter((f) => !f.endsWith('.checkpoints.jsonl'));

export const readLinesOf = (path: string) => readFileSync(path, 'utf8').split('\n').slice(0, -1);
export const writeLinesTo = (path: string, lines: string[]) => writeFileSync(path, lines.map((l) => `${l}\n`).join(''));

/**
 * What an attacker without the signing key can do best: recompute every line's hash and link
 * from `from` (0-based) on, so the plain chain looks intact again.
 */
export function rechain(lines: string[], from: number): string[] {
  const out = lines.slice(0, from);
  let prev = from === 0 ? '0'.repeat(64) : JSON.parse(out[from - 1]).hash;
  let seq = from === 0 ? 0 : JSON.parse(out[from - 1]).seq + 1;
  for (const l of lines.slice(from)) {
    const { seq: _s, prev: _p, hash: _h, ...payload } = JSON.parse(l);
    const enc = encodeLine(seq, prev, payload);
    out.push(enc.text);
    prev = enc.hash;
    seq += 1;
  }
  return out;
}
