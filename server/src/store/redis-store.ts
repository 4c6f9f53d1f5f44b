/**
 * The scale-out store: every log is a Redis Stream `<prefix>log:<id>` whose entry ids are
 * `<offset>-1`, so offsets are the ids. An append is one Lua script that checks the stream's last
 * offset (and, when the append chains onto one of ours still in flight, that batch's token) and
 * XADDs every event, SADDs the id to `<prefix>launches` and PUBLISHes `<id> <last offset>` on
 * `<prefix>events` so the other instances catch up. Redis runs a script atomically, so an append is
 * all or nothing, and it is answered only after Redis replied (with AOF `appendfsync always`, after
 * the fsync). Concurrent appends share one connection and are pipelined (sent without waiting for
 * the replies before them), the group commit of this store.
 *
 * Redis down: no offline queue, short timeouts, so a write fails within ~1 s with
 * StorageUnavailableError (HTTP 503) instead of hanging; ioredis reconnects on its own.
 */
import { randomBytes } from 'node:crypto';
import { Redis, type RedisOptions } from 'ioredis';
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

export function connectRedis(url: string, extra: RedisOptions = {}): Redis {
  const client = new Redis(url, redisOptions(extra));
  // Connection errors surface on the commands that fail; an unhandled 'error' would crash.
  client.on('error', () => undefined);
  return client;
}

/** Resolves once the client is ready, or rejects after `timeoutMs`. */
export async function waitReady(client: Redis, timeoutMs = 5_000): Promise<void> {
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

// KEYS[1] the stream, KEYS[2] the index set. ARGV[1] id, ARGV[2] first offset, ARGV[3] expected
// token of the last entry ('' = any), ARGV[4] this batch's token, ARGV[5] channel, ARGV[6] the
// writing instance, ARGV[7..] events. Publishes `<id> <last offset> <instance>`.
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
redis.call('SADD', KEYS[2], ARGV[1])
redis.call('PUBLISH', ARGV[5], ARGV[1] .. ' ' .. (first + n - 1) .. ' ' .. ARGV[6])
return first + n - 1
`;

const STREAM_ID = /^[a-z0-9_-]{1,60}$/;
const READ_CHUNK = 10_000;

type RedisWithAppend = Redis & {
  warroomAppend(stream: string, index: string, ...args: string[]): Promise<number>;
};

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
    redis: Redis,
    /** Key prefix, e.g. `warroom:`; streams are `<prefix><kind>:<id>`. */
    readonly prefix: string,
    private readonly stream = 'log',
    private readonly indexKey = `${prefix}launches`,
    /** Named in every notification, so an instance can skip its own. */
    readonly origin = '-',
  ) {
    redis.defineCommand('warroomAppend', { numberOfKeys: 2, lua: APPEND_LUA });
    this.redis = redis as RedisWithAppend;
  }

  /** The channel every append is announced on: `<stream id> <last offset> <origin>`. */
  get channel(): string {
    return `${this.prefix}${this.stream}-events`;
  }

  key(id: string): string {
    if (!STREAM_ID.test(id)) throw new Error(`bad log id ${id}`);
    return `${this.prefix}${this.stream}:${id}`;
  }

  async init(): Promise<void> {
    await waitReady(this.redis);
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
      await this.redis.warroomAppend(key, this.indexKey, ...args);
    } catch (e) {
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

/** Launch logs in Redis: `<prefix>log:<launchId>` and the index `<prefix>launches`. */
export class RedisEventStore extends RedisLogStore<LaunchEvent> implements EventStore {
  readonly kind = 'redis' as const;

  constructor(redis: Redis, prefix = 'warroom:', origin = '-') {
    super(redis, prefix, 'log', `${prefix}launches`, origin);
  }

  /** A launch's per-minute curves are kept as compact blocks (forecast-block.ts). */
  protected override encode(event: LaunchEvent): string {
    return JSON.stringify(compactEvent(event));
  }

  protected override decode(raw: string): LaunchEvent {
    return expandEvent(JSON.parse(raw) as LaunchEvent);
  }
}
