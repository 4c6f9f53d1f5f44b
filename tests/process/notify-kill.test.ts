/**
 * The outbox of the real server process survives `kill -9`: messages due while a receiver is down
 * (retrying with backoff in the log) are all delivered, each exactly once, after the sending
 * process was killed and restarted on the same data and the receiver came back.
 *
 * Time scale: the backoff is shortened (WARROOM_NOTIFY_BACKOFF_MS=50, max 1.5 s: 1/40 of the
 * defaults 2 s / 60 s), so the outage here — until every message failed at least once on both
 * channels, the process was killed and a new one started, a few seconds — stands for minutes at
 * full scale (tests/notify/delivery.test.ts checks the waits between attempts).
 */
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import type { DeliveryLogEntry, Launch } from '@warroom/shared';
import {
  ServerProcess,
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
const ENV = {
  WARROOM_PUBLIC_URL: 'https://warroom.example.cn',
  WARROOM_NOTIFY_BACKOFF_MS: '50',
  WARROOM_NOTIFY_BACKOFF_MAX_MS: '1500',
  WARROOM_NOTIFY_PER_MINUTE: '1000',
};

afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => s.kill9()));
  await Promise.all(receivers.splice(0).map((r) => r.down()));
});
afterAll(removeTempDirs);

async function startServer(dataDir: string): Promise<ServerProcess> {
  const s = new ServerProcess(dataDir, await freePort(), ENV);
  servers.push(s);
  await s.start();
  return s;
}

describe('notifications across kill -9', () => {
  it(
    'deliver every message once after a kill -9 during a receiver outage',
    { timeout: 120_000 },
    async () => {
      const hook = new Receiver('webhook', { secret: 'whsec_kill' });
      const ding = new Receiver('dingtalk', { secret: 'SECkill' });
      receivers.push(hook, ding);
      await hook.up();
      await ding.up();
      const dataDir = await tempDir('warroom-notify-');
      let server = await startServer(dataDir);
      for (const r of [hook, ding]) {
        const res = await server.request('POST', '/api/channels', {
          name: r.kind,
          kind: r.kind,
          url: r.url,
          secret: r.opts.secret,
        });
        expect(res.status).toBe(201);
      }
      // The receivers go down; five launches fall short of plan: five messages wait, retrying.
      await hook.down();
      await ding.down();
      const launches: Launch[] = [];
      for (let i = 0; i < 5; i++) {
        const created = await server.request('POST', '/api/launches', pastLaunchInput({ name: `开团 ${i}` }));
        expect(created.status).toBe(201);
        const launch = created.body as Launch;
        launches.push(launch);
        const res = await server.request('POST', `/api/launches/${launch.id}/readings`, readings(0, 15, 0.7));
        expect(res.status).toBe(200);
      }
      const channels = (await server.request('GET', '/api/channels')).body as { id: string }[];
      await waitFor(
        async () => {
          const logs = await Promise.all(
            channels.map(
              async (c) =>
                (await server.request('GET', `/api/channels/${c.id}/deliveries`)).body as DeliveryLogEntry[],
            ),
          );
          return logs.every(
            (l) => new Set(l.filter((d) => d.status === 'retrying').map((d) => d.launchId)).size === 5,
          );
        },
        { timeoutMs: 30_000, what: 'every message retrying on both channels' },
      );
      await server.kill9();
      // The outage ends while no server runs; a new process on the same data carries on.
      await hook.up();
      await ding.up();
      server = await startServer(dataDir);
      await hook.waitFor((got) => new Set(got.filter((x) => x.accepted).flatMap(keysOf)).size === 5, 60_000);
      await ding.waitFor((got) => got.filter((x) => x.accepted).length >= 5, 60_000);
      // Every message recorded sent, once per channel.
      await waitFor(
        async () => {
          for (const c of channels) {
            const log = (await server.request('GET', `/api/channels/${c.id}/deliveries`))
              .body as DeliveryLogEntry[];
            if (new Set(log.filter((d) => d.status === 'sent').map((d) => d.launchId)).size !== 5)
              return false;
          }
          return true;
        },
        { timeoutMs: 30_000, what: 'every delivery recorded sent' },
      );
      const keys = hook.accepted.flatMap(keysOf);
      expect(keys).toHaveLength(5);
      expect(new Set(keys).size).toBe(5);
      expect(ding.accepted).toHaveLength(5);
      for (const l of launches) {
        expect(hook.accepted.filter((r) => JSON.stringify(r.body).includes(l.id))).toHaveLength(1);
        expect(ding.accepted.filter((r) => r.text.includes(`/ack/${l.id}-i-`))).toHaveLength(1);
      }
    },
  );
});
