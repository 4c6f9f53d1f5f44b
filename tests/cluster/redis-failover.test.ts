/**
 * A Redis Cluster losing a master mid-launch: a server on a three-master cluster of its own (one
 * replica each) with REDIS_WAIT_REPLICAS=1 takes readings and acknowledgements while the master
 * of the launch's slot is killed (kill -9). Its replica is promoted; requests meanwhile are refused
 * with 503 and sent again, as a feed does; the killed node comes back as the new master's replica.
 * Then a fresh server reads the launch back from the cluster: every reading and acknowledgement
 * that was answered 2xx is there, each exactly once — the guarantee the README states.
 */
import { randomBytes } from 'node:crypto';
import { afterAll, describe, expect, it } from 'vitest';
import type { Alert, Launch, LaunchEvent, LaunchSnapshot } from '@warroom/shared';
import { logKey } from '../../server/src/store/redis-store';
import { RedisClusterProcesses } from '../helpers/redis-cluster';
import {
  ServerProcess,
  TEST_REDIS_CLUSTER,
  deleteRedisKeys,
  freePort,
  pastLaunchInput,
  readings,
  removeTempDirs,
  tempDir,
  waitFor,
} from '../helpers/server';

const PORTS = [7311, 7312, 7313, 7314, 7315, 7316];
const cluster = new RedisClusterProcesses(PORTS);
const servers: ServerProcess[] = [];
const prefix = `wrtest:failover-${randomBytes(4).toString('hex')}:`;

afterAll(async () => {
  await Promise.all(servers.map((s) => s.stop()));
  await deleteRedisKeys(prefix, cluster.seeds).catch(() => undefined);
  await cluster.stop();
  await removeTempDirs();
});

async function server(): Promise<ServerProcess> {
  const s = new ServerProcess(await tempDir('warroom-failover-'), await freePort(), {
    REDIS_URL: '',
    REDIS_CLUSTER_NODES: cluster.seeds.join(','),
    REDIS_PREFIX: prefix,
    REDIS_WAIT_REPLICAS: '1',
  });
  servers.push(s);
  await s.start();
  return s;
}

/** Requests refused with 503 (or not answered) and sent again. */
let refused = 0;

/** Sends until answered 2xx (a feed retries a 503); gives up after `deadlineMs`. */
async function until2xx(s: ServerProcess, method: string, path: string, body?: unknown, deadlineMs = 30_000) {
  const stop = Date.now() + deadlineMs;
  for (;;) {
    const res = await s.request(method, path, body).catch(() => ({ status: 0, body: null }));
    if (res.status >= 200 && res.status < 300) return res;
    refused++;
    if (res.status !== 0 && res.status !== 503)
      throw new Error(`${method} ${path}: ${res.status} ${JSON.stringify(res.body)}`);
    if (Date.now() > stop) throw new Error(`${method} ${path}: not answered 2xx within ${deadlineMs} ms`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

describe.skipIf(TEST_REDIS_CLUSTER.length === 0)('a Redis Cluster master killed mid-launch', () => {
  it('loses no reading or acknowledgement that was answered 2xx', { timeout: 180_000 }, async () => {
    await cluster.start();
    const a = await server();
    const created = await until2xx(a, 'POST', '/api/launches', pastLaunchInput({}, 70));
    const launch = created.body as Launch;
    const master = await cluster.masterOf(logKey(prefix, 'log', launch.id));

    // Readings at half the plan: checkpoints 15, 25, 45 and 60 breach and raise alerts.
    const answered = new Set<number>();
    const acked = new Map<string, string>();
    let killedAt = 0;
    const feed = (async () => {
      for (const r of readings(0, 60, 0.5)) {
        await until2xx(a, 'POST', `/api/launches/${launch.id}/readings`, r);
        answered.add(r.minute);
        if (r.minute === 20) {
          killedAt = Date.now();
          await cluster.kill9(master);
        }
        if (r.minute === 30) {
          // The old master returns as the replica of the one promoted in its place.
          await cluster.restart(master);
        }
      }
    })();
    let fed = false;
    void feed.finally(() => (fed = true)).catch(() => undefined);
    const ack = (async () => {
      while (!fed) {
        const open = await a.request('GET', '/api/alerts?status=open').catch(() => null);
        for (const alert of open?.status === 200 ? (open.body as Alert[]) : []) {
          if (alert.launchId !== launch.id || acked.has(alert.id)) continue;
          const res = await until2xx(a, 'POST', `/api/alerts/${alert.id}/ack`, { action: '加投直通车' });
          acked.set(alert.id, (res.body as Alert).ackedBy ?? '');
        }
        await new Promise((r) => setTimeout(r, 100));
      }
    })();
    await Promise.all([feed, ack]);
    expect(killedAt).toBeGreaterThan(0);
    expect(acked.size).toBeGreaterThan(0);
    // The failover happened under load: requests were refused meanwhile, and another node
    // serves the launch's slot now.
    expect(refused).toBeGreaterThan(0);
    await cluster.ready();
    expect(await cluster.masterOf(logKey(prefix, 'log', launch.id))).not.toBe(master);
    await a.stop();

    // A fresh instance knows only what the cluster kept.
    const b = await server();
    const events: LaunchEvent[] = [];
    await waitFor(async () => {
      const page = await b.request(
        'GET',
        `/api/launches/${launch.id}/events?after=${events.at(-1)?.offset ?? 0}`,
      );
      if (page.status !== 200) return false;
      const body = page.body as { events: LaunchEvent[]; more: boolean };
      events.push(...body.events);
      return !body.more;
    });
    expect(events.map((e) => e.offset)).toEqual(events.map((_, i) => i + 1));
    const readingFacts = events.flatMap((e) => (e.type === 'reading.ingested' ? [e.reading.minute] : []));
    expect([...readingFacts].sort((x, y) => x - y)).toEqual([...answered].sort((x, y) => x - y));
    const snap = (await b.request('GET', `/api/launches/${launch.id}`)).body as LaunchSnapshot;
    for (const [id, by] of acked) {
      const alert = snap.alerts.find((x) => x.id === id);
      expect(alert?.ackedBy, id).toBe(by);
      expect(events.filter((e) => e.type === 'alert.acknowledged' && e.alert.id === id)).toHaveLength(1);
    }
  });
});
