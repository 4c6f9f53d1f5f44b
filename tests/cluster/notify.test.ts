/**
 * Notifications with two server processes on one Redis: channels set through one instance are
 * used by both; readings posted to either instance; each message reaches its receiver exactly once
 * (only the holder of a launch's tick lease sends it). Then, during a receiver outage, the instance
 * holding the leases is killed (kill -9): the other takes the leases over and delivers what waited,
 * still once each.
 */
import { randomBytes } from 'node:crypto';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import type { DeliveryLogEntry, Launch } from '@warroom/shared';
import { leaseKey } from '../../server/src/cluster/redis-backend';
import { tickLease } from '../../server/src/launches/registry';
import { connectRedis } from '../../server/src/store/redis-store';
import {
  ServerProcess,
  TEST_REDIS_TARGET,
  redisEnv,
  deleteRedisKeys,
  freePort,
  pastLaunchInput,
  readings,
  removeTempDirs,
  tempDir,
  waitFor,
} from '../helpers/server';
import { Receiver, keysOf } from '../notify/receivers';

const servers: ServerProcess[] = [];
const receivers: Receiver[] = [];
const prefixes: string[] = [];

afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => s.kill9()));
  await Promise.all(receivers.splice(0).map((r) => r.down()));
  await Promise.all(prefixes.splice(0).map((p) => deleteRedisKeys(p)));
});
afterAll(removeTempDirs);

async function cluster(): Promise<{ prefix: string; nodes: ServerProcess[] }> {
  const prefix = `wrtest:notify-${randomBytes(4).toString('hex')}:`;
  prefixes.push(prefix);
  const nodes: ServerProcess[] = [];
  for (let i = 0; i < 2; i++) {
    const s = new ServerProcess(await tempDir('warroom-cluster-'), await freePort(), {
      ...redisEnv(prefix),
      WARROOM_PUBLIC_URL: 'https://warroom.example.cn',
      WARROOM_NOTIFY_BACKOFF_MS: '50',
      WARROOM_NOTIFY_BACKOFF_MAX_MS: '1000',
      WARROOM_NOTIFY_PER_MINUTE: '1000',
    });
    servers.push(s);
    nodes.push(s);
  }
  await Promise.all(nodes.map((s) => s.start()));
  return { prefix, nodes };
}

async function shortLaunch(server: ServerProcess, name: string): Promise<Launch> {
  const created = await server.request('POST', '/api/launches', pastLaunchInput({ name }));
  expect(created.status).toBe(201);
  const launch = created.body as Launch;
  const res = await server.request('POST', `/api/launches/${launch.id}/readings`, readings(0, 15, 0.7));
  expect(res.status).toBe(200);
  return launch;
}

/** The process id of the instance holding a launch's tick lease (`<pid>-<hex>`). */
async function leaseHolder(prefix: string, launchId: string): Promise<number | null> {
  const redis = connectRedis(TEST_REDIS_TARGET, { commandTimeout: 5_000, enableOfflineQueue: true });
  try {
    const v = await redis.get(leaseKey(prefix, tickLease(launchId)));
    return v ? Number(v.split('-')[0]) : null;
  } finally {
    redis.disconnect();
  }
}

describe('notifications on two instances', () => {
  it(
    'reach the receiver once each, and survive the sending instance’s kill -9',
    { timeout: 180_000 },
    async () => {
      const hook = new Receiver('webhook', { secret: 'whsec_cluster' });
      const wecom = new Receiver('wecom', { token: 'wecom-cluster-key' });
      receivers.push(hook, wecom);
      await hook.up();
      await wecom.up();
      const { prefix, nodes } = await cluster();
      const [a, b] = nodes as [ServerProcess, ServerProcess];
      for (const r of [hook, wecom]) {
        const res = await a.request('POST', '/api/channels', {
          name: r.kind,
          kind: r.kind,
          url: r.url,
          secret: r.opts.secret,
        });
        expect(res.status).toBe(201);
      }
      // B sees the channels A created.
      await waitFor(async () => ((await b.request('GET', '/api/channels')).body as unknown[]).length === 2);
      const first: Launch[] = [];
      for (let i = 0; i < 4; i++) first.push(await shortLaunch(i % 2 === 0 ? a : b, `开团 A${i}`));
      await hook.waitFor((got) => new Set(got.filter((x) => x.accepted).flatMap(keysOf)).size === 4);
      await wecom.waitFor((got) => got.filter((x) => x.accepted).length >= 4);

      // Outage; more launches fall short; the instance holding their leases dies.
      await hook.down();
      await wecom.down();
      const second: Launch[] = [];
      for (let i = 0; i < 4; i++) second.push(await shortLaunch(i % 2 === 0 ? a : b, `开团 B${i}`));
      const holders = await Promise.all(second.map((l) => waitFor(() => leaseHolder(prefix, l.id))));
      const victim = nodes.find((n) => n.pid === holders[0])!;
      const survivor = victim === a ? b : a;
      await waitFor(async () => {
        const log = (await survivor.request('GET', '/api/channels')).body as { id: string }[];
        const d = (await survivor.request('GET', `/api/channels/${log[0]!.id}/deliveries`))
          .body as DeliveryLogEntry[];
        return d.some((x) => x.status === 'retrying' && second.some((l) => l.id === x.launchId));
      });
      await victim.kill9();
      await hook.up();
      await wecom.up();
      await hook.waitFor((got) => new Set(got.filter((x) => x.accepted).flatMap(keysOf)).size === 8, 60_000);
      await wecom.waitFor((got) => got.filter((x) => x.accepted).length >= 8, 60_000);
      const channels = (await survivor.request('GET', '/api/channels')).body as { id: string }[];
      await waitFor(
        async () => {
          for (const c of channels) {
            const d = (await survivor.request('GET', `/api/channels/${c.id}/deliveries`))
              .body as DeliveryLogEntry[];
            if (new Set(d.filter((x) => x.status === 'sent').map((x) => x.launchId)).size !== 8) return false;
          }
          return true;
        },
        { timeoutMs: 30_000, what: 'all sent' },
      );
      const keys = hook.accepted.flatMap(keysOf);
      expect(keys).toHaveLength(8);
      expect(new Set(keys).size).toBe(8);
      expect(wecom.accepted).toHaveLength(8);
      for (const l of [...first, ...second])
        expect(wecom.accepted.filter((r) => r.text.includes(`/ack/${l.id}-i-`))).toHaveLength(1);
    },
  );
});
