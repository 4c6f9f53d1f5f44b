/**
 * A read-only principal cannot exhaust the server (issue #11, defect 1). A wall TV's screen token
 * opens a few sockets and floods them with `subscribe {after: 0}` (and `inbox:subscribe`) without
 * waiting for the answers, on a launch whose log is far longer than a catch-up page (the scenario is
 * scripts/bench/flood-scenario.ts). The real server process stays within its memory budget (RSS under
 * RSS_BUDGET_MIB above what it held before the flood) and answers every `/healthz` throughout; extra
 * subscriptions are answered with a clear error (`subscription_in_flight`), a catch-up comes in
 * bounded pages, and a socket that stops reading while answers pile up is dropped with its reason.
 * How fast `/healthz` answers during the flood, beside its floor (well-behaved screens joining), is
 * a figure of `npm run bench:flood` (docs/BENCHMARKS.md), not an assertion here.
 */
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import type { Socket } from 'socket.io-client';
import type { AckEnvelope, Launch, SubscribeData } from '@warroom/shared';
import { ServerProcess, connectedSocket, freePort, removeTempDirs, tempDir } from '../helpers/server';
import {
  FLOOD,
  describeFlood,
  floodReadings,
  runFlood,
  snapshotWhenAllowed,
} from '../../scripts/bench/flood-scenario';

/** How much more memory the flood may cost the server, at most. */
const RSS_BUDGET_MIB = 256;

const servers: ServerProcess[] = [];
const sockets: Socket[] = [];
afterEach(async () => {
  for (const s of sockets.splice(0)) s.disconnect();
  await Promise.all(servers.splice(0).map((s) => s.kill9()));
});
afterAll(removeTempDirs);

async function call(server: ServerProcess, method: string, path: string, body?: unknown) {
  const r = await server.request(method, path, body);
  if (r.status >= 300) throw new Error(`${method} ${path}: ${r.status} ${JSON.stringify(r.body)}`);
  return r.body;
}

function connect(server: ServerProcess, token: string): Promise<Socket> {
  return connectedSocket(server.url, { auth: { token } }, sockets);
}

describe('a subscribe flood with a screen token', () => {
  it('keeps the server within its memory budget and /healthz answering', async () => {
    const server = new ServerProcess(await tempDir('warroom-flood-'), await freePort());
    servers.push(server);
    await server.start();
    const launch = (await call(server, 'POST', '/api/launches', {
      name: '长跑 · 压测',
      startAt: new Date(Date.now() - FLOOD.minutes * 60_000 - 3_600_000).toISOString(),
      durationMinutes: FLOOD.minutes,
      checkpoints: [FLOOD.minutes],
      forecast: { template: { uv: 1_000_000, units: 100_000, gmv: 10_000_000 } },
    })) as Launch;
    for (const batch of floodReadings())
      await call(server, 'POST', `/api/launches/${launch.id}/readings`, batch);
    const { token } = (await call(server, 'POST', '/api/tokens', { name: 'wall TV', scope: 'screen' })) as {
      token: string;
    };

    const r = await runFlood({
      baseUrl: server.url,
      pid: server.pid!,
      launchId: launch.id,
      connect: () => connect(server, token),
    });
    console.log(`flood: ${describeFlood(r)}`);
    // /healthz answered 200 every time, before and during the flood.
    expect(r.floor.failed).toBe(0);
    expect(r.flooded.failed).toBe(0);
    expect(r.flooded.checks).toBeGreaterThan(0);
    // Extra subscriptions were refused with their reason, and sockets that kept on were dropped.
    expect(r.answers.inFlight).toBeGreaterThan(0);
    expect(r.answers.other).toBe(0);
    expect(r.answers.dropped).toBeGreaterThan(0);
    expect(r.rssPeakMiB - r.rssBeforeMiB).toBeLessThan(RSS_BUDGET_MIB);
    // A well-behaved screen is still served: a snapshot, then the log after it page by page.
    const screen = await connect(server, token);
    // The token's allowance of snapshots comes back within a few seconds (the client asks again).
    const snap = await snapshotWhenAllowed(screen, launch.id, { batch: true });
    if (!snap.ok || snap.data.kind !== 'snapshot') throw new Error('expected a snapshot');
    const durable = snap.data.snapshot.offset;
    let after = durable - 2_500;
    const pages: number[] = [];
    for (;;) {
      const page = (await screen
        .timeout(30_000)
        .emitWithAck('subscribe', { launchId: launch.id, after, batch: true })) as AckEnvelope<SubscribeData>;
      if (!page.ok || page.data.kind !== 'events') throw new Error('expected a page of events');
      pages.push(page.data.events.length);
      expect(page.data.events[0]?.offset).toBe(after + 1);
      after = page.data.events.at(-1)?.offset ?? after;
      expect(page.data.more).toBe(after < durable);
      if (!page.data.more) break;
    }
    expect(pages).toEqual([1000, 1000, 500]);
    expect(after).toBe(durable);
  }, 240_000);
});
