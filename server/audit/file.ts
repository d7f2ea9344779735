import { mkdir, open, readdir, unlink, writeFile, type FileHandle } from 'node:fs/promises';
import { basename, dirname, extname, join } from 'node:path';
import { optionError, setupMessage, type AuditEvent } from '../../shared/index.js';
import { AuditError, unavailable } from './errors.js';
import {
  decodeLine, encodeLine, fileName, FORMAT, FORMAT_VERSION, GENESIS, parseFileName, signCheckpoint,
  type CheckpointEntry, type CheckpointReason,
} from './format.js';
import { groupCommit, seqCursor, type ChainedAuditSink, type ChainedSinkHooks } from './group-commit.js';
import { ed25519Key, type CheckpointSigning } from './keys.js';
import { readLines } from './lines.js';
import { matches } from './memory.js';
import { AuditLockedError, takeLock, type AuditLockOptions } from './lock.js';
import { readFirstLine, readTail } from './tail.js';

/** Options of {@link fileAudit}. */
export interface FileAuditOptions extends ChainedSinkHooks {
  /** Directory of the log files (created if missing). Give `dir` or `path`. */
  dir?: string;
  /** Shortcut for `dir` + `prefix`: `logs/audit.jsonl` writes `logs/audit-000001-YYYYMMDD.jsonl`, … */
  path?: string;
  /** File name prefix. Default `'audit'` (or the base name of `path`). */
  prefix?: string;
  /**
   * fdatasync each batch before acknowledging it. Default `true`. `false` survives a process
   * crash but not a power failure: only for development.
   */
  fsync?: boolean;
  /**
   * Signed checkpoints (Ed25519). Without them the chain still catches edits, deletions and
   * reordering, but not records cut off the end. Default: none (a warning at start-up).
   */
  checkpoint?: CheckpointSigning & {
    /** Copy of every checkpoint, kept apart from the logs. Default `<dir>/<prefix>.checkpoints.jsonl`. */
    path?: string;
  };
  /**
   * The directory lock (`<prefix>.lock`, proper-lockfile) that keeps a second live writer out.
   * A lock its writer stopped refreshing `staleMs` ago (default 10 s) is taken over: the first
   * open waits up to that long for one a writer that just died left behind.
   */
  lock?: AuditLockOptions;
  /** Rotation; the chain continues across files. */
  rotate?: {
    /** Start a new file once the current one reaches this size. Default 64 MiB; 0 disables. */
    maxBytes?: number;
    /** Start a new file on the first write of each UTC day. Default true. */
    daily?: boolean;
  };
}

export type FileAudit = ChainedAuditSink;

interface Active {
  n: number;
  path: string;
  fh: FileHandle;
  /** Bytes known to be on disk (everything after is an unacknowledged batch). */
  size: number;
  day: string;
}

const day = (ms: number) => new Date(ms).toISOString().slice(0, 10);

/**
 * The production file sink: JSONL, hash-chained, group-committed, signed checkpoints,
 * rotation and crash recovery. `write` resolves once the event's batch is fdatasync'd.
 * One process per directory: `<prefix>.lock` (proper-lockfile) refuses a second live writer.
 */
export function fileAudit(options: FileAuditOptions): FileAudit {
  if (!options.dir && !options.path) throw optionError('fileAudit needs `dir` or `path`.');
  const dir = options.dir ?? dirname(options.path!);
  const prefix = options.prefix ?? (options.path ? basename(options.path, extname(options.path)) : 'audit');
  const doSync = options.fsync ?? true;
  const now = options.now ?? Date.now;
  const warn = options.warn ?? ((m: string) => console.warn(m));
  const maxBytes = options.rotate?.maxBytes ?? 64 * 1024 * 1024;
  const daily = options.rotate?.daily ?? true;
  const cp = options.checkpoint;
  const signer = cp ? ed25519Key(cp.privateKey, 'private') : undefined;
  const everyEvents = cp?.everyEvents ?? 1000;
  const everyMs = cp?.everyMs ?? 60_000;
  const checkpointPath = cp ? (cp.path ?? join(dir, `${prefix}.checkpoints.jsonl`)) : undefined;
  if (!signer) warn(setupMessage('AUDIT_UNSIGNED', `onbehalf audit: ${dir}/${prefix}-* is hash-chained but not signed (no checkpoint.privateKey): records cut off the end can't be detected.`));

  let active: Active | undefined;
  let cpFile: FileHandle | undefined;
  let opening: Promise<void> | undefined;
  /** Chain state as committed: next seq and the hash of the last line on disk. */
  let seq = 0;
  let head = GENESIS;
  let sinceCheckpoint = 0;
  let lastCheckpointAt = now();
  let release: (() => Promise<void>) | undefined;
  /** Only the first open waits for a dead writer's lock to go stale; later tries answer at once. */
  let waitForLock = true;

  /** The lock was taken from us (this process stalled past staleMs) or can't be refreshed: stop writing until it is ours again. */
  function lockLost(err: Error) {
    warn(`onbehalf audit: lost the lock on ${dir} (${err.message}); writes are refused until it is taken again.`);
    release = undefined;
    void active?.fh.close().catch(() => {});
    dropActive();
  }


  async function listFiles(): Promise<Array<{ n: number; path: string }>> {
    let names: string[];
    try {
      names = await readdir(dir);
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'ENOENT') return [];
      throw e;
    }
    return names
      .map((name) => ({ n: parseFileName(prefix, name), path: join(dir, name) }))
      .filter((f): f is { n: number; path: string } => f.n !== undefined)
      .sort((a, b) => a.n - b.n);
  }

  async function syncDir() {
    if (!doSync) return;
    const d = await open(dir, 'r');
    try { await d.sync(); } finally { await d.close(); }
  }

  async function appendAll(fh: FileHandle, buf: Buffer) {
    for (let off = 0; off < buf.length;) {
      const { bytesWritten } = await fh.write(buf, off, buf.length - off);
      off += bytesWritten;
    }
    if (doSync) await fh.datasync();
  }

  /** Start file `n` with its header linking to `prev`. */
  async function createFile(n: number, prev: string) {
    const created = now();
    const path = join(dir, fileName(prefix, n, new Date(created)));
    const fh = await open(path, 'wx');
    try {
      const { text, hash } = encodeLine(seq, prev, { header: { format: FORMAT, v: FORMAT_VERSION, file: n, created: new Date(created).toISOString() } });
      const buf = Buffer.from(`${text}\n`);
      await appendAll(fh, buf);
      await syncDir();
      active = { n, path, fh, size: buf.length, day: day(created) };
      seq += 1;
      head = hash;
    } catch (e) {
      await fh.close().catch(() => {});
      throw e;
    }
  }

  /** Cut a torn last line (kept aside in `<file>.torn-<offset>` for forensics); returns the tail. */
  async function recoverTail(path: string) {
    const tail = await readTail(path);
    if (tail.torn) {
      const { offset, bytes } = tail.torn;
      await writeFile(`${path}.torn-${offset}`, bytes);
      const fh = await open(path, 'r+');
      try { await fh.truncate(offset); if (doSync) await fh.datasync(); } finally { await fh.close(); }
      warn(setupMessage('AUDIT_TORN_LINE', `onbehalf audit: cut a torn last line (${bytes.length} bytes at offset ${offset}, left by a crash) from ${path}; the bytes are kept in ${path}.torn-${offset}.`));
      tail.size = offset;
    }
    return tail;
  }

  /** Take the chain state from a file's last line; fails closed when that line is corrupt. */
  function continueFrom(path: string, text: string) {
    let line;
    try {
      line = decodeLine(text);
    } catch (e) {
      throw new Error(`the last line of ${path} is corrupt (${(e as Error).message}); run \`onbehalf audit verify\``);
    }
    seq = line.seq + 1;
    head = line.hash;
    // After a crash there is no closing checkpoint: sign what is there with the next batch.
    sinceCheckpoint = line.kind === 'checkpoint' ? 0 : 1;
    if (signer && line.kind !== 'checkpoint') batches.checkpoint();
    return line;
  }

  /** Continue the chain from the last line on disk, after cutting a torn last line. */
  async function openLog() {
    await mkdir(dir, { recursive: true });
    if (!release) {
      const wait = waitForLock;
      waitForLock = false;
      release = await takeLock(join(dir, `${prefix}.lock`), { ...options.lock, wait, lost: lockLost });
    }
    if (checkpointPath) {
      await cpFile?.close().catch(() => {});
      await mkdir(dirname(checkpointPath), { recursive: true });
      await (await open(checkpointPath, 'a')).close();
      await recoverTail(checkpointPath);
      cpFile = await open(checkpointPath, 'a');
    }
    const files = await listFiles();
    const last = files.at(-1);
    if (!last) return createFile(1, GENESIS);
    const tail = await recoverTail(last.path);
    if (tail.lastLine === undefined) {
      // A crash before this file's header reached the disk: start the file again.
      await unlink(last.path);
      const before = files.at(-2);
      if (before) {
        const t = await readTail(before.path);
        if (t.lastLine === undefined) throw new Error(`${before.path} has no complete line`);
        continueFrom(before.path, t.lastLine);
      }
      return createFile(last.n, head);
    }
    const line = continueFrom(last.path, tail.lastLine);
    if (line.kind === 'checkpoint' && line.checkpoint.reason === 'rotate') return createFile(last.n + 1, head);
    const header = decodeLine((await readFirstLine(last.path))!);
    const created = header.kind === 'header' ? header.header.created.slice(0, 10) : day(now());
    active = { n: last.n, path: last.path, fh: await open(last.path, 'a'), size: tail.size, day: created };
  }

  /** Forget the open file after a failure, so that the next write opens (and recovers) it again. */
  function dropActive() {
    active = undefined;
    opening = undefined;
  }

  function ensureOpen(): Promise<void> {
    if (active) return Promise.resolve();
    opening ??= openLog().catch((e) => { opening = undefined; throw e; });
    return opening;
  }

  /** Lines of one batch, built on a copy of the chain state that is kept only once on disk. */
  function buildBatch(events: AuditEvent[], forceCheckpoint: CheckpointReason | undefined) {
    let s = seq;
    let h = head;
    let since = sinceCheckpoint;
    const lines: string[] = [];
    const checkpoints: CheckpointEntry[] = [];
    const addCheckpoint = (reason: CheckpointReason) => {
      const at = new Date(now()).toISOString();
      const sig = signCheckpoint(signer!, s, h, at);
      checkpoints.push({ seq: s, prev: h, at, reason, file: basename(active!.path), sig });
      const l = encodeLine(s, h, { checkpoint: { at, reason, sig } });
      lines.push(l.text); s += 1; h = l.hash; since = 0;
    };
    for (const event of events) {
      const l = encodeLine(s, h, { event });
      lines.push(l.text); s += 1; h = l.hash; since += 1;
      if (signer && since >= everyEvents) addCheckpoint('count');
    }
    if (signer && forceCheckpoint && (since > 0 || forceCheckpoint === 'rotate')) addCheckpoint(forceCheckpoint);
    return { buf: Buffer.from(lines.length ? `${lines.join('\n')}\n` : ''), seq: s, head: h, since, checkpoints };
  }

  /** Append a batch to the active file; on failure cut the file back to its committed size. */
  async function commit(events: AuditEvent[], forceCheckpoint?: CheckpointReason) {
    const a = active!;
    const b = buildBatch(events, forceCheckpoint);
    if (b.buf.length === 0) return;
    try {
      await appendAll(a.fh, b.buf);
    } catch (e) {
      // Never leave part of a rejected batch in the chain: truncate, else reopen (recovery) later.
      await a.fh.truncate(a.size).catch(() => {});
      await a.fh.close().catch(() => {});
      dropActive();
      throw e;
    }
    a.size += b.buf.length;
    seq = b.seq; head = b.head; sinceCheckpoint = b.since;
    if (b.checkpoints.length) {
      lastCheckpointAt = now();
      try {
        await appendAll(cpFile!, Buffer.from(b.checkpoints.map((c) => `${JSON.stringify(c)}\n`).join('')));
      } catch (e) {
        // The events are durable in the log; the copy is what's missing. Report, don't reject.
        warn(`onbehalf audit: could not copy a checkpoint to ${checkpointPath}: ${(e as Error).message}`);
      }
    }
  }

  async function rotateIfDue() {
    const a = active!;
    const dueBySize = maxBytes > 0 && a.size >= maxBytes;
    const dueByDay = daily && a.day !== day(now());
    if (!dueBySize && !dueByDay) return;
    if (signer) await commit([], 'rotate');
    await a.fh.close();
    dropActive();
    await createFile(a.n + 1, head);
  }

  const batches = groupCommit(async (events, checkpointWanted) => {
    await ensureOpen();
    await rotateIfDue();
    await commit(events, checkpointWanted ? 'interval' : undefined);
  }, (e) => (e instanceof AuditLockedError ? e : unavailable('the audit event could not be written to disk', e)), warn, signer && {
    everyMs,
    due: () => sinceCheckpoint > 0 && now() - lastCheckpointAt >= everyMs,
  });

  return {
    exclusive: true,
    write: (event) => batches.write(event),

    /** Events in chain order. The cursor is the seq to continue from. */
    async query(q) {
      const { from, limit } = seqCursor(q);
      try {
        await ensureOpen();
        const list = await listFiles();
        const out: AuditEvent[] = [];
        for (let i = 0; i < list.length; i++) {
          const next = list[i + 1];
          // Skip whole files that end before the cursor: the next file's header says where it starts.
          if (next) {
            const first = await readFirstLine(next.path);
            if (first && decodeLine(first).seq <= from) continue;
          }
          const end = active && list[i].path === active.path ? active.size : undefined;
          for await (const raw of readLines(list[i].path, { end })) {
            if (!raw.complete) break;
            const line = decodeLine(raw.text);
            if (line.seq < from || line.kind !== 'event' || !matches(line.event, q)) continue;
            out.push(line.event);
            if (out.length === limit) return { events: out, nextCursor: String(line.seq + 1) };
          }
        }
        return { events: out };
      } catch (e) {
        if (e instanceof AuditError) throw e;
        throw unavailable('the audit log could not be read', e);
      }
    },

    async close() {
      if (!(await batches.close())) return;
      try {
        if (active && signer && sinceCheckpoint > 0) await commit([], 'close');
      } finally {
        await active?.fh.close().catch(() => {});
        dropActive();
        await cpFile?.close().catch(() => {});
        cpFile = undefined;
        await release?.().catch(() => {});
        release = undefined;
      }
    },
  };
}
