/**
 * A real two-minute receiver outage at the default backoff (2 s doubling to 60 s, 12 attempts):
 * the real server process keeps every message waiting, retrying, while all four robots are down —
 * one message due as the outage starts, one in its middle — and once they are back each robot gets
 * each message exactly once, none marked failed, the last wait ending at most one capped wait (60 s)
 * after the outage. tests/notify/outbox.test.ts proves the same schedule for any jitter; this runs it.
 *
 * It takes three minutes of wall time, so it runs once, against the embedded store: the outbox
 * and its backoff are the same code under Redis (tests/cluster/notify.test.ts covers the Redis
 * outbox through an outage and a kill, on a shortened backoff).
 */
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import type { DeliveryLogEntry, Launch } from '@warroom/shared';
import {
  ServerProcess,
  TEST_STORE,
  freePort,
  pastLaunchInput,
  readings,
  removeTempDirs,
  tempDir,
  waitFor,
} from '../helpers/server';
import { type Kind, Receiver, keysOf } from '../notify/receivers';

const OUTAGE_MS = 120_000;
const BACKOFF_MAX_MS = 60_000;

const servers: ServerProcess[] = [];
const receivers: Receiver[] = [];

afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => s.kill9()));
  await Promise.all(receivers.splice(0).map((r) => r.down()));
});
afterAll(removeTempDirs);

/** Resolves at `at` (epoch ms); the outage's own timeline, not a guess at how long work takes. */
const until = (at: number) => new Promise((resolve) => setTimeout(resolve, Math.max(0, at - Date.now())));

describe.skipIf(TEST_STORE === 'redis')('a two-minute receiver outage at the default backoff', () => {
  it(
    'delays every message and loses none: each robot gets each message once after it is back',
    { timeout: 300_000 },
    async () => {
      const kinds: Kind[] = ['dingtalk', 'wecom', 'feishu', 'webhook'];
      const robots = kinds.map((k) => new Receiver(k, { secret: `SEC-outage-${k}` }));
      receivers.push(...robots);
      for (const r of robots) await r.up();
      // The defaults: no WARROOM_NOTIFY_* settings.
      const server = new ServerProcess(await tempDir('warroom-outage-'), await freePort(), {
        WARROOM_PUBLIC_URL: 'https://warroom.example.cn',
      });
      servers.push(server);
      await server.start();
      const channelIds: string[] = [];
      for (const r of robots) {
        const res = await server.request('POST', '/api/channels', {
          name: `${r.kind} 机器人`,
          kind: r.kind,
          url: r.url,
          ...(r.kind === 'wecom' ? {} : { secret: r.opts.secret }),
        });
        expect(res.status, JSON.stringify(res.body)).toBe(201);
        channelIds.push((res.body as { id: string }).id);
      }
      const deliveries = async (id: string) =>
        (await server.request('GET', `/api/channels/${id}/deliveries`)).body as DeliveryLogEntry[];
      const fallShort = async (name: string) => {
        const created = await server.request('POST', '/api/launches', pastLaunchInput({ name }));
        expect(created.status).toBe(201);
        const launch = created.body as Launch;
        const res = await server.request('POST', `/api/launches/${launch.id}/readings`, readings(0, 15, 0.7));
        expect(res.status).toBe(200);
        return launch;
      };

      // Every robot goes down; a launch falls short at once, another halfway through the outage.
      for (const r of robots) await r.down();
      const downAt = Date.now();
      const first = await fallShort('开团 10:00 · 保温杯');
      await until(downAt + OUTAGE_MS / 2);
      const second = await fallShort('开团 10:05 · 焖烧杯');
      const launches = [first, second];
      await until(downAt + OUTAGE_MS);

      // Down all along: every message is waiting, retried more than once, none given up.
      const upAt = Date.now();
      for (const id of channelIds) {
        const log = await deliveries(id);
        expect(log.filter((d) => d.status === 'sent' || d.status === 'failed')).toEqual([]);
        for (const l of launches) {
          const tries = log.filter((d) => d.launchId === l.id);
          expect(tries.length, `${l.name} retried on ${id}`).toBeGreaterThanOrEqual(2);
          // Each attempt failed to connect, and its wait ends no later than a capped wait from now.
          for (const t of tries) {
            expect(t.code).toMatch(/^network_error/);
            expect(Date.parse(t.nextAt!)).toBeLessThanOrEqual(upAt + BACKOFF_MAX_MS);
          }
        }
      }
      for (const r of robots) await r.up();

      // Every robot gets both messages, each once.
      for (const r of robots)
        await r.waitFor((got) => got.filter((x) => x.accepted).length >= 2, BACKOFF_MAX_MS + 60_000);
      await waitFor(
        async () => {
          for (const id of channelIds)
            if ((await deliveries(id)).filter((d) => d.status === 'sent').length < 2) return false;
          return true;
        },
        { timeoutMs: 30_000, what: 'both messages recorded sent on every channel' },
      );
      for (const r of robots) {
        expect(r.accepted, r.kind).toHaveLength(2);
        expect(
          r.received.filter((x) => !x.accepted),
          `${r.kind} refused nothing`,
        ).toEqual([]);
        for (const l of launches) {
          const mine = r.accepted.filter((x) =>
            r.kind === 'webhook' ? JSON.stringify(x.body).includes(l.id) : x.text.includes(`/ack/${l.id}-i-`),
          );
          expect(mine, `${r.kind}: ${l.name}`).toHaveLength(1);
          expect(mine[0]!.at).toBeGreaterThanOrEqual(upAt);
        }
      }
      const keys = robots.find((r) => r.kind === 'webhook')!.accepted.flatMap(keysOf);
      expect(new Set(keys).size).toBe(2);
      for (const id of channelIds) {
        const log = await deliveries(id);
        expect(log.filter((d) => d.status === 'failed')).toEqual([]);
        const sent = log.filter((d) => d.status === 'sent');
        expect(new Set(sent.map((d) => d.launchId))).toEqual(new Set(launches.map((l) => l.id)));
        // Sent on the attempt after the last failed one.
        for (const s of sent) {
          const failed = log.filter((d) => d.launchId === s.launchId && d.status === 'retrying');
          expect(s.attempt).toBe(Math.max(...failed.map((d) => d.attempt)) + 1);
        }
      }
    },
  );
});
