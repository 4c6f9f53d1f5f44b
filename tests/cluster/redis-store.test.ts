/**
 * The Redis event store on its own: offsets are the stream ids, an append that does not follow is
 * refused whole (OffsetConflictError), an append chained onto one of ours that was refused cannot
 * land on another writer's events, big appends and reads, and a Redis that is not there fails fast.
 */
import { randomBytes } from 'node:crypto';
import type { LaunchEvent } from '@warroom/shared';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { OffsetConflictError, StorageUnavailableError } from '../../server/src/store/event-store';
import { RedisEventStore, connectRedis } from '../../server/src/store/redis-store';
import { TEST_REDIS_URL, deleteRedisKeys, freePort } from '../helpers/server';

const prefix = `wrtest:store-${randomBytes(4).toString('hex')}:`;
const clients: ReturnType<typeof connectRedis>[] = [];

async function store(url = TEST_REDIS_URL): Promise<RedisEventStore> {
  const redis = connectRedis(url);
  clients.push(redis);
  const s = new RedisEventStore(redis, prefix, `test-${clients.length}`);
  if (url === TEST_REDIS_URL) await s.init();
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
    const raw = await clients[0]!.xrange(`${prefix}log:${id}`, '-', '+');
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
});
