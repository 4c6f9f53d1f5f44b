/**
 * `npm run bench:restart`: how long a server takes to start on a data directory that holds (a) one
 * launch with a long log (default 500,000 readings, imported through the real route) and (b) 200
 * launches × 2,880 minutes, each imported likewise — from spawn to the first 200 from `/healthz`
 * (the launches are loaded before the server listens). Each is restarted ROUNDS times; with a floor
 * measured in the same run (an empty data directory) and the load average.
 * Targets (issue #11): one 500k-event launch ≤ 1 s.
 *
 * Options: --events N (default 500000), --launches N (default 200), --minutes N (default 2880),
 * --rounds N (default 3), --json.
 */
import { spawn } from 'node:child_process';
import { createReadStream } from 'node:fs';
import { stat, writeFile } from 'node:fs/promises';
import { request } from 'node:http';
import { loadavg } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import {
  HOST,
  MINUTE_MS,
  authenticate,
  cleanupAll,
  fmt,
  freePort,
  jsonClient,
  onCleanup,
  serverEnv,
  sleep,
  stopChild,
  tempDir,
  serverNodeArgs,
  serverRoot,
} from './lib';

const { values } = parseArgs({
  options: {
    events: { type: 'string', default: '500000' },
    launches: { type: 'string', default: '200' },
    minutes: { type: 'string', default: '2880' },
    rounds: { type: 'string', default: '3' },
    json: { type: 'boolean', default: false },
  },
});
const EVENTS = Number(values.events);
const LAUNCHES = Number(values.launches);
const MINUTES = Number(values.minutes);
const ROUNDS = Number(values.rounds);

/** Starts the server on `dataDir`; resolves with the time to the first 200 from /healthz. */
async function start(dataDir: string): Promise<{ ms: number; stop: () => Promise<void>; url: string }> {
  const port = await freePort();
  const url = `http://${HOST}:${port}`;
  const t0 = performance.now();
  const child = spawn(process.execPath, serverNodeArgs(), {
    cwd: serverRoot(),
    env: { ...serverEnv(port, dataDir), REDIS_URL: '' },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  const stop = () => stopChild(child);
  onCleanup(stop);
  for (;;) {
    if (child.exitCode !== null) throw new Error(`the server exited with ${child.exitCode}`);
    if (
      await fetch(`${url}/healthz`).then(
        (r) => r.ok,
        () => false,
      )
    )
      break;
    if (performance.now() - t0 > 300_000) throw new Error('not ready within 300 s');
    await sleep(5);
  }
  return { ms: performance.now() - t0, stop, url };
}

function upload(url: string, path: string, cookie: string): Promise<void> {
  return stat(path).then(
    ({ size }) =>
      new Promise((resolve, reject) => {
        const req = request(
          url,
          { method: 'POST', headers: { cookie, 'content-type': 'text/csv', 'content-length': size } },
          (res) => {
            res.resume();
            res.on('end', () =>
              res.statusCode === 200 ? resolve() : reject(new Error(`import: ${res.statusCode}`)),
            );
          },
        );
        req.on('error', reject);
        createReadStream(path).pipe(req);
      }),
  );
}

async function csv(path: string, minutes: number, startMs: number): Promise<void> {
  const lines = ['time,uv,units,gmv'];
  for (let m = 0; m < minutes; m++)
    lines.push(
      `${new Date(startMs + m * MINUTE_MS).toISOString()},${20 + (m % 180)},${m % 13},${((m % 13) * 99.9).toFixed(2)}`,
    );
  await writeFile(path, lines.join('\n') + '\n');
}

/** A data directory holding `count` launches of `minutes` imported minutes each. */
async function prepare(name: string, count: number, minutes: number): Promise<string> {
  const dataDir = await tempDir(`warroom-bench-restart-${name}-`);
  const server = await start(dataDir);
  const creds = await authenticate(server.url);
  const admin = jsonClient(server.url, 4, creds.admin);
  const startMs = Math.floor((Date.now() - (minutes + 1440) * MINUTE_MS) / 86_400_000) * 86_400_000;
  const file = join(dataDir, 'readings.csv');
  await csv(file, minutes, startMs);
  for (let i = 0; i < count; i++) {
    const created = await admin.post<{ id: string }>(
      '/api/launches',
      JSON.stringify({
        name: `bench restart ${i + 1}`,
        startAt: new Date(startMs).toISOString(),
        durationMinutes: minutes,
        checkpoints: Array.from({ length: Math.max(1, Math.floor(minutes / 1440)) }, (_, d) =>
          Math.min(minutes, (d + 1) * 1440),
        ),
        forecast: { template: { uv: minutes * 100, units: minutes * 6, gmv: minutes * 600 } },
      }),
    );
    if (created.status !== 201) throw new Error(`create: ${created.status} ${JSON.stringify(created.body)}`);
    await upload(`${server.url}/api/launches/${created.body.id}/imports`, file, creds.admin.cookie!);
  }
  admin.close();
  await server.stop();
  return dataDir;
}

async function restarts(dataDir: string): Promise<number[]> {
  const ms: number[] = [];
  for (let r = 0; r < ROUNDS; r++) {
    const s = await start(dataDir);
    ms.push(s.ms);
    await s.stop();
  }
  return ms.sort((a, b) => a - b);
}

async function main(): Promise<void> {
  const one = await prepare('one', 1, EVENTS);
  const many = await prepare('many', LAUNCHES, MINUTES);
  const empty = await tempDir('warroom-bench-restart-empty-');
  const loadBefore = loadavg();
  const floor = await restarts(empty);
  const oneMs = await restarts(one);
  const manyMs = await restarts(many);
  const loadAfter = loadavg();
  const median = (xs: number[]) => xs[Math.floor(xs.length / 2)]!;
  const result = {
    floorMs: Math.round(median(floor)),
    oneLaunch: { readings: EVENTS, medianMs: Math.round(median(oneMs)), runs: oneMs.map(Math.round) },
    manyLaunches: {
      launches: LAUNCHES,
      minutes: MINUTES,
      medianMs: Math.round(median(manyMs)),
      runs: manyMs.map(Math.round),
    },
    loadAverage: { before: loadBefore.map((x) => +x.toFixed(2)), after: loadAfter.map((x) => +x.toFixed(2)) },
  };
  if (values.json) console.log(JSON.stringify(result));
  else {
    console.log(`restart: empty data directory (floor) ${fmt(result.floorMs / 1000, 2)} s`);
    console.log(
      `  one launch, ${EVENTS} readings: ${fmt(result.oneLaunch.medianMs / 1000, 2)} s (runs ${oneMs.map((x) => fmt(x / 1000, 2)).join(', ')})`,
    );
    console.log(
      `  ${LAUNCHES} launches × ${MINUTES} minutes: ${fmt(result.manyLaunches.medianMs / 1000, 2)} s (runs ${manyMs.map((x) => fmt(x / 1000, 2)).join(', ')})`,
    );
    console.log(
      `  load average ${loadBefore.map((x) => x.toFixed(2)).join(' ')} → ${loadAfter.map((x) => x.toFixed(2)).join(' ')}`,
    );
  }
}

main()
  .catch((e: unknown) => {
    console.error(e);
    process.exitCode = 1;
  })
  .finally(() => void cleanupAll());
