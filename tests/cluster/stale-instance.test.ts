/**
 * Every command goes through the launch service, which catches up when another instance appended
 * first. Here the other instance's append reaches Redis without its notification (as when a
 * notification is lost), so this instance decides on a stale state: the run-sheet commands, like
 * readings and acknowledgements, catch up and succeed instead of answering 503.
 */
import { afterAll, describe, expect, it } from 'vitest';
import type { Launch, LaunchEvent, RunSheetTick } from '@warroom/shared';
import { connectRedis, logKey } from '../../server/src/store/redis-store';
import {
  TEST_REDIS_TARGET,
  redisOptions,
  makeApp,
  pastLaunchInput,
  redisPrefixFor,
  removeTempDirs,
  storeOptions,
  tempDir,
} from '../helpers/server';

afterAll(removeTempDirs);

/** Appends the next fact to the launch's stream behind the instance's back (no notification). */
async function appendUnannounced(prefix: string, launchId: string, fact: Record<string, unknown>) {
  const redis = connectRedis(TEST_REDIS_TARGET, { enableOfflineQueue: true });
  try {
    const key = logKey(prefix, 'log', launchId);
    const last = (await redis.xrevrange(key, '+', '-', 'COUNT', 1))[0]!;
    const offset = Number(last[0].split('-')[0]) + 1;
    const event = { ...fact, offset, launchId, recordedAt: new Date().toISOString() };
    await redis.xadd(key, `${offset}-1`, 'e', JSON.stringify(event));
    return offset;
  } finally {
    redis.disconnect();
  }
}

describe('a stale instance under Redis', () => {
  it('ticks a run-sheet task off after catching up with the facts it had not seen', async () => {
    const dataDir = await tempDir();
    const prefix = redisPrefixFor(dataDir);
    const app = await makeApp({
      dataDir,
      ...storeOptions(dataDir),
      ...redisOptions(prefix),
    });
    try {
      const created = await app.inject({ method: 'POST', url: '/api/launches', payload: pastLaunchInput() });
      expect(created.statusCode, created.body).toBe(201);
      const launch = created.json<Launch>();
      const before = app.registry.get(launch.id)!.durableOffset;
      // Another instance's edit of the run sheet, stored but never announced.
      const runSheet = (launch.runSheet ?? []).map((t) =>
        t.id === 'swap-pages' ? { ...t, title: '换页' } : t,
      );
      const offset = await appendUnannounced(prefix, launch.id, {
        type: 'runsheet.updated',
        runSheet,
        by: 'other-instance',
        at: new Date().toISOString(),
      });
      expect(offset).toBe(before + 1);
      expect(app.registry.get(launch.id)!.durableOffset).toBe(before);

      const ticked = await app.inject({
        method: 'POST',
        url: `/api/launches/${launch.id}/run-sheet/swap-pages/done`,
        payload: {},
      });
      expect(ticked.statusCode, ticked.body).toBe(200);
      expect(ticked.json<RunSheetTick>()).toMatchObject({ taskId: 'swap-pages' });

      const log = await app.inject({ method: 'GET', url: `/api/launches/${launch.id}/events` });
      const events = log.json<{ events: LaunchEvent[] }>().events;
      expect(events.map((e) => e.offset)).toEqual(events.map((_, i) => i + 1));
      expect(events.slice(-2).map((e) => e.type)).toEqual(['runsheet.updated', 'runsheet.task.done']);
      // The other instance's edit is folded in too, not overwritten.
      const snap = await app.inject({ method: 'GET', url: `/api/launches/${launch.id}` });
      const tasks = snap.json<{ launch: Launch }>().launch.runSheet ?? [];
      expect(tasks.find((t) => t.id === 'swap-pages')?.title).toBe('换页');

      // An edit of the run sheet decided on the stale state catches up the same way.
      await appendUnannounced(prefix, launch.id, {
        type: 'runsheet.task.done',
        taskId: 'pre-check',
        by: 'other-instance',
        at: new Date().toISOString(),
      });
      const edited = await app.inject({
        method: 'PUT',
        url: `/api/launches/${launch.id}/run-sheet`,
        payload: { tasks: [{ id: 'pre-check', title: '开团前检查', owner: '运营主管', offsetMinutes: -60 }] },
      });
      expect(edited.statusCode, edited.body).toBe(200);
    } finally {
      await app.close();
    }
  });
});
