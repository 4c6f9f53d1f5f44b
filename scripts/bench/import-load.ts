/**
 * `npm run bench:import-load`: a CSV import of ROWS minute readings (default 1,000,000: 500,000
 * minutes, then the same rows again, which the import counts as duplicates) into a real server process while a pusher sends a reading to another live launch every 100 ms. Prints
 * the server's event-loop delay (p99 and max over the import, from WARROOM_DIAGNOSTICS), the
 * pusher's reading latency (p50/p99/max), the server's peak RSS (VmHWM) — and the same figures for
 * a floor measured first in the same run: the pusher alone for FLOOR_SECONDS. With the load average.
 * Target (issue #11): event-loop delay p99 < 50 ms during the import.
 *
 * Options: --rows N (default 1000000), --json.
 */
import { spawn } from 'node:child_process';
import { createWriteStream, createReadStream } from 'node:fs';
import { readFile, stat } from 'node:fs/promises';
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
  latencySummary,
  onCleanup,
  serverEnv,
  sleep,
  stopChild,
  tempDir,
  serverNodeArgs,
  serverRoot,
} from './lib';

const { values } = parseArgs({
  options: { rows: { type: 'string', default: '1000000' }, json: { type: 'boolean', default: false } },
});
const ROWS = Number(values.rows);
/** A launch is at most a year long: past 500,000 minutes the file sends the same minutes again. */
const MINUTES = Math.min(ROWS, 500_000);
const FLOOR_SECONDS = 10;

interface Lag {
  lagP99: number;
  lagMax: number;
}

async function peakRssMiB(pid: number): Promise<number> {
  const status = await readFile(`/proc/${pid}/status`, 'utf8');
  return Math.round(Number(/VmHWM:\s+(\d+) kB/.exec(status)?.[1]) / 1024);
}

async function writeCsv(path: string, startMs: number): Promise<number> {
  const out = createWriteStream(path);
  out.write('time,uv,units,gmv\n');
  let chunk = '';
  for (let row = 0; row < ROWS; row++) {
    const m = row % MINUTES;
    const uv = 20 + ((m * 7919) % 180);
    const units = (m * 31) % 13;
    chunk += `${new Date(startMs + m * MINUTE_MS).toISOString()},${uv},${units},${(units * 99.9).toFixed(2)}\n`;
    if (chunk.length > 1 << 20) {
      if (!out.write(chunk)) await new Promise<void>((r) => out.once('drain', () => r()));
      chunk = '';
    }
  }
  out.end(chunk);
  await new Promise<void>((r) => out.once('finish', () => r()));
  return (await stat(path)).size;
}

function upload(url: string, path: string, size: number, cookie: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = request(
      url,
      { method: 'POST', headers: { cookie, 'content-type': 'text/csv', 'content-length': size } },
      (res) => {
        res.resume();
        res.on('end', () => resolve(res.statusCode ?? 0));
      },
    );
    req.on('error', reject);
    createReadStream(path, { highWaterMark: 256 * 1024 }).pipe(req);
  });
}

async function main(): Promise<void> {
  const dataDir = await tempDir('warroom-bench-import-load-');
  const port = await freePort();
  const url = `http://${HOST}:${port}`;
  const child = spawn(process.execPath, serverNodeArgs(), {
    cwd: serverRoot(),
    env: { ...serverEnv(port, dataDir), REDIS_URL: '', WARROOM_DIAGNOSTICS: '1' },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  onCleanup(() => stopChild(child));
  const lags: { t: number; lag: Lag }[] = [];
  let partial = '';
  child.stdout.on('data', (d: Buffer) => {
    partial += d.toString();
    let nl;
    while ((nl = partial.indexOf('\n')) !== -1) {
      const line = partial.slice(0, nl);
      partial = partial.slice(nl + 1);
      if (line.startsWith('WARROOM_DIAGNOSTICS '))
        lags.push({ t: Date.now(), lag: JSON.parse(line.slice(20)) as Lag });
    }
  });
  for (
    let i = 0;
    !(await fetch(`${url}/healthz`).then(
      (r) => r.ok,
      () => false,
    ));
    i++
  ) {
    if (i > 300) throw new Error('the server did not start');
    await sleep(100);
  }
  const creds = await authenticate(url);
  const admin = jsonClient(url, 4, creds.admin);
  const startMs = Math.floor((Date.now() - (MINUTES + 1440) * MINUTE_MS) / 86_400_000) * 86_400_000;
  const created = await admin.post<{ id: string }>(
    '/api/launches',
    JSON.stringify({
      name: 'bench: the imported launch',
      startAt: new Date(startMs).toISOString(),
      durationMinutes: MINUTES,
      checkpoints: Array.from({ length: Math.floor(MINUTES / 1440) }, (_, d) => (d + 1) * 1440),
      forecast: { template: { uv: MINUTES * 100, units: MINUTES * 6, gmv: MINUTES * 600 } },
    }),
  );
  const live = await admin.post<{ id: string }>(
    '/api/launches',
    JSON.stringify({
      name: 'bench: the live launch',
      startAt: new Date(Date.now() - 60 * MINUTE_MS).toISOString(),
      durationMinutes: 24 * 60,
      checkpoints: [24 * 60],
      forecast: { template: { uv: 144_000, units: 14_400, gmv: 1_440_000 } },
    }),
  );
  if (created.status !== 201 || live.status !== 201)
    throw new Error(`could not create the launches: ${JSON.stringify([created.body, live.body])}`);
  const file = join(dataDir, 'import.csv');
  const size = await writeCsv(file, startMs);

  // The pusher: one reading every 100 ms to the live launch, timed.
  const pusher = jsonClient(url, 2, creds.ingest);
  const latencies: { t: number; ms: number }[] = [];
  let pushing = true;
  const pushes = (async () => {
    for (let i = 0; pushing; i++) {
      const t = performance.now();
      const r = await pusher.post(
        `/api/launches/${live.body.id}/readings`,
        JSON.stringify({ minute: i % 60, uv: 100 + (i % 7), units: 10, gmv: 1000 }),
      );
      if (r.status !== 200) throw new Error(`reading refused: ${r.status}`);
      latencies.push({ t: Date.now(), ms: performance.now() - t });
      await sleep(100);
    }
  })();

  const loadBefore = loadavg();
  const floorFrom = Date.now();
  await sleep(FLOOR_SECONDS * 1000);
  const importFrom = Date.now();
  const t0 = performance.now();
  const status = await upload(
    `${url}/api/launches/${created.body.id}/imports`,
    file,
    size,
    creds.admin.cookie!,
  );
  const importSeconds = (performance.now() - t0) / 1000;
  const importTo = Date.now();
  await sleep(1500); // the last diagnostics line of the import
  pushing = false;
  await pushes;
  const loadAfter = loadavg();
  if (status !== 200) throw new Error(`the import answered ${status}`);
  const peak = await peakRssMiB(child.pid!);

  // A diagnostics line at t covers the second before it: the floor takes the lines wholly inside it
  // (the one after it already holds the import's first second), the import every line it touches.
  const phase = (from: number, to: number, touching: boolean) => {
    const l = lags
      .filter((x) => (touching ? x.t > from && x.t <= to + 1000 : x.t > from + 1000 && x.t <= to))
      .map((x) => x.lag);
    const r = latencySummary(latencies.filter((x) => x.t > from && x.t <= to).map((x) => x.ms));
    return {
      lagP99Ms: Math.max(...l.map((x) => x.lagP99)),
      lagMaxMs: Math.max(...l.map((x) => x.lagMax)),
      readingP50Ms: r.p50,
      readingP99Ms: r.p99,
      readingMaxMs: r.max,
    };
  };
  const result = {
    rows: ROWS,
    fileMiB: +(size / 1024 / 1024).toFixed(1),
    importSeconds: +importSeconds.toFixed(1),
    serverPeakRssMiB: peak,
    floor: phase(floorFrom, importFrom, false),
    import: phase(importFrom, importTo, true),
    loadAverage: { before: loadBefore.map((x) => +x.toFixed(2)), after: loadAfter.map((x) => +x.toFixed(2)) },
  };
  if (values.json) console.log(JSON.stringify(result));
  else {
    const p = (x: ReturnType<typeof phase>) =>
      `event-loop delay p99 ${fmt(x.lagP99Ms)} ms (max ${fmt(x.lagMaxMs)}), reading p50/p99/max ${fmt(x.readingP50Ms)}/${fmt(x.readingP99Ms)}/${fmt(x.readingMaxMs)} ms`;
    console.log(
      `import-load: ${ROWS} rows (${result.fileMiB} MiB) in ${result.importSeconds} s; peak RSS ${peak} MiB`,
    );
    console.log(`  floor (pusher alone, ${FLOOR_SECONDS} s): ${p(result.floor)}`);
    console.log(`  during the import:            ${p(result.import)}`);
    console.log(
      `  load average ${loadBefore.map((x) => x.toFixed(2)).join(' ')} → ${loadAfter.map((x) => x.toFixed(2)).join(' ')}`,
    );
  }
  pusher.close();
  admin.close();
}

main()
  .catch((e: unknown) => {
    console.error(e);
    process.exitCode = 1;
  })
  .finally(() => void cleanupAll());
