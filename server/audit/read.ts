import { stat } from 'node:fs/promises';
import type { AuditEvent } from '../../shared/index.js';
import { decodeLine } from './format.js';
import { readLines } from './lines.js';
import { readFirstLine } from './tail.js';

/** Names of checkpoint files (`<prefix>.checkpoints.jsonl`), given among log files on the CLI. */
export const isCheckpointFile = (path: string) => path.endsWith('.checkpoints.jsonl');

/**
 * Log files in chain order (by the file number in their header, not by the order given), so
 * that a shell glob's order does not matter. Files whose header can't be read keep their place
 * at the end, for the verifier to report.
 */
export async function sortLogFiles(paths: string[]): Promise<string[]> {
  const keyed = await Promise.all(
    paths.map(async (path, i) => {
      try {
        const first = await readFirstLine(path);
        const line = first === undefined ? undefined : decodeLine(first);
        return { path, key: line?.kind === 'header' ? line.header.file : Number.MAX_SAFE_INTEGER, i };
      } catch {
        return { path, key: Number.MAX_SAFE_INTEGER, i };
      }
    }),
  );
  return keyed.sort((a, b) => a.key - b.key || a.i - b.i).map((k) => k.path);
}

export async function totalSize(paths: string[]) {
  let n = 0;
  for (const p of paths) n += (await stat(p)).size;
  return n;
}

/**
 * The events of log files in chain order (no verification: use `verifyAuditFiles` for that).
 * Checkpoint files among `paths` are skipped.
 */
export async function* readEvents(paths: string[], onBytes?: (n: number) => void): AsyncGenerator<AuditEvent> {
  for (const path of await sortLogFiles(paths.filter((p) => !isCheckpointFile(p)))) {
    for await (const raw of readLines(path, { onBytes })) {
      if (!raw.complete) break;
      const line = decodeLine(raw.text);
      if (line.kind === 'event') yield line.event;
    }
  }
}
