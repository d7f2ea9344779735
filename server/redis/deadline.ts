import { beginWait, endWait, newDeadline, type Deadline } from '../http/index.js';
import { RedisUnavailableError, storeError } from './errors.js';

/** A call waiting for Redis, and how to give up on it. */
interface Waiting {
  /** On the monotonic clock (`performance.now()`): a wall-clock jump neither fires nor delays it. */
  at: number;
  what: string;
  fail(err: Error): void;
}

// One timer for every call waiting in the process, armed for the earliest deadline: a command
// (on every acting request) costs no timer of its own.
const waiting = new Set<Waiting>();
let timer: NodeJS.Timeout | undefined;
let armedAt = Infinity;

function arm(at: number) {
  if (at >= armedAt) return;
  clearTimeout(timer);
  armedAt = at;
  timer = setTimeout(check, Math.max(at - performance.now(), 1)).unref();
}

function check() {
  timer = undefined;
  armedAt = Infinity;
  const now = performance.now();
  let next = Infinity;
  for (const w of waiting) {
    if (w.at <= now) {
      waiting.delete(w);
      w.fail(new RedisUnavailableError(new Error(`Redis did not answer ${w.what} within the request's deadline.`)));
    } else if (w.at < next) next = w.at;
  }
  if (next < Infinity) arm(next);
}

/**
 * Run one Redis call within the request's deadline `d` (a fresh one of `ms` for a call outside
 * any request). A call whose request has no time left rejects at once, without being sent; one
 * Redis does not answer in time rejects when the budget runs out. node-redis's own `timeout`
 * stops counting once a command is written to the socket, so without this a Redis that hangs
 * with its connection open would hang requests forever. Every rejection goes through
 * `storeError`: unavailability of any kind is `RedisUnavailableError`.
 */
export function within<T>(d: Deadline | undefined, ms: number, what: string, run: () => Promise<T>): Promise<T> {
  const deadline = d ?? newDeadline();
  const at = beginWait(deadline, ms);
  if (at <= performance.now()) {
    endWait(deadline);
    return Promise.reject(new RedisUnavailableError(new Error(`No time left for ${what}: the request already waited ${Math.round(deadline.ms!)} ms for Redis.`)));
  }
  return new Promise<T>((resolve, reject) => {
    let settled = false;
    const settle = () => {
      if (settled) return false;
      settled = true;
      waiting.delete(w);
      endWait(deadline);
      return true;
    };
    const w: Waiting = { at, what, fail: (err) => settle() && reject(err) };
    waiting.add(w);
    arm(at);
    let answer: Promise<T>;
    try {
      answer = run();
    } catch (err) {
      settle();
      return reject(storeError(err));
    }
    answer.then(
      (value) => settle() && resolve(value),
      (err: unknown) => settle() && reject(storeError(err)),
    );
  });
}
