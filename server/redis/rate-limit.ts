import type { Store } from 'express-rate-limit';
import { RedisStore } from 'rate-limit-redis';
import { commandSender, type RedisCommandClient } from './commands.js';

/** Options of `redisRateLimitStore()`. */
export interface RedisRateLimitOptions {
  /** Prefix of the counter keys. Default `'onbehalf:rl:'`. */
  prefix?: string;
  /** A command that gets no answer within this many ms rejects. Default 2000. */
  commandTimeoutMs?: number;
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
 * same start attempts: `onBehalf({ rateLimit: { store: redisRateLimitStore(client) } })`.
 * When Redis is unreachable it rejects at once (`RedisUnavailableError`): the attempt is refused
 * rather than let through unlimited.
 */
export function redisRateLimitStore(client: RedisCommandClient, options: RedisRateLimitOptions = {}): Store {
  const send = commandSender(client, options.commandTimeoutMs);
  return new RecoveringRedisStore({
    prefix: options.prefix ?? 'onbehalf:rl:',
    sendCommand: (...args: string[]) => send(args),
  });
}
