/**
 * One request's budget of time spent waiting for shared state (the Redis pieces). Every store,
 * session-store and rate-limit call of the request draws on the same budget, so a request waits
 * at most one budget however many commands it sends. The clock runs only while something of the
 * request is waiting: time in the host's own handler is not charged.
 *
 * Created empty; the first call that has a time limit sets its size (`ms`). Stores receive it as
 * the last argument of their methods; one without a time limit ignores it.
 */
export interface Deadline {
  /** Budget in ms, set by the first call with a limit. */
  ms?: number;
  /** Waiting time charged so far, ms. */
  spent: number;
  /** Calls of the request waiting now. */
  waiting: number;
  /** When the current wait began (`performance.now()`), while `waiting > 0`. */
  since: number;
}

export const newDeadline = (): Deadline => ({ spent: 0, waiting: 0, since: 0 });

const byRequest = new WeakMap<object, Deadline>();

/** The request's deadline, the same object for every call of that request. */
export function requestDeadline(req: object): Deadline {
  let d = byRequest.get(req);
  if (!d) byRequest.set(req, (d = newDeadline()));
  return d;
}

/** Make `d` the deadline of `req` (the session store reads the session before anything else knows the request). */
export function adoptDeadline(req: object, d: Deadline): void {
  if (!byRequest.has(req)) byRequest.set(req, d);
}

/**
 * Start waiting on `d` (sized `ms` if nobody sized it yet). Returns when the budget runs out
 * (on the `performance.now()` clock; Infinity while no call with a limit has sized it): at or
 * before now means nothing is left, and the caller must not wait at all. Every `begin` is paired
 * with one `end`.
 */
export function beginWait(d: Deadline, ms?: number): number {
  d.ms ??= ms;
  const now = performance.now();
  if (d.waiting++ === 0) d.since = now;
  return d.since + (d.ms ?? Infinity) - d.spent;
}

/**
 * Charge the time a step of the request takes to its deadline, for a step that can't be told the
 * deadline itself (express-rate-limit does not pass the request to its store). `done` ends it,
 * once however often it is called.
 */
export function charged(req: object): () => void {
  const d = requestDeadline(req);
  beginWait(d);
  let open = true;
  return () => {
    if (open) endWait(d);
    open = false;
  };
}

/** Stop one wait begun with `beginWait`; the time is charged once the last overlapping wait ends. */
export function endWait(d: Deadline): void {
  if (--d.waiting === 0) d.spent += performance.now() - d.since;
}
