import { createReadStream } from 'node:fs';

export interface RawLine {
  text: string;
  /** 1-based line number in the file. */
  line: number;
  /** Byte offset of the line's start. */
  offset: number;
  /** False for a last line with no newline after it (a torn write, or a file cut mid-line). */
  complete: boolean;
}

/**
 * The lines of a file as written (split on "\n" only), with their byte offsets, reading at most
 * `end` bytes. Streams, so that verifying or exporting a large file does not load it whole.
 */
export async function* readLines(path: string, opts: { end?: number; onBytes?: (n: number) => void } = {}): AsyncGenerator<RawLine> {
  if (opts.end === 0) return;
  const stream = createReadStream(path, opts.end === undefined ? {} : { end: opts.end - 1 });
  let pending: Buffer[] = [];
  let pendingStart = 0;
  let offset = 0;
  let line = 0;
  for await (const chunk of stream as AsyncIterable<Buffer>) {
    opts.onBytes?.(chunk.length);
    let from = 0;
    for (let nl = chunk.indexOf(10, from); nl !== -1; nl = chunk.indexOf(10, from)) {
      pending.push(chunk.subarray(from, nl));
      const buf = pending.length === 1 ? pending[0] : Buffer.concat(pending);
      yield { text: buf.toString('utf8'), line: ++line, offset: pendingStart, complete: true };
      pending = [];
      pendingStart = offset + nl + 1;
      from = nl + 1;
    }
    if (from < chunk.length) pending.push(chunk.subarray(from));
    offset += chunk.length;
  }
  if (pending.length) yield { text: Buffer.concat(pending).toString('utf8'), line: ++line, offset: pendingStart, complete: false };
}
