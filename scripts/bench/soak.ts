/**
 * `npm run bench:soak`: the real server under a long, steady load — a simulated launch at 60×
 * (one launch minute a second) watched by 200 socket.io screens — for SOAK_MINUTES of wall time
 * (default 10). The server runs with WARROOM_DIAGNOSTICS=1 and prints its heap and event-loop
 * delay once a second on stdout; nothing is exposed over the network. Loopback only; bounded (a
 * hard stop a few minutes past the planned end); cleans up its processes and temp DATA_DIR.
 *
 * Figures, after a warm-up (the first 2 minutes, or a quarter of a shorter run):
 * - heap growth: the lowest heapUsed of the last minute against the lowest of the first minute
 *   after warm-up. The lowest sample of a window is the heap just after a collection, so the
 *   figure follows what stays alive rather than the garbage between collections. Target < 10%.
 * - event-loop delay p99 over every sample after warm-up (the server's per-second distributions,
 *   merged). `monitorEventLoopDelay` records the time between the runs of its own 10 ms timer, so
 *   every value includes those 10 ms; they are subtracted here (delay = recorded − resolution).
 *   Target < 50 ms.
 * It prints; it never fails on a figure, only on a broken run (a client not connected, a push out
 * of order, a screen missing minutes at the end).
 */
import { type ChildProcess, fork } from 'node:child_process';
import { availableParallelism, cpus, freemem, loadavg, totalmem } from 'node:os';
import { fileURLToPath } from 'node:url';
import type { LaunchSnapshot } from '@warroom/shared';
import {
  ROOT,
  type Diagnostics,
  authenticate,
  cleanupAll,
  fmt,
  mergedPercentile,
  onCleanup,
  sleep,
  startDiagnosedServer,
  stopChild,
} from './lib';
import type { FromSoakChild, SoakClientReport, ToSoakChild } from './soak-clients';

const NAME = 'soak';
const CLIENTS = Number(process.env.SOAK_CLIENTS) || 200;
const SPEED = 60;
const MINUTES = Number(process.env.SOAK_MINUTES) || 10;
const RUN_MS = MINUTES * 60_000;
const WARMUP_MS = Math.min(2 * 60_000, RUN_MS / 4);
/** Heap troughs are taken per window of this length (shorter for short runs). */
const WINDOW_MS = Math.min(60_000, (RUN_MS - WARMUP_MS) / 3);
/** Past the planned end plus this, everything is torn down. */
const HARD_LIMIT_MS = RUN_MS + 4 * 60_000;
const TARGET_HEAP_GROWTH = 10;
const TARGET_LAG_P99_MS = 50;

const MB = 1024 * 1024;
const log = (message: string) => console.log(`  [${NAME}] ${message}`);
const load = () =>
  loadavg()
    .map((l) => l.toFixed(2))
    .join(' ');

/** The server with diagnostics on; its diagnostic lines are collected, other output passed on. */
function startServer(samples: Diagnostics[]): Promise<{ url: string; child: ChildProcess }> {
  return startDiagnosedServer('soak', samples);
}

function forkClients(url: string, launchId: string, auth: Record<string, string>) {
  const proc = fork(
    fileURLToPath(new URL('./soak-clients.ts', import.meta.url)),
    [url, String(CLIENTS), launchId, JSON.stringify(auth)],
    {
      cwd: ROOT,
      execArgv: ['--import', 'tsx'],
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    },
  );
  onCleanup(() => stopChild(proc, 2000));
  const next = <T extends FromSoakChild['type']>(type: T, timeoutMs: number) =>
    new Promise<Extract<FromSoakChild, { type: T }>>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no "${type}" from the client process`)), timeoutMs);
      const onMessage = (m: FromSoakChild) => {
        if (m.type !== type && m.type !== 'error') return;
        clearTimeout(timer);
        proc.off('message', onMessage);
        if (m.type === 'error') reject(new Error(m.message));
        else resolve(m as Extract<FromSoakChild, { type: T }>);
      };
      proc.on('message', onMessage);
    });
  return { proc, next, send: (m: ToSoakChild) => proc.send(m) };
}

async function main(): Promise<void> {
  console.log(
    `War room soak — ${new Date().toISOString()} — node ${process.version}, ${availableParallelism()} CPUs ` +
      `(${cpus()[0]?.model ?? 'unknown'}), ${fmt(totalmem() / 2 ** 30, 1)} GiB RAM ` +
      `(${fmt(freemem() / 2 ** 30, 1)} free), load average ${load()}`,
  );
  log(`${CLIENTS} screens, a launch at ${SPEED}× for ${MINUTES} min of wall time`);
  const samples: Diagnostics[] = [];
  const { url } = await startServer(samples);
  const creds = await authenticate(url);

  // One launch minute a wall second: long enough that it is still running when the soak ends.
  const durationMinutes = Math.max(180, Math.ceil((RUN_MS / 60_000) * SPEED) + 60);
  const started = await fetch(`${url}/api/simulations`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...creds.admin },
    body: JSON.stringify({
      scenario: 'traffic-shortfall',
      speed: SPEED,
      seed: 20251111,
      launch: { durationMinutes },
    }),
  });
  if (started.status !== 201)
    throw new Error(`starting the simulation: ${started.status} ${await started.text()}`);
  const { simulationId, launchId } = (await started.json()) as { simulationId: string; launchId: string };
  log(`simulation ${simulationId} on launch ${launchId} (${durationMinutes} launch minutes)`);

  const clients = forkClients(url, launchId, creds.screen);
  const ready = await clients.next('ready', 120_000);
  if (ready.connected !== CLIENTS) throw new Error(`only ${ready.connected} of ${CLIENTS} screens connected`);
  log(`${ready.connected} screens connected in ${fmt(ready.ms, 0)} ms`);

  const t0 = Date.now();
  const loads: number[] = [];
  const end = t0 + RUN_MS;
  let nextReport = t0 + 30_000;
  while (Date.now() < end) {
    await sleep(Math.min(5_000, end - Date.now()));
    loads.push(loadavg()[0]!);
    if (Date.now() >= nextReport) {
      nextReport += 30_000;
      const last = samples.at(-1);
      log(
        `${fmt((Date.now() - t0) / 1000, 0)} s: heapUsed ${fmt((last?.heapUsed ?? 0) / MB, 1)} MB, ` +
          `rss ${fmt((last?.rss ?? 0) / MB, 1)} MB, ` +
          `lag p99 (last second) ${fmt((last?.lagP99 ?? NaN) - (last?.lagResolutionMs ?? 0), 1)} ms, ` +
          `load ${load()}`,
      );
    }
  }

  clients.send({ type: 'report' });
  const { report } = await clients.next('report', 10_000);
  const snapRes = await fetch(`${url}/api/launches/${launchId}`, { headers: creds.admin });
  const snap = (await snapRes.json()) as LaunchSnapshot;
  await fetch(`${url}/api/simulations/${simulationId}`, { method: 'DELETE', headers: creds.admin });
  clients.send({ type: 'stop' });
  await stopChild(clients.proc, 2000);

  summarize(samples, t0, report, snap, loads);
}

function summarize(
  samples: Diagnostics[],
  t0: number,
  report: SoakClientReport,
  snap: LaunchSnapshot,
  loads: number[],
): void {
  const after = samples.filter((s) => s.t >= t0 + WARMUP_MS && s.t <= t0 + RUN_MS);
  if (after.length < 10) throw new Error(`only ${after.length} diagnostics samples after warm-up`);
  const trough = (from: number, to: number) =>
    Math.min(...after.filter((s) => s.t >= from && s.t < to).map((s) => s.heapUsed));
  const firstWindow = trough(t0 + WARMUP_MS, t0 + WARMUP_MS + WINDOW_MS);
  const lastWindow = trough(t0 + RUN_MS - WINDOW_MS, t0 + RUN_MS + 1);
  const growth = (lastWindow / firstWindow - 1) * 100;
  const rssFirst = after[0]!.rss;
  const rssLast = after.at(-1)!.rss;
  const lagP99 = mergedPercentile(after, 99);
  const lagP50 = mergedPercentile(after, 50);
  const lagMax = Math.max(...after.map((s) => s.lagMax - s.lagResolutionMs));
  const worstSecond = Math.max(...after.map((s) => s.lagP99 - s.lagResolutionMs));
  const minutes = [...report.minutes].sort((a, b) => a - b);
  const stored = snap.readings.length;
  const missing = report.minutes.filter((m) => m < stored - 2).length;
  const loadMean = loads.reduce((s, l) => s + l, 0) / (loads.length || 1);
  const pushTotal = Object.values(report.pushes).reduce((s, n) => s + n, 0);

  console.log('\nSummary');
  const rows: [string, string, string][] = [
    [
      'heap growth after warm-up',
      `${fmt(growth, 1)}% (${fmt(firstWindow / MB, 1)} → ${fmt(lastWindow / MB, 1)} MB heapUsed, troughs)`,
      `< ${TARGET_HEAP_GROWTH}% ${growth < TARGET_HEAP_GROWTH ? 'met' : 'MISSED'}`,
    ],
    [
      'event-loop delay p99',
      `${fmt(lagP99, 2)} ms (p50 ${fmt(lagP50, 2)}, worst second's p99 ${fmt(worstSecond, 1)}, max ${fmt(lagMax, 1)})`,
      `< ${TARGET_LAG_P99_MS} ms ${lagP99 < TARGET_LAG_P99_MS ? 'met' : 'MISSED'}`,
    ],
    ['rss', `${fmt(rssFirst / MB, 1)} → ${fmt(rssLast / MB, 1)} MB`, ''],
    ['launch minutes stored', `${stored} (${snap.alerts.length} alerts)`, ''],
    [
      'screens',
      `${report.connected}/${report.clients} connected at the end; minutes seen min ${minutes[0]} / max ${minutes.at(-1)}`,
      '',
    ],
    [
      'pushes received',
      `${fmt(pushTotal, 0)} (${Object.entries(report.pushes)
        .map(([k, n]) => `${k} ${n}`)
        .join(', ')}); ${fmt(pushTotal / (RUN_MS / 1000), 0)}/s`,
      '',
    ],
    [
      'disconnects / reconnects',
      `${report.disconnects} / ${report.reconnects} (resubscribe failures ${report.resubscribeFailures}; out-of-order pushes ${report.outOfOrder})`,
      '',
    ],
    [
      'load average (1 min) during the run',
      `mean ${fmt(loadMean, 2)}, max ${fmt(Math.max(...loads), 2)}`,
      '',
    ],
    ['diagnostics samples after warm-up', `${after.length}`, ''],
  ];
  for (const [k, v, t] of rows) console.log(`  ${k.padEnd(38)} ${v}${t ? `   [target ${t}]` : ''}`);
  if (report.outOfOrder > 0) throw new Error(`${report.outOfOrder} pushes arrived out of log order`);
  // A screen may be a minute or two behind the GET at the instant of asking; more is a loss.
  if (missing > 0)
    throw new Error(`${missing} screens missed minutes (stored ${stored}, seen ${minutes[0]})`);
  if (report.connected !== report.clients) throw new Error('some screens were not connected at the end');
}

const hardStop = setTimeout(() => {
  console.error(`soak still running ${HARD_LIMIT_MS / 60_000} min after it started; stopping`);
  void cleanupAll().then(() => process.exit(1));
}, HARD_LIMIT_MS);
hardStop.unref();
for (const signal of ['SIGINT', 'SIGTERM'] as const)
  process.on(signal, () => {
    void cleanupAll().then(() => process.exit(130));
  });

try {
  await main();
} catch (e) {
  console.error(`soak failed: ${(e as Error).stack ?? String(e)}`);
  process.exitCode = 1;
} finally {
  await cleanupAll();
  clearTimeout(hardStop);
}
