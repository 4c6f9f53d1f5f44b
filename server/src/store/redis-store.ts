/**
 * The scale-out store: every log is a Redis Stream `<prefix>log:{<id>}` whose entry ids are
 * `<offset>-1`, so offsets are the ids. An append is one Lua script on that one key (one slot of a
 * Redis Cluster) that checks the stream's last offset (and, when the append chains onto one of ours
 * still in flight, that batch's token), XADDs every event and PUBLISHes `<id> <last offset>` on
 * `<prefix>log-events` so the other instances catch up; a log's first append also SADDs its id to
 * `<prefix>launches`. Redis runs a script atomically, so an append is
 * all or nothing, and it is answered only after Redis replied (with AOF `appendfsync always`, after
 * the fsync). Concurrent appends share one connection and are pipelined (sent without waiting for
 * the replies before them), the group commit of this store.
 *
 * Redis down: no offline queue, short timeouts, so a write fails within ~1 s with
 * StorageUnavailableError (HTTP 503) instead of hanging; ioredis reconnects on its own.
 */
import { randomBytes } from 'node:crypto';
import { Cluster, Redis, type RedisOptions } from 'ioredis';
import type { LaunchEvent } from '@warroom/shared';
import {
  CorruptLogError,
  type EventStore,
  OffsetConflictError,
  StorageUnavailableError,
  type StoreProblem,
} from './event-store';
import { compactEvent, expandEvent } from './forecast-block';

/** Fail fast: a request never waits on a Redis that is not there. */
export function redisOptions(extra: RedisOptions = {}): RedisOptions {
  return {
    enableOfflineQueue: false,
    // Commands are written as they come without waiting for earlier replies (Redis pipelining);
    // ioredis' auto-pipelining is left off: it batches on setImmediate and, when the connection
    // drops in between, fails the batch outside of the commands' own promises.
    commandTimeout: 1_500,
    connectTimeout: 1_000,
    maxRetriesPerRequest: 1,
    // Reconnect quickly and forever: the store recovers on its own when Redis returns.
    retryStrategy: (times) => Math.min(50 * times, 500),
    lazyConnect: false,
    ...extra,
  };
}

/** A connection to one Redis, or to a Redis Cluster (the same commands; keys routed by slot). */
export type RedisClient = Redis | Cluster;

/** Where Redis is: a URL (one server), or the seed nodes of a cluster (`host:port` or URLs). */
export type RedisTarget = string | readonly string[];

/** `host:port` or `redis://[user:password@]host:port`, as a cluster seed node. */
function nodeUrl(node: string): URL {
  return new URL(node.includes('://') ? node : `redis://${node}`);
}

function seedNode(node: string): { host: string; port: number } {
  const url = nodeUrl(node);
  return { host: url.hostname, port: Number(url.port || 6379) };
}

export function connectRedis(target: RedisTarget, extra: RedisOptions = {}): RedisClient {
  const client =
    typeof target === 'string'
      ? new Redis(target, redisOptions(extra))
      : new Cluster(target.map(seedNode), {
          // The nodes' connections fail fast as a single server's do (redisOptions); the cluster
          // client itself follows MOVED/ASK redirections and retries while a failover is under way.
          redisOptions: { ...redisOptions(extra), ...authOf(target[0]) },
          enableOfflineQueue: extra.enableOfflineQueue ?? false,
          enableReadyCheck: true,
          scaleReads: 'master',
          maxRedirections: 16,
          retryDelayOnFailover: 100,
          retryDelayOnClusterDown: 100,
          clusterRetryStrategy: (times) => Math.min(50 * times, 500),
        });
  // Connection errors surface on the commands that fail; an unhandled 'error' would crash.
  client.on('error', () => undefined);
  return client;
}

/** The credentials of the first seed node's URL, used for every node of the cluster. */
function authOf(node: string | undefined): RedisOptions {
  if (!node) return {};
  const { username, password } = nodeUrl(node);
  return {
    ...(username ? { username: decodeURIComponent(username) } : {}),
    ...(password ? { password: decodeURIComponent(password) } : {}),
  };
}

/** Resolves once the client is ready, or rejects after `timeoutMs`. */
export async function waitReady(client: RedisClient, timeoutMs = 5_000): Promise<void> {
  if (client.status === 'ready') return;
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => {
      cleanup();
      reject(new StorageUnavailableError(`Redis is not reachable (${client.status})`));
    }, timeoutMs);
    const onReady = () => {
      cleanup();
      resolve();
    };
    const cleanup = () => {
      clearTimeout(timer);
      client.off('ready', onReady);
    };
    client.on('ready', onReady);
  });
}

// KEYS[1] the stream (its only key, so it runs on one slot of a cluster). ARGV[1] id, ARGV[2] first
// offset, ARGV[3] expected token of the last entry ('' = any), ARGV[4] this batch's token, ARGV[5]
// channel, ARGV[6] the writing instance, ARGV[7..] events. Publishes `<id> <last offset> <instance>`
// (a cluster passes a PUBLISH on to every node).
const APPEND_LUA = `
local first = tonumber(ARGV[2])
local last = redis.call('XREVRANGE', KEYS[1], '+', '-', 'COUNT', 1)
local lastOffset = 0
if #last > 0 then
  lastOffset = tonumber(string.match(last[1][1], '^(%d+)'))
  if ARGV[3] ~= '' and lastOffset == first - 1 then
    local fields = last[1][2]
    local token = ''
    for i = 1, #fields, 2 do if fields[i] == 't' then token = fields[i + 1] end end
    if token ~= ARGV[3] then return redis.error_reply('CONFLICT ' .. lastOffset .. ' token') end
  end
end
if lastOffset ~= first - 1 then return redis.error_reply('CONFLICT ' .. lastOffset) end
local n = #ARGV - 6
for i = 1, n do
  if i == n then
    redis.call('XADD', KEYS[1], (first + i - 1) .. '-1', 'e', ARGV[6 + i], 't', ARGV[4])
  else
    redis.call('XADD', KEYS[1], (first + i - 1) .. '-1', 'e', ARGV[6 + i])
  end
end
redis.call('PUBLISH', ARGV[5], ARGV[1] .. ' ' .. (first + n - 1) .. ' ' .. ARGV[6])
return first + n - 1
`;

const STREAM_ID = /^[a-z0-9_-]{1,60}$/;

/**
 * The stream of log `id` of a kind (`log` for launches). The id is the key's hash tag (`{…}`), so
 * on a Redis Cluster one log lives in one slot and its append touches one.
 */
export function logKey(prefix: string, stream: string, id: string): string {
  if (!STREAM_ID.test(id)) throw new Error(`bad log id ${id}`);
  return `${prefix}${stream}:{${id}}`;
}
const READ_CHUNK = 10_000;

type RedisWithAppend = RedisClient & {
  warroomAppend(stream: string, ...args: string[]): Promise<number>;
};

/**
 * How sure an append must be before it is answered. `waitReplicas` > 0: after the append, WAIT
 * until that many replicas of the log's master have it (or `waitTimeoutMs` passed, which fails the
 * append with 503: it may have been applied, and is caught up with like any ambiguous failure), so
 * a 2xx-answered write survives the loss of its master when a replica that has it is promoted.
 */
export interface RedisDurability {
  waitReplicas?: number;
  waitTimeoutMs?: number;
}

function isConnectionError(e: unknown): boolean {
  const msg = (e as Error)?.message ?? '';
  return !msg.startsWith('CONFLICT') && !msg.startsWith('NOSCRIPT');
}

/**
 * Append-only logs of `{offset}` objects as Redis Streams: the launch logs, and (with another
 * prefix) the accounts and audit logs. Same contract as JsonlLogStore.
 */
export class RedisLogStore<E extends { offset: number }> {
  private readonly redis: RedisWithAppend;
  /** The last append this instance sent per stream and has not heard back about. */
  private tails = new Map<string, { last: number; token: string }>();

  constructor(
    redis: RedisClient,
    /** Key prefix, e.g. `warroom:`; streams are `<prefix><kind>:{<id>}`. */
    readonly prefix: string,
    private readonly stream = 'log',
    private readonly indexKey = `${prefix}launches`,
    /** Named in every notification, so an instance can skip its own. */
    readonly origin = '-',
    private readonly durability: RedisDurability = {},
  ) {
    redis.defineCommand('warroomAppend', { numberOfKeys: 1, lua: APPEND_LUA });
    this.redis = redis as RedisWithAppend;
  }

  /** The channel every append is announced on: `<stream id> <last offset> <origin>`. */
  get channel(): string {
    return `${this.prefix}${this.stream}-events`;
  }

  key(id: string): string {
    return logKey(this.prefix, this.stream, id);
  }

  async init(): Promise<void> {
    await waitReady(this.redis);
    await this.call(() => this.renameUntagged());
  }

  /**
   * Logs written before the keys had a hash tag (`<prefix><kind>:<id>`, one Redis server: no
   * cluster ran them) take the tagged name, atomically and only if it is free, so an upgrade keeps
   * every log. Stop every instance of the old version before starting the new one.
   */
  private async renameUntagged(): Promise<void> {
    if (this.redis.isCluster) return;
    const redis = this.redis;
    for (const id of await redis.smembers(this.indexKey)) {
      if (!STREAM_ID.test(id)) continue;
      await redis.renamenx(`${this.prefix}${this.stream}:${id}`, this.key(id)).catch((e: Error) => {
        if (!/no such key/i.test(e.message)) throw e;
      });
    }
  }

  /** An entry as its stream holds it (JSON); a store of one kind of log may keep entries more compactly. */
  protected encode(entry: E): string {
    return JSON.stringify(entry);
  }

  /** The entry a stream held; throws on one that cannot be read. */
  protected decode(raw: string): E {
    return JSON.parse(raw) as E;
  }

  async listLaunches(): Promise<string[]> {
    const ids = await this.call(() => this.redis.smembers(this.indexKey));
    return ids.sort();
  }

  async read(id: string): Promise<{ events: E[]; problems: StoreProblem[] }> {
    return { events: await this.readAfter(id, 0), problems: [] };
  }

  /** Durable events after `after`, in order; checks they follow on. */
  async readAfter(id: string, after: number): Promise<E[]> {
    const key = this.key(id);
    const out: E[] = [];
    let from = `${after + 1}-0`;
    for (;;) {
      const entries = await this.call(() => this.redis.xrange(key, from, '+', 'COUNT', READ_CHUNK));
      for (const [entryId, fields] of entries) {
        let json: string | undefined;
        for (let i = 0; i < fields.length; i += 2) if (fields[i] === 'e') json = fields[i + 1];
        const expected = after + out.length + 1;
        let event: E;
        try {
          event = this.decode(json ?? '');
        } catch (e) {
          throw new CorruptLogError(id, `${key} entry ${entryId} cannot be read: ${(e as Error).message}`);
        }
        if (event.offset !== expected || !entryId.startsWith(`${expected}-`))
          throw new CorruptLogError(
            id,
            `${key} entry ${entryId} has offset ${event.offset}, expected ${expected}`,
          );
        out.push(event);
      }
      if (entries.length < READ_CHUNK) return out;
      from = `${after + out.length + 1}-0`;
    }
  }

  async append(id: string, events: readonly E[]): Promise<void> {
    if (events.length === 0) return;
    const first = events[0]!.offset;
    const last = events[events.length - 1]!.offset;
    const key = this.key(id);
    // Chaining onto our own append still in flight: make sure it is that batch we follow, not
    // another instance's events that happen to end at the same offset.
    const tail = this.tails.get(id);
    const expect = tail && tail.last === first - 1 ? tail.token : '';
    const token = randomBytes(6).toString('base64url');
    this.tails.set(id, { last, token });
    const args: string[] = [id, String(first), expect, token, this.channel, this.origin];
    for (const e of events) args.push(this.encode(e));
    try {
      // The index names the log before the log exists (a log not in the index would be lost to
      // a restart; an index entry without a log is skipped). Its own key: another slot.
      const indexed = first === 1 ? this.redis.sadd(this.indexKey, id) : null;
      await Promise.all([indexed, this.appendDurably(key, args)]);
    } catch (e) {
      if (e instanceof StorageUnavailableError) throw e;
      const msg = (e as Error).message ?? '';
      if (msg.startsWith('CONFLICT')) {
        const stored = Number(/^CONFLICT (\d+)/.exec(msg)?.[1] ?? NaN);
        // Not chained onto our own append, yet Redis holds less than this instance knows to be
        // durable: Redis lost acknowledged data (restarted without AOF?). Retrying cannot help.
        if (!expect && stored < first - 1)
          throw new StorageUnavailableError(
            `Redis holds offsets up to ${stored} of log ${id}, but ${first - 1} were confirmed: ` +
              'Redis lost acknowledged writes (run it with appendonly yes, appendfsync always)',
          );
        throw new OffsetConflictError(`log ${id}: offset ${first} does not follow (${msg})`);
      }
      throw new StorageUnavailableError(`could not write the event log to Redis: ${msg}`, e);
    } finally {
      if (this.tails.get(id)?.token === token) this.tails.delete(id);
    }
  }

  /** The append script, then (when replicas must have it) WAIT on the same node. */
  private async appendDurably(key: string, args: string[]): Promise<void> {
    const replicas = this.durability.waitReplicas ?? 0;
    if (replicas <= 0) {
      await this.redis.warroomAppend(key, ...args);
      return;
    }
    // One pipeline: a cluster sends both to the node of the key's slot, where WAIT counts the
    // replicas that have every write before it.
    const pipeline = this.redis.pipeline() as ReturnType<RedisClient['pipeline']> & {
      warroomAppend(stream: string, ...args: string[]): unknown;
    };
    pipeline.warroomAppend(key, ...args);
    pipeline.wait(replicas, this.durability.waitTimeoutMs ?? 1_000);
    const results = (await pipeline.exec()) ?? [];
    const [appended, waited] = results;
    if (!appended || !waited) throw new Error('the append pipeline was not answered');
    if (appended[0]) throw appended[0];
    if (waited[0]) throw waited[0];
    const confirmed = Number(waited[1]);
    if (confirmed < replicas)
      throw new StorageUnavailableError(
        `the write reached ${confirmed} of the ${replicas} Redis replicas it must reach (REDIS_WAIT_REPLICAS); ` +
          'it may be stored and is read back before the next one',
      );
  }

  private async call<T>(fn: () => Promise<T>): Promise<T> {
    try {
      return await fn();
    } catch (e) {
      if (e instanceof CorruptLogError || !isConnectionError(e)) throw e;
      throw new StorageUnavailableError(`Redis is unavailable: ${(e as Error).message}`, e);
    }
  }

  async close(): Promise<void> {
    // The connection belongs to whoever made it (the Redis backend closes it).
  }
}

/** Launch logs in Redis: `<prefix>log:{<launchId>}` and the index `<prefix>launches`. */
export class RedisEventStore extends RedisLogStore<LaunchEvent> implements EventStore {
  readonly kind = 'redis' as const;

  constructor(redis: RedisClient, prefix = 'warroom:', origin = '-', durability: RedisDurability = {}) {
    super(redis, prefix, 'log', `${prefix}launches`, origin, durability);
  }

  /** A launch's per-minute curves are kept as compact blocks (forecast-block.ts). */
  protected override encode(event: LaunchEvent): string {
    return JSON.stringify(compactEvent(event));
  }

  protected override decode(raw: string): LaunchEvent {
    return expandEvent(JSON.parse(raw) as LaunchEvent);
  }
}
