import { open, readFile, unlink } from 'node:fs/promises';

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
 * Take `<path>` as a lock holding our pid, so that two processes never append to one chain.
 * A lock left by a process that died (a crash) is taken over. Returns the release function.
 */
export async function takeLock(path: string): Promise<() => Promise<void>> {
  for (let attempt = 0; ; attempt++) {
    try {
      const fh = await open(path, 'wx');
      try {
        await fh.writeFile(String(process.pid));
        await fh.close();
      } catch (e) {
        await fh.close().catch(() => {});
        await unlink(path).catch(() => {});
        throw e;
      }
      return () => unlink(path).catch(() => {});
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST' || attempt > 0) throw e;
      const pid = Number(await readFile(path, 'utf8').catch(() => ''));
      if (Number.isInteger(pid) && pid > 0 && alive(pid)) {
        throw new Error(`${path}: process ${pid} is already writing this audit log (one process per directory)`);
      }
      await unlink(path).catch(() => {}); // left by a process that is gone
    }
  }
}
