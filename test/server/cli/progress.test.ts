import { describe, expect, it } from 'vitest';
import { progressBar } from '../../../server/cli/progress.js';

const stream = (isTTY: boolean) => {
  const writes: string[] = [];
  return { writes, s: { isTTY, write: (c: string) => writes.push(c) } as unknown as NodeJS.WriteStream };
};

describe('progressBar', () => {
  it('draws on a terminal for large work, and clears itself', () => {
    const { writes, s } = stream(true);
    const bar = progressBar('verifying', s);
    bar.update(5 * 1048576, 10 * 1048576);
    bar.done();
    expect(writes[0]).toMatch(/^\rverifying \[#{15}-{15}\] 50% 5\.0\/10\.0 MB$/);
    expect(writes.at(-1)).toBe('\r\x1b[K');
  });

  it('stays silent in a pipe, and for small files', () => {
    const pipe = stream(false);
    progressBar('x', pipe.s).update(5 * 1048576, 10 * 1048576);
    const tty = stream(true);
    const small = progressBar('x', tty.s);
    small.update(10, 100);
    small.done();
    expect([...pipe.writes, ...tty.writes]).toEqual([]);
  });
});
