import type { KeyObject } from 'node:crypto';
import { auditEventSchema } from '../../shared/index.js';
import { checkSignature, decodeCheckpointEntry, decodeLine, GENESIS, LineError, type AuditLine } from './format.js';
import { ed25519Key } from './keys.js';
import { readLines, type RawLine } from './lines.js';
import { isCheckpointFile, sortLogFiles, totalSize } from './read.js';

export interface VerifyOptions {
  /** Ed25519 public key (PEM or KeyObject) matching the sink's `checkpoint.privateKey`. */
  publicKey?: string | Buffer | KeyObject;
  /** Called as bytes are read, for a progress bar. */
  onProgress?: (done: number, total: number) => void;
}

/** The first line that breaks the log. `line` is 1-based. */
export interface VerifyProblem {
  file: string;
  line: number;
  message: string;
}

export interface VerifyResult {
  ok: boolean;
  /** The first bad line, when not ok. */
  problem?: VerifyProblem;
  files: number;
  /** Events (not counting headers and checkpoints). */
  events: number;
  /** Signed checkpoints found in the logs. */
  checkpoints: number;
  /** Seq of the last line of the chain. */
  lastSeq?: number;
  /** Events after the last checkpoint: not yet protected against being cut off the end. */
  unsignedTail: number;
  /** Things the verifier could not check (e.g. no public key, no checkpoint file). */
  warnings: string[];
}

class Bad extends Error {
  constructor(readonly problem: VerifyProblem) { super(problem.message); }
}

/** One stretch of the chain as stored: a log file, or the rows of a database table. */
export interface ChainPart<L extends RawLine = RawLine> {
  /** Its name in problems (a path, a table). */
  file: string;
  lines: AsyncIterable<L>;
}

/** What the stored record besides its own text must agree with; a message when it does not. */
export type LineCheck<L extends RawLine = RawLine> = (line: AuditLine, raw: L) => string | undefined;

/**
 * Verify a chain, whatever stores it: every line's own hash, its link to the line before (across
 * parts, from the genesis header of file 1), consecutive seq numbers, every checkpoint's Ed25519
 * signature, and that every checkpoint in the copies kept apart (`checkpoints`) is present in the
 * chain (so records cut off the end are seen). Stops at the first bad line.
 */
export async function verifyChain<L extends RawLine>(
  parts: Iterable<ChainPart<L>> | AsyncIterable<ChainPart<L>>,
  checkpoints: ChainPart[],
  options: { publicKey?: VerifyOptions['publicKey']; check?: LineCheck<L>; copies?: string } = {},
): Promise<VerifyResult> {
  const key = options.publicKey === undefined ? undefined : ed25519Key(options.publicKey, 'public');
  const result: VerifyResult = { ok: true, files: 0, events: 0, checkpoints: 0, unsignedTail: 0, warnings: [] };
  const inline = new Map<number, string>();
  try {
    let prev: string | undefined;
    let lastFileN = 0;
    for await (const { file, lines: source } of parts) {
      result.files += 1;
      const fail = (line: number, message: string): never => { throw new Bad({ file, line, message }); };
      let lines = 0;
      for await (const raw of source) {
        lines = raw.line;
        if (!raw.complete) fail(raw.line, 'the file is cut mid-line (its last line is incomplete)');
        let line;
        try {
          line = decodeLine(raw.text);
        } catch (e) {
          if (e instanceof LineError) fail(raw.line, e.message);
          throw e;
        }
        if (raw.line === 1) {
          if (line.kind !== 'header') fail(1, 'the first line is not a file header');
          else if (prev === undefined && (line.header.file !== 1 || line.seq !== 0 || line.prev !== GENESIS)) {
            fail(1, `the chain does not start here: this is file ${line.header.file}, earlier files are missing`);
          } else if (prev !== undefined && line.header.file !== lastFileN + 1) {
            fail(1, `expected file ${lastFileN + 1} of the chain, found file ${line.header.file}`);
          }
          if (line.kind === 'header') lastFileN = line.header.file;
        } else if (line.kind === 'header') {
          fail(raw.line, 'a file header in the middle of a file');
        }
        if (result.lastSeq !== undefined && line.seq !== result.lastSeq + 1) {
          fail(raw.line, `expected record #${result.lastSeq + 1}, found #${line.seq} (a line was removed, inserted or moved)`);
        }
        if (prev !== undefined && line.prev !== prev) {
          fail(raw.line, 'does not link to the line before it (a line was removed, inserted, moved or edited)');
        }
        const disagrees = options.check?.(line, raw);
        if (disagrees) fail(raw.line, disagrees);
        if (line.kind === 'event') {
          if (!auditEventSchema.safeParse(line.event).success) fail(raw.line, 'not a valid audit event');
          result.events += 1;
          result.unsignedTail += 1;
        } else if (line.kind === 'checkpoint') {
          const c = line.checkpoint;
          if (key && !checkSignature(key, line.seq, line.prev, c.at, c.sig)) {
            fail(raw.line, 'checkpoint signature is invalid (a forged checkpoint, or the records before it were rewritten)');
          }
          inline.set(line.seq, line.prev);
          result.checkpoints += 1;
          result.unsignedTail = 0;
        }
        prev = line.hash;
        result.lastSeq = line.seq;
      }
      if (lines === 0) fail(1, 'the file is empty');
    }
    if (!result.files) throw new Bad({ file: '', line: 0, message: 'no log files given' });
    for (const { file, lines } of checkpoints) {
      for await (const raw of lines) {
        const fail = (message: string): never => { throw new Bad({ file, line: raw.line, message }); };
        if (!raw.complete) fail('the checkpoint file is cut mid-line');
        let cp;
        try { cp = decodeCheckpointEntry(raw.text); } catch (e) { return fail((e as Error).message); }
        if (key && !checkSignature(key, cp.seq, cp.prev, cp.at, cp.sig)) fail('checkpoint signature is invalid (a forged checkpoint)');
        if (cp.seq > result.lastSeq!) {
          fail(`records cut off the end: this checkpoint (${cp.at}) covers the log up to record #${cp.seq} in ${cp.file}, but the log ends at record #${result.lastSeq}`);
        }
        if (inline.get(cp.seq) !== cp.prev) fail(`record #${cp.seq} of the log is not the checkpoint signed here (records were removed or replaced)`);
      }
    }
  } catch (e) {
    if (!(e instanceof Bad)) throw e;
    return { ...result, ok: false, problem: e.problem };
  }
  if (!key) result.warnings.push('no public key given: checkpoint signatures were not checked');
  if (!checkpoints.length) result.warnings.push(`no ${options.copies ?? 'checkpoint file'} given: records cut off the end of the log (with their checkpoints) cannot be detected`);
  if (!result.checkpoints) result.warnings.push('the log has no signed checkpoints');
  if (result.unsignedTail) result.warnings.push(`${result.unsignedTail} event(s) after the last checkpoint are not yet covered by one (normal while the log is being written)`);
  return result;
}

/**
 * Verify log files (any order; `*.checkpoints.jsonl` paths are read as checkpoint files) with
 * {@link verifyChain}.
 */
export async function verifyAuditFiles(paths: string[], options: VerifyOptions = {}): Promise<VerifyResult> {
  const logs = await sortLogFiles(paths.filter((p) => !isCheckpointFile(p)));
  const total = await totalSize(paths);
  let done = 0;
  const onBytes = (n: number) => { done += n; options.onProgress?.(done, total); };
  const read = (file: string): ChainPart => ({ file, lines: readLines(file, { onBytes }) });
  return verifyChain(logs.map(read), paths.filter(isCheckpointFile).map(read), { publicKey: options.publicKey });
}
