/**
 * Launch groups on Redis with two instances: a group made through one is served by the other
 * (the groups log is a shared stream, followed on notification), the one-group-per-launch rule
 * holds across instances, and a restarted instance reads the groups back from Redis.
 */
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { FastifyInstance } from 'fastify';
import type { GroupView } from '@warroom/shared';
import { buildApp } from '../../server/src/app';
import {
  ADMIN_PASSWORD,
  redisOptions,
  actAsAdmin,
  deleteRedisKeys,
  pastLaunchInput,
  removeTempDirs,
  tempDir,
  waitFor,
} from '../helpers/server';

const prefix = `wrtest:groups-${randomBytes(4).toString('hex')}:`;
const apps: FastifyInstance[] = [];

async function instance(): Promise<FastifyInstance & { adminCookie: string }> {
  const dataDir = await tempDir('warroom-groups-redis-');
  const app = await buildApp({
    dataDir,
    clientDist: join(dataDir, 'no-client'),
    adminPassword: ADMIN_PASSWORD,
    ...redisOptions(prefix),
    ticking: false,
  });
  await app.ready();
  apps.push(app);
  return actAsAdmin(app);
}

afterAll(async () => {
  for (const a of apps) await a.close();
  await deleteRedisKeys(prefix);
  await removeTempDirs();
});

describe('launch groups on Redis, two instances', () => {
  it('serve a group made through either, refuse a launch in two groups on both, and survive a restart', async () => {
    const a = await instance();
    const b = await instance();
    const created = await a.inject({ method: 'POST', url: '/api/launches', payload: pastLaunchInput() });
    expect(created.statusCode).toBe(201);
    const launchId = created.json<{ id: string }>().id;
    await waitFor(
      async () => (await b.inject({ method: 'GET', url: `/api/launches/${launchId}` })).statusCode === 200,
    );

    const made = await a.inject({
      method: 'POST',
      url: '/api/groups',
      payload: { name: '10:00 批次', launchIds: [launchId] },
    });
    expect(made.statusCode, made.body).toBe(201);
    const groupId = made.json<GroupView>().group.id;
    const onB = await waitFor(async () => {
      const res = await b.inject({ method: 'GET', url: `/api/groups/${groupId}` });
      return res.statusCode === 200 ? res.json<GroupView>() : null;
    });
    expect(onB.group.name).toBe('10:00 批次');

    const twice = await b.inject({
      method: 'POST',
      url: '/api/groups',
      payload: { name: '另一组', launchIds: [launchId] },
    });
    expect(twice.statusCode).toBe(409);
    expect(twice.json().error.message).toContain('10:00 批次');

    await a.close();
    apps.splice(apps.indexOf(a), 1);
    const again = await instance();
    const back = await again.inject({ method: 'GET', url: `/api/groups/${groupId}` });
    expect(back.statusCode).toBe(200);
    expect(back.json<GroupView>().group.launchIds).toEqual([launchId]);
  }, 60_000);
});
