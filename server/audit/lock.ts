import { readFile, stat, unlink } from 'node:fs/promises';
import lockfile from 'proper-lockfile';
import { AuditError } from './errors.js';

/** Options of the directory lock (`fileAudit({ lock })`). */
export interface AuditLockOptions {
  /**
   * A lock not refreshed for this long is a dead writer's, and is taken over. The holder refreshes
   * it every `staleMs / 2`. Default 10 000; at least 2 000.
   */
  staleMs?: number;
}

/** Another live process writes this directory (or the lock could not be taken or kept). */
export class AuditLockedError extends AuditError {
  constructor(
    readonly lockPath: string,
    message: string,
    options?: { cause?: unknown },
  ) {
    super('AUDIT_UNAVAILABLE', message, options);
    this.name = 'AuditLockedError';
  }
}

/** Whether a process with this pid is running (EPERM: it is, under another user). */
function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * A regular file at the lock's path is the pid file earlier versions wrote. It is removed unless
 * it names another live process; our own pid in it is a previous incarnation's (a restarted
 * container is often pid 1 again), never ours.
 */
async function clearPidFile(path: string): Promise<void> {
  const s = await stat(path).catch(() => undefined);
  if (!s?.isFile()) return;
  const pid = Number(await readFile(path, 'utf8').catch(() => ''));
  if (Number.isInteger(pid) && pid > 0 && pid !== process.pid && alive(pid)) {
    throw new AuditLockedError(path, `${path}: process ${pid} is writing this audit log (one process per directory).`);
  }
  await unlink(path).catch(() => {});
}

/**
 * Take `<path>` (a directory, proper-lockfile) so that two live processes never append to one
 * chain. The holder refreshes its mtime; a lock nobody refreshed for `staleMs` (its writer died:
 * kill -9, a crash, a container restart, whatever pid it had) is taken over. With `wait`, a fresh
 * lock is waited on for up to `staleMs` (a writer that died a moment ago); without, it is refused
 * at once. `lost` is called if the lock is taken from us (our process stalled past `staleMs`) or
 * can't be refreshed. Returns the release function.
 */
export async function takeLock(
  path: string,
  options: AuditLockOptions & { wait: boolean; lost: (err: Error) => void },
): Promise<() => Promise<void>> {
  const stale = Math.max(options.staleMs ?? 10_000, 2_000);
  await clearPidFile(path);
  const step = 500;
  try {
    return await lockfile.lock(path, {
      lockfilePath: path,
      realpath: false,
      stale,
      retries: options.wait ? { retries: Math.ceil(stale / step) + 2, factor: 1, minTimeout: step, maxTimeout: step } : 0,
      onCompromised: options.lost,
    });
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ELOCKED') {
      throw new AuditLockedError(path, `${path}: another live process is writing this audit log (one process per directory); its lock was refreshed less than ${stale} ms ago.`, { cause: e });
    }
    throw new AuditLockedError(path, `${path}: the audit lock could not be taken (${(e as Error).message}).`, { cause: e });
  }
}
