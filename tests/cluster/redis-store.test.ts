/**
 * The Redis event store on its own: offsets are the stream ids, an append that does not follow is
 * refused whole (OffsetConflictError), an append chained onto one of ours that was refused cannot
 * land on another writer's events, big appends and reads, and a Redis that is not there fails fast.
 */
import { randomBytes } from 'node:crypto';
import type { LaunchEvent } from '@warroom/shared';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { OffsetConflictError, StorageUnavailableError } from '../../server/src/store/event-store';
import {
  type RedisDurability,
  type RedisTarget,
  RedisEventStore,
  connectRedis,
  logKey,
} from '../../server/src/store/redis-store';
import { TEST_REDIS_CLUSTER, TEST_REDIS_TARGET, deleteRedisKeys, freePort } from '../helpers/server';

const prefix = `wrtest:store-${randomBytes(4).toString('hex')}:`;
const clients: ReturnType<typeof connectRedis>[] = [];

async function store(
  target: RedisTarget = TEST_REDIS_TARGET,
  durability: RedisDurability = {},
): Promise<RedisEventStore> {
  const redis = connectRedis(target);
  clients.push(redis);
  const s = new RedisEventStore(redis, prefix, `test-${clients.length}`, durability);
  if (target === TEST_REDIS_TARGET) await s.init();
  return s;
}

function events(launchId: string, from: number, to: number): LaunchEvent[] {
  const out: LaunchEvent[] = [];
  for (let offset = from; offset <= to; offset++)
    out.push({
      type: 'clock.advanced',
      now: new Date(1_700_000_000_000 + offset * 1000).toISOString(),
      offset,
      launchId,
      recordedAt: new Date().toISOString(),
    } as LaunchEvent);
  return out;
}

afterEach(() => {
  for (const c of clients.splice(0)) c.disconnect();
});
afterAll(() => deleteRedisKeys(prefix));

describe('RedisEventStore', () => {
  it('appends at the next offset only; a refused append writes nothing', async () => {
    const s = await store();
    const id = 'launcha1';
    await s.append(id, events(id, 1, 3));
    await expect(s.append(id, events(id, 3, 4))).rejects.toBeInstanceOf(OffsetConflictError);
    // A gap is never written either (as data Redis lost: see below).
    await expect(s.append(id, events(id, 5, 6))).rejects.toBeInstanceOf(StorageUnavailableError);
    await s.append(id, events(id, 4, 5));
    const { events: read } = await s.read(id);
    expect(read.map((e) => e.offset)).toEqual([1, 2, 3, 4, 5]);
    expect((await s.readAfter(id, 3)).map((e) => e.offset)).toEqual([4, 5]);
    expect(await s.listLaunches()).toContain(id);
    const raw = await clients[0]!.xrange(logKey(prefix, 'log', id), '-', '+');
    expect(raw.map(([entryId]) => entryId)).toEqual(['1-1', '2-1', '3-1', '4-1', '5-1']);
  });

  it('an append chained onto our own refused one never lands on another writer’s events', async () => {
    const a = await store();
    const b = await store();
    const id = 'launchb2';
    await a.append(id, events(id, 1, 2));
    // B writes 3–4 first; A, not knowing, sends 3–4 and (without waiting) 5–6 on top of it.
    await b.append(id, events(id, 3, 4));
    const first = a.append(id, events(id, 3, 4));
    const second = a.append(id, events(id, 5, 6));
    await expect(first).rejects.toBeInstanceOf(OffsetConflictError);
    // The offsets would follow (B's 4 → 5), but A's 5–6 were decided on A's 3–4, not B's.
    await expect(second).rejects.toBeInstanceOf(OffsetConflictError);
    expect((await a.read(id)).events.map((e) => e.offset)).toEqual([1, 2, 3, 4]);
  });

  it('pipelined appends of one writer chain (group commit) and big ones are all or nothing', async () => {
    const s = await store();
    const id = 'launchc3';
    await Promise.all([s.append(id, events(id, 1, 100)), s.append(id, events(id, 101, 200))]);
    await s.append(id, events(id, 201, 12_200));
    const all = await s.readAfter(id, 0);
    expect(all).toHaveLength(12_200);
    expect(all.every((e, i) => e.offset === i + 1)).toBe(true);
  });

  it('says so when Redis holds less than was confirmed (lost data), instead of a conflict to retry', async () => {
    const s = await store();
    const id = 'launche5';
    await s.append(id, events(id, 1, 2));
    const err = await s.append(id, events(id, 5, 5)).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(StorageUnavailableError);
    expect(err).not.toBeInstanceOf(OffsetConflictError);
    expect((err as Error).message).toContain('lost acknowledged writes');
  });

  it('fails fast when Redis is not there', async () => {
    const s = await store(`redis://127.0.0.1:${await freePort()}`);
    const t0 = Date.now();
    await expect(s.append('launchd4', events('launchd4', 1, 1))).rejects.toBeInstanceOf(
      StorageUnavailableError,
    );
    await expect(s.readAfter('launchd4', 0)).rejects.toBeInstanceOf(StorageUnavailableError);
    expect(Date.now() - t0).toBeLessThan(2_000);
  });

  it("keeps one launch's log under its hash tag, and takes over a log written before the tag (one server)", async () => {
    const s = await store();
    await s.append('launchi9', events('launchi9', 1, 2));
    expect(s.key('launchi9')).toBe(`${prefix}log:{launchi9}`);
    expect(await clients.at(-1)!.xlen(`${prefix}log:{launchi9}`)).toBe(2);
    if (TEST_REDIS_CLUSTER.length > 0) return; // no cluster ever held untagged keys
    const redis = clients.at(-1)!;
    const old = `${prefix}log:launchf6`;
    for (const e of events('launchf6', 1, 3)) await redis.xadd(old, `${e.offset}-1`, 'e', JSON.stringify(e));
    await redis.sadd(`${prefix}launches`, 'launchf6');
    const upgraded = await store();
    expect((await upgraded.read('launchf6')).events.map((e) => e.offset)).toEqual([1, 2, 3]);
    expect(await redis.exists(old)).toBe(0);
    await upgraded.append('launchf6', events('launchf6', 4, 4));
    expect((await upgraded.readAfter('launchf6', 3)).map((e) => e.offset)).toEqual([4]);
  });

  it('with REDIS_WAIT_REPLICAS, answers an append only once that many replicas have it, else 503', async () => {
    if (TEST_REDIS_CLUSTER.length > 0) {
      // Every master of the test cluster has one replica.
      const s = await store(TEST_REDIS_TARGET, { waitReplicas: 1, waitTimeoutMs: 1_000 });
      await s.append('launchg7', events('launchg7', 1, 3));
      expect((await s.read('launchg7')).events).toHaveLength(3);
    }
    // More replicas than there are: the write is refused as not durable enough (it may be
    // stored: the next append finds it, as after any ambiguous failure).
    const s = await store(TEST_REDIS_TARGET, { waitReplicas: 3, waitTimeoutMs: 50 });
    const err = await s.append('launchh8', events('launchh8', 1, 1)).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(StorageUnavailableError);
    expect((err as Error).message).toMatch(/reached [01] of the 3 Redis replicas/);
    await expect(s.append('launchh8', events('launchh8', 1, 1))).rejects.toBeInstanceOf(OffsetConflictError);
  });
});
