import type { Store } from 'express-rate-limit';
import { RedisStore } from 'rate-limit-redis';
import { commandSender, timeoutOf, type RedisTimeoutOptions } from './commands.js';
import { asCommandClient, type RedisClient } from './cluster.js';

/** Options of `redisRateLimitStore()`. */
export interface RedisRateLimitOptions extends RedisTimeoutOptions {
  /** A connected node-redis v5 client or cluster. Required (unless passed first, the older call shape). */
  client?: RedisClient;
  /** Prefix of the counter keys. Default `'onbehalf:rl:'`. */
  prefix?: string;
}

/**
 * rate-limit-redis loads its Lua scripts once, at init; when Redis is down then, it keeps the
 * rejected promise and fails forever. Retry the load on the next call instead.
 */
class RecoveringRedisStore extends RedisStore {
  override async increment(key: string) {
    this.incrementScriptSha = this.incrementScriptSha.catch(() => this.loadIncrementScript());
    return super.increment(key);
  }
  override async get(key: string) {
    this.getScriptSha = this.getScriptSha.catch(() => this.loadGetScript());
    return super.get(key);
  }
}

/**
 * A store for express-rate-limit that keeps the counters in Redis, so every instance counts the
 * same start attempts: `onBehalf({ rateLimit: { store: redisRateLimitStore({ client }) } })`.
 * When Redis is unreachable it rejects at once (`RedisUnavailableError`): the attempt is refused
 * rather than let through unlimited. express-rate-limit does not pass the request to its store,
 * so each check has a budget of `timeoutMs` of its own; onbehalf charges the time it took to the
 * start request's deadline.
 */
export function redisRateLimitStore(options: RedisRateLimitOptions & { client: RedisClient }): Store;
/** @deprecated Pass the client in the options: `redisRateLimitStore({ client, ...options })`. */
export function redisRateLimitStore(client: RedisClient, options?: RedisRateLimitOptions): Store;
export function redisRateLimitStore(first: RedisClient | (RedisRateLimitOptions & { client: RedisClient }), more: RedisRateLimitOptions = {}): Store {
  const options = 'sendCommand' in first ? { ...more, client: first } : first;
  const send = commandSender(asCommandClient(options.client), timeoutOf(options))();
  return new RecoveringRedisStore({
    prefix: options.prefix ?? 'onbehalf:rl:',
    // Each counter is one key, so each script runs on its key's node (routed by asCommandClient).
    sendCommand: (...args: string[]) => send(args),
  });
}
