import { open } from 'node:fs/promises';

export interface FileTail {
  size: number;
  /** The last complete line (without its newline), or undefined when there is none. */
  lastLine?: string;
  /** Bytes after the last newline: a torn write. `offset` is where they start. */
  torn?: { offset: number; bytes: Buffer };
}

/** Read the end of a file backwards until the last complete line is found. */
export async function readTail(path: string): Promise<FileTail> {
  const fh = await open(path, 'r');
  try {
    const { size } = await fh.stat();
    let window = 64 * 1024;
    for (;;) {
      const start = Math.max(0, size - window);
      const buf = Buffer.alloc(size - start);
      await fh.read(buf, 0, buf.length, start);
      const lastNl = buf.lastIndexOf(10);
      const torn = lastNl < buf.length - 1 && (lastNl !== -1 || start === 0)
        ? { offset: start + lastNl + 1, bytes: buf.subarray(lastNl + 1) }
        : undefined;
      if (lastNl === -1 && start > 0) { window *= 4; continue; }
      if (lastNl === -1) return { size, torn };
      const prevNl = buf.lastIndexOf(10, lastNl - 1);
      if (prevNl === -1 && start > 0) { window *= 4; continue; }
      return { size, lastLine: buf.subarray(prevNl + 1, lastNl).toString('utf8'), torn };
    }
  } finally {
    await fh.close();
  }
}

/** The first line of a file (its header), reading at most 64 KiB. */
export async function readFirstLine(path: string): Promise<string | undefined> {
  const fh = await open(path, 'r');
  try {
    const buf = Buffer.alloc(64 * 1024);
    const { bytesRead } = await fh.read(buf, 0, buf.length, 0);
    const nl = buf.subarray(0, bytesRead).indexOf(10);
    return nl === -1 ? undefined : buf.subarray(0, nl).toString('utf8');
  } finally {
    await fh.close();
  }
}
