/**
 * `npm run bench:flood`: the subscribe flood of issue #11 (scripts/bench/flood-scenario.ts) against
 * the real server process, ROUNDS times: how slow `/healthz` gets during the flood, beside its floor
 * in the same run (as many well-behaved screens joining the same long launch), and the server's
 * RSS before and at its peak. Target (issue #11): /healthz within 100 ms of the floor throughout.
 *
 * Options: --rounds N (default 3), --json.
 */
import { loadavg } from 'node:os';
import { parseArgs } from 'node:util';
import { io, type Socket } from 'socket.io-client';
import { FLOOD, type FloodResult, describeFlood, floodReadings, runFlood } from './flood-scenario';
import { authenticate, cleanupAll, createLaunches, fmt, jsonClient, startServer } from './lib';

const { values } = parseArgs({
  options: { rounds: { type: 'string', default: '3' }, json: { type: 'boolean', default: false } },
});
const ROUNDS = Number(values.rounds);
const HEALTHZ_MS = 100;

async function once(): Promise<FloodResult> {
  const server = await startServer('flood');
  try {
    const creds = await authenticate(server.url);
    const admin = jsonClient(server.url, 4, creds.admin);
    const [launchId] = await createLaunches(admin, 1, () =>
      JSON.stringify({
        name: '长跑 · 压测',
        startAt: new Date(Date.now() - FLOOD.minutes * 60_000 - 3_600_000).toISOString(),
        durationMinutes: FLOOD.minutes,
        checkpoints: [FLOOD.minutes],
        forecast: { template: { uv: 1_000_000, units: 100_000, gmv: 10_000_000 } },
      }),
    );
    const ingest = jsonClient(server.url, 4, creds.ingest);
    for (const body of floodReadings()) {
      const r = await ingest.post(`/api/launches/${launchId!}/readings`, JSON.stringify(body));
      if (r.status !== 200) throw new Error(`posting readings: ${r.status}`);
    }
    admin.close();
    ingest.close();
    const opened: Socket[] = [];
    const connect = () =>
      new Promise<Socket>((resolve, reject) => {
        const s = io(server.url, {
          transports: ['websocket'],
          forceNew: true,
          reconnection: false,
          auth: creds.screen,
        });
        opened.push(s);
        s.once('connect', () => resolve(s));
        s.once('connect_error', reject);
      });
    try {
      return await runFlood({ baseUrl: server.url, pid: server.child.pid!, launchId: launchId!, connect });
    } finally {
      for (const s of opened) s.disconnect();
    }
  } finally {
    await server.stop();
  }
}

async function main(): Promise<void> {
  const before = loadavg();
  const runs: FloodResult[] = [];
  for (let i = 0; i < ROUNDS; i++) {
    const r = await once();
    runs.push(r);
    if (!values.json) console.log(`flood run ${i + 1}: ${describeFlood(r)}`);
  }
  const after = loadavg();
  const worst = Math.max(...runs.map((r) => r.flooded.slowest - r.floor.slowest));
  const summary = {
    runs: runs.map((r) => ({
      floorSlowestMs: +r.floor.slowest.toFixed(1),
      floodSlowestMs: +r.flooded.slowest.toFixed(1),
      rssBeforeMiB: Math.round(r.rssBeforeMiB),
      rssPeakMiB: Math.round(r.rssPeakMiB),
      failed: r.floor.failed + r.flooded.failed,
    })),
    worstOverFloorMs: +worst.toFixed(1),
    targetMs: HEALTHZ_MS,
    met: worst < HEALTHZ_MS,
    loadAverage: { before: before.map((x) => +x.toFixed(2)), after: after.map((x) => +x.toFixed(2)) },
  };
  if (values.json) console.log(JSON.stringify(summary));
  else {
    console.log(
      `flood: /healthz at worst ${fmt(worst)} ms slower than its floor (target < ${HEALTHZ_MS} ms: ${summary.met ? 'met' : 'NOT met'})`,
    );
    console.log(
      `  load average ${before.map((x) => x.toFixed(2)).join(' ')} → ${after.map((x) => x.toFixed(2)).join(' ')}`,
    );
  }
}

main()
  .catch((e: unknown) => {
    console.error(e);
    process.exitCode = 1;
  })
  .finally(() => void cleanupAll());
