/**
 * Several instances on one Redis (REDIS_URL): the launch logs, the accounts and audit logs, the
 * notifications that let every instance fold every launch, and the leases that make one instance
 * tick each launch's clock and one drive each simulation.
 *
 * - Each instance folds every launch. An append (by any instance) is announced on
 *   `<prefix>log-events` by the append script itself; the others read what follows their durable
 *   offset (XRANGE) and fold it, and each pushes it to its own sockets. After a reconnect, and every
 *   few seconds, every launch is checked against the store in case a notification was missed.
 * - Leases (`<prefix>lease:<name>`, SET PX with the instance id, renewed every second, 3 s TTL):
 *   `tick:<launch>` — only its holder ticks that launch's clock (grace deadlines, escalations), so
 *   instances do not race for the same facts (the offset check would refuse the loser anyway);
 *   `sim:<launch>` — the instance driving a simulation. When a holder dies its leases lapse and
 *   another instance takes over within ~3 s, resuming a simulation from its log;
 *   `replay:<id>` — the instance owning a replay (see `ReplayDirectory`, replay/manager.ts).
 * - Replay descriptions (`<prefix>replay:<id>`, JSON, kept a week; their ids in the set
 *   `<prefix>replays`, so every instance lists every replay) and hand-over requests
 *   (`<prefix>replay-events`: `<id> 0 <origin>`, asking the owner to record its replay and let go).
 */
import { randomBytes } from 'node:crypto';
import type { AuditEntry } from '@warroom/shared';
import type { AccountEvent } from '../accounts/accounts';
import type { GroupEvent } from '../groups/groups';
import type { Leases, LaunchRegistry } from '../launches/registry';
import { tickLease } from '../launches/registry';
import type { ReplayDescription, ReplayDirectory } from '../replay/manager';
import { StorageUnavailableError } from '../store/event-store';
import {
  type RedisClient,
  type RedisDurability,
  type RedisTarget,
  RedisEventStore,
  RedisLogStore,
  connectRedis,
  waitReady,
} from '../store/redis-store';

export const LEASE_TTL_MS = 3_000;
const LEASE_RENEW_MS = 1_000;
/** A holder stops believing it holds a lease this long before it lapses in Redis. */
const LEASE_MARGIN_MS = 500;
const RESYNC_MS = 5_000;
/** A replay's description outlives its last control by this long. */
const REPLAY_TTL_MS = 7 * 24 * 3600_000;

// KEYS: the lease keys; ARGV[1] this instance, ARGV[2] the TTL. 1 per key held, 0 otherwise.
const LEASE_LUA = `
local out = {}
for i, key in ipairs(KEYS) do
  local v = redis.call('GET', key)
  if v == ARGV[1] then
    redis.call('PEXPIRE', key, ARGV[2])
    out[i] = 1
  elseif not v then
    redis.call('SET', key, ARGV[1], 'PX', ARGV[2])
    out[i] = 1
  else
    out[i] = 0
  end
end
return out
`;
const RELEASE_LUA = `
if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end
return 0
`;

type LeaseRedis = RedisClient & {
  warroomLeases(n: number, ...args: string[]): Promise<number[]>;
  warroomRelease(key: string, id: string): Promise<number>;
};

interface Log {
  warn: (o: object, msg: string) => void;
  error: (o: object, msg: string) => void;
}

export class RedisLeases implements Leases {
  readonly instanceId = `${process.pid}-${randomBytes(4).toString('hex')}`;
  private wanted = new Set<string>();
  private until = new Map<string, number>();
  private readonly redis: LeaseRedis;

  constructor(
    redis: RedisClient,
    private readonly prefix: string,
  ) {
    redis.defineCommand('warroomLeases', { lua: LEASE_LUA });
    redis.defineCommand('warroomRelease', { numberOfKeys: 1, lua: RELEASE_LUA });
    this.redis = redis as LeaseRedis;
  }

  holds(name: string): boolean {
    return (this.until.get(name) ?? 0) > Date.now();
  }

  /** How many leases this instance holds right now (metrics). */
  heldCount(): number {
    const now = Date.now();
    return [...this.until.values()].filter((until) => until > now).length;
  }

  async acquire(name: string): Promise<boolean> {
    this.wanted.add(name);
    await this.renew([name]).catch(() => undefined);
    return this.holds(name);
  }

  async release(name: string): Promise<void> {
    this.wanted.delete(name);
    this.until.delete(name);
    await this.redis.warroomRelease(leaseKey(this.prefix, name), this.instanceId).catch(() => undefined);
  }

  /** Takes or renews `names` (and every lease still wanted); throws when Redis is unreachable. */
  async renew(names: Iterable<string> = []): Promise<void> {
    const all = [...new Set([...this.wanted, ...names])];
    if (all.length === 0) return;
    const sent = Date.now();
    const res = await this.redis.warroomLeases(
      all.length,
      ...all.map((n) => leaseKey(this.prefix, n)),
      this.instanceId,
      String(LEASE_TTL_MS),
    );
    all.forEach((name, i) => {
      if (res[i] === 1) this.until.set(name, sent + LEASE_TTL_MS - LEASE_MARGIN_MS);
      else this.until.delete(name);
    });
  }

  async releaseAll(): Promise<void> {
    const names = [...this.until.keys()];
    await Promise.all(names.map((n) => this.release(n)));
  }
}

/**
 * Every lease of a deployment shares one hash tag, so the renewal script (all of an instance's
 * leases at once) runs on one slot of a Redis Cluster; they are a few bytes each.
 */
export const leaseKey = (prefix: string, name: string) => `{${prefix}lease}:${name}`;

/** Replay descriptions and their index share one hash tag: saved and listed together. */
const replayIndexKey = (prefix: string) => `{${prefix}replays}`;
const replayKey = (prefix: string, id: string) => `{${prefix}replays}:${id}`;

/** The commands the Socket.IO streams adapter sends without handling what they return. */
const UNHANDLED_BY_ADAPTER = ['publish', 'spublish', 'subscribe', 'ssubscribe'] as const;

/**
 * The Socket.IO streams adapter sends some commands and drops their promises (the PUBLISH of its
 * heartbeat, the SUBSCRIBE of the connection it duplicates for itself). Queued while a connection
 * is not up yet and then closed — a shutdown, a cluster still being discovered — such a command
 * rejects with no handler, which ends a Node process. The adapter's connections (and those it
 * duplicates from them) get a handler on those promises here; the adapter notices a lost message
 * or subscription by its own timeouts and re-subscribes, as before.
 */
function handledForAdapter<T extends RedisClient>(client: T): T {
  const c = client as unknown as Record<string, (...args: unknown[]) => unknown>;
  for (const name of UNHANDLED_BY_ADAPTER) {
    const send = c[name]!.bind(client);
    c[name] = (...args: unknown[]) => {
      const reply = send(...args);
      if (reply instanceof Promise) reply.catch(() => undefined);
      return reply;
    };
  }
  const duplicate = c.duplicate!.bind(client);
  c.duplicate = (...args: unknown[]) => handledForAdapter(duplicate(...args) as RedisClient);
  return client;
}

export interface RedisBackendOptions {
  /** REDIS_URL, or the seed nodes of a Redis Cluster (REDIS_CLUSTER_NODES). */
  url: RedisTarget;
  /** Key prefix, so several deployments (or tests) share one Redis: default `warroom:`. */
  prefix?: string;
  /** How many replicas must have a log append before it is answered (REDIS_WAIT_REPLICAS). */
  durability?: RedisDurability;
}

export class RedisBackend {
  readonly prefix: string;
  readonly redis: RedisClient;
  /** Blocking reads of the Socket.IO adapter need a connection without the short timeout. */
  readonly adapterRedis: RedisClient;
  private readonly sub: RedisClient;
  readonly leases: RedisLeases;
  readonly store: RedisEventStore;
  readonly accountLog: RedisLogStore<AccountEvent>;
  readonly auditLog: RedisLogStore<AuditEntry>;
  /** Launch groups: the stream `<prefix>groups:groups`, announced on `<prefix>groups-events`. */
  readonly groupLog: RedisLogStore<GroupEvent>;
  private groupListeners: (() => void)[] = [];
  private timers: NodeJS.Timeout[] = [];
  private accountListeners: (() => void)[] = [];
  private releaseListeners: ((id: string) => void)[] = [];
  readonly replays: ReplayDirectory;

  constructor(opts: RedisBackendOptions) {
    this.prefix = opts.prefix ?? 'warroom:';
    this.redis = connectRedis(opts.url);
    this.sub = connectRedis(opts.url, { commandTimeout: undefined });
    this.adapterRedis = handledForAdapter(
      connectRedis(opts.url, {
        commandTimeout: undefined,
        enableOfflineQueue: true,
        maxRetriesPerRequest: null,
      }),
    );
    this.leases = new RedisLeases(this.redis, this.prefix);
    const origin = this.leases.instanceId;
    this.store = new RedisEventStore(this.redis, this.prefix, origin, opts.durability);
    // Accounts and audit share the `accounts` kind (streams `accounts:{accounts}`, `accounts:{audit}`).
    const log = <E extends { offset: number }>(kind: string) =>
      new RedisLogStore<E>(this.redis, this.prefix, kind, `${this.prefix}${kind}`, origin, opts.durability);
    this.accountLog = log('accounts');
    this.auditLog = log('accounts');
    this.groupLog = log('groups');
    this.replays = this.replayDirectory();
  }

  private get replayChannel(): string {
    return `${this.prefix}replay-events`;
  }

  /** An instance shutting down says it let its leases go, so the others take them at once. */
  private get leaseChannel(): string {
    return `${this.prefix}lease-events`;
  }

  private replayDirectory(): ReplayDirectory {
    const key = (id: string) => replayKey(this.prefix, id);
    /** The ids of every recorded replay, so any instance lists them all. */
    const index = replayIndexKey(this.prefix);
    const unavailable = (e: unknown): never => {
      throw new StorageUnavailableError('the replay could not be read or recorded (Redis unavailable?)', e);
    };
    return {
      leases: this.leases,
      save: async (d: ReplayDescription) => {
        await this.redis
          .multi()
          .set(key(d.id), JSON.stringify(d), 'PX', REPLAY_TTL_MS)
          .sadd(index, d.id)
          .exec()
          .catch(unavailable);
      },
      load: async (id: string) => {
        const raw = await this.redis.get(key(id)).catch(unavailable);
        return raw ? (JSON.parse(raw) as ReplayDescription) : null;
      },
      remove: async (id: string) => {
        await this.redis.multi().del(key(id)).srem(index, id).exec().catch(unavailable);
      },
      list: async () => {
        const ids = await this.redis.smembers(index).catch(unavailable);
        if (ids.length === 0) return [];
        const raws = await this.redis.mget(ids.map(key)).catch(unavailable);
        const gone = ids.filter((_, i) => raws[i] === null);
        // A description that expired (a week untouched) leaves the index too.
        if (gone.length > 0) await this.redis.srem(index, ...gone).catch(unavailable);
        return raws.flatMap((raw) => (raw ? [JSON.parse(raw) as ReplayDescription] : []));
      },
      askRelease: async (id: string) => {
        await this.redis.publish(this.replayChannel, `${id} 0 ${this.leases.instanceId}`).catch(unavailable);
      },
      onReleaseAsked: (fn) => void this.releaseListeners.push(fn),
    };
  }

  async init(): Promise<void> {
    await Promise.all([waitReady(this.redis), waitReady(this.sub)]);
    await this.renameUntaggedReplays();
  }

  /**
   * Replay descriptions recorded before the keys had a hash tag (one Redis server) take the tagged
   * names, atomically and only where those are free, so an upgrade keeps them.
   */
  private async renameUntaggedReplays(): Promise<void> {
    const redis = this.redis;
    if (redis.isCluster) return;
    const ignoreMissing = (e: Error) => {
      if (!/no such key/i.test(e.message)) throw e;
    };
    const ids = await redis.smembers(`${this.prefix}replays`);
    for (const id of ids)
      await redis.renamenx(`${this.prefix}replay:${id}`, replayKey(this.prefix, id)).catch(ignoreMissing);
    if (ids.length > 0) {
      await redis.sadd(replayIndexKey(this.prefix), ...ids);
      await redis.del(`${this.prefix}replays`);
    }
  }

  /** Called when another instance wrote to the groups log (and on every resync). */
  onGroups(fn: () => void): void {
    this.groupListeners.push(fn);
  }

  /** Called when another instance wrote to the accounts log. */
  onAccounts(fn: () => void): void {
    this.accountListeners.push(fn);
  }

  /**
   * Follows the other instances: notifications, periodic resync, the tick leases of every launch,
   * and `each` (simulation leases) every second.
   */
  async start(registry: LaunchRegistry, log: Log, each: () => Promise<void>): Promise<void> {
    registry.leases = this.leases;
    const leaseLoop = async () => {
      try {
        await this.leases.renew(registry.all().map((rt) => tickLease(rt.id)));
        await each();
      } catch (e) {
        log.warn({ err: e }, 'could not renew leases (Redis unavailable?)');
      }
    };
    const launchChannel = this.store.channel;
    const accountChannel = this.accountLog.channel;
    this.sub.on('message', (channel: string, message: string) => {
      const [id, offset, origin] = message.split(' ');
      if (origin === this.leases.instanceId || !id) return;
      if (channel === launchChannel) registry.announce(id, Number(offset));
      else if (channel === accountChannel) for (const fn of this.accountListeners) fn();
      else if (channel === this.groupLog.channel) for (const fn of this.groupListeners) fn();
      else if (channel === this.replayChannel) for (const fn of this.releaseListeners) fn(id);
      else if (channel === this.leaseChannel) void leaseLoop();
    });
    let subscribedOnce = false;
    const subscribe = async () => {
      await this.sub.subscribe(
        launchChannel,
        accountChannel,
        this.groupLog.channel,
        this.replayChannel,
        this.leaseChannel,
      );
      // Anything appended while we were not listening.
      if (subscribedOnce) {
        await registry.syncAll();
        for (const fn of this.accountListeners) fn();
      }
      subscribedOnce = true;
    };
    await subscribe();
    // ioredis resubscribes by itself after a reconnect; catch up on what was missed meanwhile.
    this.sub.on('ready', () => {
      void registry.syncAll().catch(() => undefined);
      for (const fn of this.accountListeners) fn();
      for (const fn of this.groupListeners) fn();
    });
    // Launches created by others before this instance subscribed.
    await registry.syncAll();

    await leaseLoop();
    this.timers.push(setInterval(() => void leaseLoop(), LEASE_RENEW_MS));
    this.timers.push(
      setInterval(() => {
        void registry.syncAll().catch(() => undefined);
        for (const fn of this.accountListeners) fn();
        for (const fn of this.groupListeners) fn();
      }, RESYNC_MS),
    );
    for (const t of this.timers) t.unref();
  }

  async close(): Promise<void> {
    for (const t of this.timers) clearInterval(t);
    this.timers = [];
    // Let go of every lease now, not when it lapses: another instance ticks these launches and
    // drives these simulations within moments (told on the lease channel) instead of ~3 s.
    const held = this.leases.heldCount();
    await this.leases.releaseAll();
    if (held > 0)
      await this.redis
        .publish(this.leaseChannel, `released 0 ${this.leases.instanceId}`)
        .catch(() => undefined);
    // QUIT lets the replies still on their way arrive first (the Socket.IO adapter's heartbeat may
    // be one, and its promise has no handler: a dropped connection would reject it unhandled);
    // a Redis that does not answer is simply dropped after a second.
    await Promise.all(
      [this.sub, this.adapterRedis, this.redis].map(async (c) => {
        const timer = setTimeout(() => c.disconnect(), 1_000);
        await c.quit().catch(() => c.disconnect());
        clearTimeout(timer);
      }),
    );
  }
}
