import { createHash, sign, verify, type KeyObject } from 'node:crypto';
import type { AuditEvent } from '../../shared/index.js';

/**
 * The JSONL line format of the file sink. Every line is one JSON object
 * `{ "seq", "prev", <payload>, "hash" }` where `seq` counts every line across all files,
 * `prev` is the previous line's `hash`, and `hash` = SHA-256 of the line's exact bytes without
 * the trailing `,"hash":"…"` member. Hashing the bytes as written needs no canonical JSON.
 */
export const FORMAT = 'onbehalf-audit';
export const FORMAT_VERSION = 1;
/** `prev` of the very first line (the header of file 1). */
export const GENESIS = '0'.repeat(64);

export interface Header {
  format: typeof FORMAT;
  v: number;
  /** File number, 1 for the first file, +1 at each rotation. */
  file: number;
  created: string;
}
/** Why a checkpoint was written. */
export type CheckpointReason = 'count' | 'interval' | 'rotate' | 'close';
export interface Checkpoint {
  at: string;
  reason: CheckpointReason;
  /** Ed25519 signature (base64) of {@link checkpointPayload}. */
  sig: string;
}

interface LineBase {
  seq: number;
  prev: string;
  hash: string;
}
export type AuditLine =
  | (LineBase & { kind: 'header'; header: Header })
  | (LineBase & { kind: 'event'; event: AuditEvent })
  | (LineBase & { kind: 'checkpoint'; checkpoint: Checkpoint });

/** A checkpoint as the separate checkpoint file keeps it (a copy of the signed fields). */
export interface CheckpointEntry {
  seq: number;
  prev: string;
  at: string;
  reason: CheckpointReason;
  file: string;
  sig: string;
}

export const sha256 = (s: string) => createHash('sha256').update(s).digest('hex');

/** Serialise one line (without the newline); returns it with its hash. */
export function encodeLine(seq: number, prev: string, payload: { header: Header } | { event: AuditEvent } | { checkpoint: Checkpoint }) {
  const body = JSON.stringify({ seq, prev, ...payload });
  const hash = sha256(body);
  return { text: `${body.slice(0, -1)},"hash":"${hash}"}`, hash };
}

/** What a checkpoint signs: its place in the chain and its time. */
export const checkpointPayload = (seq: number, prev: string, at: string) =>
  Buffer.from(`${FORMAT}-checkpoint-v${FORMAT_VERSION}\n${seq}\n${prev}\n${at}`);

export const signCheckpoint = (key: KeyObject, seq: number, prev: string, at: string) =>
  sign(null, checkpointPayload(seq, prev, at), key).toString('base64');

export function checkSignature(key: KeyObject, seq: number, prev: string, at: string, sig: string): boolean {
  try {
    return verify(null, checkpointPayload(seq, prev, at), key, Buffer.from(sig, 'base64'));
  } catch {
    return false;
  }
}

const HASH_SUFFIX = /,"hash":"([0-9a-f]{64})"\}$/;
const HEX64 = /^[0-9a-f]{64}$/;

/** Why a line is not a valid line of the format. */
export class LineError extends Error {}

/**
 * Parse one line and check its own hash (not its link to the previous line: the caller does
 * that). Throws {@link LineError} when the line was edited, cut, or is not of this format.
 */
export function decodeLine(text: string): AuditLine {
  const m = HASH_SUFFIX.exec(text);
  if (!m) throw new LineError('not a complete audit record (no hash at the end: cut or edited)');
  const hash = m[1];
  if (sha256(`${text.slice(0, -m[0].length)}}`) !== hash) throw new LineError('record hash mismatch (the line was edited)');
  let o: Record<string, unknown>;
  try {
    o = JSON.parse(text);
  } catch {
    throw new LineError('not valid JSON');
  }
  if (!Number.isSafeInteger(o.seq) || (o.seq as number) < 0) throw new LineError('bad seq');
  if (typeof o.prev !== 'string' || !HEX64.test(o.prev)) throw new LineError('bad prev hash');
  const base = { seq: o.seq as number, prev: o.prev, hash };
  const h = o.header as Header | undefined;
  const c = o.checkpoint as Checkpoint | undefined;
  if (h && typeof h === 'object') {
    if (h.format !== FORMAT || typeof h.file !== 'number' || typeof h.created !== 'string') throw new LineError('bad header');
    return { ...base, kind: 'header', header: h };
  }
  if (c && typeof c === 'object') {
    if (typeof c.at !== 'string' || typeof c.sig !== 'string') throw new LineError('bad checkpoint');
    return { ...base, kind: 'checkpoint', checkpoint: c };
  }
  if (o.event && typeof o.event === 'object') return { ...base, kind: 'event', event: o.event as AuditEvent };
  throw new LineError('unknown record kind');
}

/** Parse a line of the checkpoint file. */
export function decodeCheckpointEntry(text: string): CheckpointEntry {
  let o: CheckpointEntry;
  try {
    o = JSON.parse(text);
  } catch {
    throw new LineError('not valid JSON');
  }
  if (!o || !Number.isSafeInteger(o.seq) || typeof o.prev !== 'string' || typeof o.at !== 'string' || typeof o.sig !== 'string') {
    throw new LineError('not a checkpoint entry');
  }
  return o;
}

/** `audit-000001-20261125.jsonl`: the number first so that names sort in chain order. */
export const fileName = (prefix: string, n: number, created: Date) =>
  `${prefix}-${String(n).padStart(6, '0')}-${created.toISOString().slice(0, 10).replaceAll('-', '')}.jsonl`;

export function parseFileName(prefix: string, name: string): number | undefined {
  const m = /^(.*)-(\d{6,})-\d{8}\.jsonl$/.exec(name);
  return m && m[1] === prefix ? Number(m[2]) : undefined;
}
