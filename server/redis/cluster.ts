import type { RedisCommandClient } from './commands.js';
import type { SubscriberClient } from './store-cache.js';

/**
 * What onbehalf needs of a node-redis v5 Redis Cluster client (`createCluster()`, connected):
 * each command is sent to the master of its first key's slot.
 */
export interface RedisClusterCommandClient {
  readonly isOpen: boolean;
  readonly masters: ReadonlyArray<unknown>;
  /** Each slot's shard: its master is where a sharded channel of that slot is published. */
  readonly slots: ReadonlyArray<{ master: unknown } | undefined>;
  sendCommand(firstKey: string | undefined, isReadonly: boolean | undefined, args: string[]): Promise<unknown>;
  nodeClient(master: never): unknown;
}

/** A connected node-redis v5 client (`createClient()`) or cluster (`createCluster()`). */
export type RedisClient = RedisCommandClient | RedisClusterCommandClient;

export const isCluster = (client: object): client is RedisClusterCommandClient => 'masters' in client && 'nodeClient' in client;

/** Whether Redis Cluster hashes only part of `key`: the text between its first `{` and the next `}`, when not empty. */
export function hasHashTag(key: string): boolean {
  const open = key.indexOf('{');
  return open >= 0 && key.indexOf('}', open + 1) > open + 1;
}

/** The key Redis Cluster routes a command by: EVAL/EVALSHA's first key, else the first argument. */
export function firstKey(args: ReadonlyArray<string>): string | undefined {
  const name = args[0]?.toUpperCase();
  if (name === 'EVAL' || name === 'EVALSHA') return Number(args[2]) > 0 ? args[3] : undefined;
  if (name === 'SCRIPT' || name === 'PUBLISH' || name === 'PING') return undefined;
  return args[1];
}

/**
 * A cluster seen as one client: every command goes to the master of its first key's slot (so
 * each of onbehalf's scripts, whose keys share a hash tag, runs on one node); `SCRIPT LOAD` goes
 * to every master, so that an `EVALSHA` finds its script on whichever node its key lives.
 * "Ready" is the cluster being open: a node that is down fails its own commands (503), not the
 * others'. A plain client is returned as it is.
 */
export function asCommandClient(client: RedisClient): RedisCommandClient {
  if (!isCluster(client)) return client;
  return {
    get isReady() {
      return client.isOpen;
    },
    async sendCommand(args) {
      if (args[0]?.toUpperCase() !== 'SCRIPT' || args[1]?.toUpperCase() !== 'LOAD') return client.sendCommand(firstKey(args), false, [...args]);
      const loaded = await Promise.allSettled(
        client.masters.map(async (m) => ((await client.nodeClient(m as never)) as RedisCommandClient).sendCommand(args)),
      );
      const ok = loaded.find((r) => r.status === 'fulfilled');
      if (!ok) throw (loaded[0] as PromiseRejectedResult | undefined)?.reason ?? new Error('Redis Cluster has no master');
      return ok.value;
    },
  };
}

/** A node's connection as `duplicate()` makes it, listening with SSUBSCRIBE. */
type ShardConnection = Omit<SubscriberClient, 'subscribe'> & {
  sSubscribe(channel: string, listener: (message: string) => void): Promise<unknown>;
};

/**
 * The store cache's listener on a cluster: a connection of its own (a duplicate of the node's
 * client, with the cluster's `defaults`) to the master of `channel`'s slot, which SSUBSCRIBEs.
 * The channel shares the state's hash tag, so the end script's SPUBLISH runs on that master and
 * reaches this connection without a broadcast to every node; losing that master loses the
 * state and its channel together. It stays with that node: if the slot moves, Redis
 * unsubscribes it (node-redis: `sharded-channel-moved`) and the cache turns itself off.
 */
export function shardSubscriber(cluster: RedisClusterCommandClient, channel: string): SubscriberClient {
  let node: ShardConnection | undefined;
  let destroyed = false;
  const listeners: Array<Parameters<SubscriberClient['on']>> = [];
  return {
    get isReady() {
      return node?.isReady ?? false;
    },
    get isPubSubActive() {
      return node?.isPubSubActive ?? false;
    },
    on(...args) {
      listeners.push(args);
      return node?.on(...args);
    },
    async connect() {
      const slot = Number(await cluster.sendCommand(channel, true, ['CLUSTER', 'KEYSLOT', channel]));
      const master = cluster.slots[slot]?.master;
      if (!master) throw new Error(`no Redis Cluster master holds the slot of ${channel}`);
      const c = ((await cluster.nodeClient(master as never)) as { duplicate(): ShardConnection }).duplicate();
      if (destroyed) throw new Error('closed');
      node = c;
      for (const args of listeners) c.on(...args);
      await c.connect();
    },
    subscribe: (ch, listener) => node!.sSubscribe(ch, listener),
    destroy() {
      destroyed = true;
      node?.destroy();
    },
  };
}
