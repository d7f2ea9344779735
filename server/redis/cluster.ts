import type { RedisCommandClient } from './commands.js';

/**
 * What onbehalf needs of a node-redis v5 Redis Cluster client (`createCluster()`, connected):
 * each command is sent to the master of its first key's slot.
 */
export interface RedisClusterCommandClient {
  readonly isOpen: boolean;
  readonly masters: ReadonlyArray<unknown>;
  sendCommand(firstKey: string | undefined, isReadonly: boolean | undefined, args: string[]): Promise<unknown>;
  nodeClient(master: never): unknown;
}

/** A connected node-redis v5 client (`createClient()`) or cluster (`createCluster()`). */
export type RedisClient = RedisCommandClient | RedisClusterCommandClient;

export const isCluster = (client: object): client is RedisClusterCommandClient => 'masters' in client && 'nodeClient' in client;

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
