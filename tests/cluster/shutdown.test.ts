/**
 * Two compiled server processes on one Redis: SIGTERM to the one that ticks a launch (holds its
 * tick lease) lets the lease go at once, and the other instance holds it within a second — not
 * after the lease's 3 s expiry — while the stopped one exits 0.
 */
import { randomBytes } from 'node:crypto';
import { afterAll, describe, expect, it } from 'vitest';
import type { Launch } from '@warroom/shared';
import { leaseKey } from '../../server/src/cluster/redis-backend';
import { tickLease } from '../../server/src/launches/registry';
import { connectRedis } from '../../server/src/store/redis-store';
import {
  ServerProcess,
  buildServer,
  TEST_REDIS_TARGET,
  redisEnv,
  deleteRedisKeys,
  freePort,
  pastLaunchInput,
  removeTempDirs,
  tempDir,
  waitFor,
} from '../helpers/server';

const servers: ServerProcess[] = [];
const prefix = `wrtest:shutdown-${randomBytes(4).toString('hex')}:`;

afterAll(async () => {
  await Promise.all(servers.map((s) => s.kill9()));
  await deleteRedisKeys(prefix);
  await removeTempDirs();
});

describe('SIGTERM with several instances', () => {
  it('hands the tick lease to the other instance within a second', async () => {
    buildServer();
    for (let i = 0; i < 2; i++) {
      const s = new ServerProcess(await tempDir('warroom-cluster-'), await freePort(), redisEnv(prefix), {
        compiled: true,
      });
      servers.push(s);
    }
    await Promise.all(servers.map((s) => s.start()));
    const created = await servers[0]!.request('POST', '/api/launches', pastLaunchInput());
    expect(created.status).toBe(201);
    const launch = created.body as Launch;

    const redis = connectRedis(TEST_REDIS_TARGET, { commandTimeout: 5_000, enableOfflineQueue: true });
    try {
      // The lease's value is the holder's instance id, which starts with its process id.
      const holderPid = async () => {
        const v = await redis.get(leaseKey(prefix, tickLease(launch.id)));
        return v ? Number(v.split('-')[0]) : null;
      };
      const first = await waitFor(holderPid, { what: 'an instance to take the tick lease' });
      const holder = servers.find((s) => s.pid === first)!;
      const other = servers.find((s) => s !== holder)!;
      expect(holder).toBeDefined();

      const signalled = Date.now();
      const exit = holder.terminate();
      await waitFor(async () => (await holderPid()) === other.pid, {
        timeoutMs: 5_000,
        intervalMs: 10,
        what: 'the other instance to hold the tick lease',
      });
      const tookMs = Date.now() - signalled;
      expect(tookMs).toBeLessThan(1_000);
      expect(await exit).toMatchObject({ code: 0, signal: null });
      // The one left serves the launch and ticks it.
      expect((await other.request('GET', `/api/launches/${launch.id}`)).status).toBe(200);
    } finally {
      redis.disconnect();
    }
  }, 120_000);
});
