import { RedisStore } from 'connect-redis';
import type { Request } from 'express';
import type { SessionData } from 'express-session';
import { adoptDeadline, newDeadline, requestDeadline, type Deadline } from '../http/index.js';
import { timeoutOf, type RedisTimeoutOptions } from './commands.js';
import { within } from './deadline.js';

/** Options of `redisSessionStore()`. */
export interface RedisSessionStoreOptions extends RedisTimeoutOptions {
  /** A connected node-redis v5 client, created with `disableOfflineQueue: true`. Required. */
  client: object;
  /** Prefix of the session keys. Default `'sess:'` (connect-redis's). */
  prefix?: string;
  /** Session lifetime in Redis, in seconds, when the cookie has no `maxAge`. Default 86400 (connect-redis's). */
  ttl?: number;
}

type Callback<T = unknown> = (err?: unknown, value?: T) => void;
/** express-session's session object knows its request (a non-enumerable `req`). */
const deadlineOf = (sess: SessionData) => {
  const req = (sess as { req?: Request }).req;
  return req ? requestDeadline(req) : undefined;
};

/**
 * connect-redis with every session read and write inside the request's deadline: the read that
 * loads the session starts it (express-session does not pass the request to `get`, so the budget
 * reaches the request through `createSession`, which express-session calls at once with it), and
 * the save or touch at the end of the answer draws on what is left of it.
 */
class DeadlineRedisStore extends RedisStore {
  /** The deadline of the read whose callback is running (express-session calls createSession inside it). */
  private loading?: Deadline;
  /** The request whose regenerate is destroying its old session now. */
  private regenerating?: Deadline;

  constructor(
    options: ConstructorParameters<typeof RedisStore>[0],
    private readonly timeoutMs: number,
  ) {
    super(options);
  }

  private bounded<T>(d: Deadline | undefined, what: string, run: () => Promise<T>, cb?: Callback<T>, onValue?: (v: T) => void) {
    const done = within(d, this.timeoutMs, what, run).then(
      (v) => (onValue ? onValue(v) : cb?.(null, v)),
      (err: unknown) => cb?.(err),
    );
    return cb ? done : undefined;
  }

  override get(sid: string, cb: Callback<SessionData | null>) {
    const d = newDeadline();
    return this.bounded(d, 'the session read', () => super.get(sid) as Promise<SessionData | null>, cb, (sess) => {
      this.loading = d;
      try {
        cb(null, sess);
      } finally {
        this.loading = undefined;
      }
    }) as never;
  }

  override createSession(req: Request, sess: SessionData) {
    if (this.loading) adoptDeadline(req, this.loading);
    return super.createSession(req, sess);
  }

  override set(sid: string, sess: SessionData, cb?: Callback) {
    return this.bounded(deadlineOf(sess), 'the session save', () => super.set(sid, sess) as Promise<unknown>, cb) as never;
  }

  override touch(sid: string, sess: SessionData, cb?: Callback) {
    return this.bounded(deadlineOf(sess), 'the session touch', () => super.touch(sid, sess) as Promise<unknown>, cb) as never;
  }

  override destroy(sid: string, cb?: Callback) {
    return this.bounded(this.regenerating, 'the session delete', () => super.destroy(sid) as Promise<unknown>, cb) as never;
  }

  override regenerate(req: Request, fn: Callback) {
    // express-session's regenerate destroys the old session synchronously, on our destroy().
    this.regenerating = requestDeadline(req);
    try {
      super.regenerate(req, fn);
    } finally {
      this.regenerating = undefined;
    }
  }
}

/**
 * express-session's store on Redis: connect-redis 9 on a node-redis v5 client, with every session
 * read and write inside the request's deadline (`timeoutMs`, shared with onbehalf's own Redis calls
 * of that request), so a hung Redis answers 503 (with `redisUnavailableHandler()`) instead of
 * hanging the request, and a request waits one deadline, not one per command.
 */
export function redisSessionStore(options: RedisSessionStoreOptions): RedisStore {
  const { client, prefix, ttl } = options;
  return new DeadlineRedisStore({ client: client as never, prefix, ttl }, timeoutOf(options));
}
