import { RedisUnavailableError } from './errors.js';

/** A promise waiting for Redis, and how to give up on it. */
interface Waiting {
  /** On the monotonic clock (`performance.now()`): a wall-clock jump neither fires nor delays it. */
  deadline: number;
  what: string;
  fail(err: Error): void;
}

/**
 * Bound promises of Redis answers by `timeoutMs`: one that has not settled by then rejects with
 * `RedisUnavailableError`. node-redis's own `timeout` stops counting once a command is written to
 * the socket, so a Redis that hangs with its connection open would hang requests forever.
 *
 * One watchdog timer serves every promise of the group, instead of a timer and a promise race per
 * command (a command runs on every acting request). It runs only while something is waiting,
 * every quarter of the timeout, so a hung command rejects after 1 to 1.25 times `timeoutMs`.
 * `mapError` turns the answer's own rejections into the caller's errors.
 */
export function deadlines(timeoutMs: number, mapError: (err: unknown) => unknown = (err) => err) {
  const waiting = new Set<Waiting>();
  let watchdog: NodeJS.Timeout | undefined;
  function check() {
    const now = performance.now();
    for (const w of waiting) {
      if (now < w.deadline) continue;
      waiting.delete(w);
      w.fail(new RedisUnavailableError(new Error(`Redis did not answer ${w.what} within ${timeoutMs} ms.`)));
    }
    if (waiting.size === 0) {
      clearInterval(watchdog);
      watchdog = undefined;
    }
  }
  return <T>(answer: Promise<T>, what: string): Promise<T> =>
    new Promise<T>((resolve, reject) => {
      const w: Waiting = { deadline: performance.now() + timeoutMs, what, fail: reject };
      waiting.add(w);
      watchdog ??= setInterval(check, Math.max(timeoutMs / 4, 5)).unref();
      answer.then(
        (value) => {
          waiting.delete(w);
          resolve(value);
        },
        (err: unknown) => {
          waiting.delete(w);
          reject(mapError(err));
        },
      );
    });
}
