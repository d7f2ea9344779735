import type { ImpersonationRecord } from '../impersonation/types.js';
import { frozenRecord, seenAt } from '../impersonation/store/frozen.js';

/**
 * The second connection the cache listens on: a node-redis v5 client, as `client.duplicate()`
 * makes it (or, on a cluster, `shardSubscriber`).
 */
export interface SubscriberClient {
  readonly isReady: boolean;
  /** Whether the connection still holds a subscription (a moved slot or a failed resubscribe drops it). */
  readonly isPubSubActive: boolean;
  on(event: 'ready' | 'error' | 'reconnecting' | 'end' | 'sharded-channel-moved', listener: (...args: unknown[]) => void): unknown;
  connect(): Promise<unknown>;
  subscribe(channel: string, listener: (message: string) => void): Promise<unknown>;
  destroy(): void;
}

export interface RecordCacheOptions {
  subscriber: SubscriberClient;
  /** Where every instance's `end` publishes the id it removed. */
  channel: string;
  /** How long an entry is used before Redis is read again (bounds a stale `lastSeenAt`). */
  ttlMs: number;
  now: () => number;
  /** Told when the cache can't subscribe (it then stays off: every read goes to Redis). */
  warn: (message: string) => void;
}

/** Entries kept before expired ones are pruned: only live sessions used on this instance are held. */
const PRUNE_ABOVE = 1_000;

/**
 * Live records held in this process, dropped the moment any instance ends one: `end` publishes
 * the id in the same script that removes the record, and every cache listens. A record is only
 * used while that channel is known to be intact (subscribed, no reconnect since); otherwise every
 * read goes to Redis, as without the cache. A read whose answer could predate an end this cache
 * heard about (an end, or a lost connection, arrived while it was in flight) is not kept.
 */
export function recordCache({ subscriber, channel, ttlMs, now, warn }: RecordCacheOptions) {
  const entries = new Map<string, { record: ImpersonationRecord; until: number }>();
  let subscribed = false;
  let trusted = false;
  let closed = false;
  // Bumped by every end heard and every lost connection: a fill that saw it change is dropped.
  let generation = 0;

  const distrust = () => {
    trusted = false;
    generation++;
    entries.clear();
  };
  subscriber.on('error', distrust);
  subscriber.on('reconnecting', distrust);
  subscriber.on('end', distrust);
  // Redis Cluster unsubscribes a sharded channel whose slot moved to another master: the
  // connection stays up but hears nothing more, so the cache stays off.
  subscriber.on('sharded-channel-moved', () => {
    distrust();
    if (!closed) warn(`redisStore cache: ${channel} moved to another Redis Cluster node, reading Redis on every request from now on`);
  });
  // After a reconnect node-redis emits 'ready' only once it has subscribed again (nothing can be
  // missed from then on), or once it gave up on the subscription (then it is no longer active).
  subscriber.on('ready', () => {
    if (subscribed && !closed && subscriber.isPubSubActive) trusted = true;
  });
  const ended = (id: string) => {
    generation++;
    entries.delete(id);
  };
  const started = subscriber
    .connect()
    .then(() => subscriber.subscribe(channel, ended))
    .then(
      () => {
        subscribed = true;
        trusted = !closed && subscriber.isReady && subscriber.isPubSubActive;
      },
      (err: unknown) => {
        if (!closed) warn(`redisStore cache: could not subscribe to ${channel}, reading Redis on every request: ${String(err)}`);
      },
    );

  function prune(at: number) {
    for (const [id, e] of entries) if (at >= e.until) entries.delete(id);
  }

  return {
    /** The record, if this instance may use it without asking Redis. */
    hit(id: string): ImpersonationRecord | undefined {
      if (!trusted) return undefined;
      const e = entries.get(id);
      if (!e) return undefined;
      if (now() >= e.until) {
        entries.delete(id);
        return undefined;
      }
      return e.record;
    },
    /** Read through `read`, keeping the answer only when no end can have been missed meanwhile. */
    async fill(id: string, read: () => Promise<ImpersonationRecord | undefined>) {
      const before = trusted ? generation : -1;
      const record = await read();
      if (record && trusted && generation === before) {
        const at = now();
        if (entries.size >= PRUNE_ABOVE) prune(at);
        entries.set(id, { record: frozenRecord(record), until: at + ttlMs });
      }
      return record;
    },
    /** This instance moved `lastSeenAt` forward in Redis. */
    touched(id: string, at: number) {
      const e = entries.get(id);
      if (e && at > e.record.lastSeenAt) e.record = seenAt(e.record, at);
    },
    /** This instance ended it: drop it now, before its own message comes back. */
    drop: ended,
    async close() {
      closed = true;
      distrust();
      try {
        subscriber.destroy();
      } catch {
        // Already closed.
      }
      await started;
    },
  };
}
