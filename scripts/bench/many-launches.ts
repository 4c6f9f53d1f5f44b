/**
 * `npm run bench:many-launches` (issue #18 item 2): one server, MANY_LAUNCHES (2,000) live launches
 * whose checkpoint 15 reaches its grace deadline at the same instant (on a whole wall minute), five
 * socket.io screens each (10,000 connections, websocket transport, in CLIENT_PROCESSES processes of
 * their own). Every launch's feed stopped one minute short of the checkpoint, so at the deadline the
 * scheduler ticks all of them and each raises its data-gap alert; each screen notes when the first
 * alert of checkpoint 15 arrives.
 *
 * Figures: checkpoint → screen (arrival − the grace deadline) p50/p99/max; the server's event-loop
 * delay p99 around the deadline (WARROOM_DIAGNOSTICS, monitorEventLoopDelay, its 10 ms resolution
 * subtracted) against the same server idle just before; RSS and heap before and after creating the
 * launches (per launch) and after the screens connected (per connection); and a floor from the same
 * run: a bare `ws` server sending one frame of the push's size to as many bare `ws` clients.
 * 127.0.0.1 only; bounded; cleans up its processes and temp DATA_DIR.
 */
import { execFileSync } from 'node:child_process';
import { type Diagnostics, mergedPercentile, startDiagnosedServer } from './lib';
import { HOST, MINUTE_MS, authenticate, cleanupAll, createLaunches, fmt, freePort } from './lib';
import { jsonClient, latencySummary, loadText, log as logAs, reading, sleep, wallNow } from './lib';
import { runBench, waitUntilHealthy } from './lib';
import { Child, collectArrivals } from './client-process';

const NAME = 'many-launches';
const LAUNCHES = Number(process.env.MANY_LAUNCHES) || 2000;
const SCREENS = 5;
const CLIENT_PROCESSES = 10;
const CONNECTIONS = LAUNCHES * SCREENS;
/** Wall time from the start to the deadline (rounded up to a whole minute): room for the setup. */
const LEAD_MS = (Number(process.env.MANY_LEAD_SECONDS) || 60) * 1000;
const CHECKPOINT = 15;
const GRACE_SECONDS = 30;
const COLLECT_TIMEOUT_MS = 20_000;
const HARD_LIMIT_MS = LEAD_MS + 6 * MINUTE_MS;
const MB = 1024 * 1024;
const log = (m: string) => logAs(NAME, m);

function openFilesHardLimit(): number {
  return Number(execFileSync('/bin/sh', ['-c', 'ulimit -Hn'], { encoding: 'utf8' }).trim()) || 0;
}

/** The last diagnostics sample at or before `t` (memory), waiting for one after it. */
async function sampleAfter(samples: Diagnostics[], t: number): Promise<Diagnostics> {
  while (!samples.some((s) => s.t >= t)) await sleep(50);
  return samples.find((s) => s.t >= t)!;
}

async function startClients(args: (i: number) => string[]): Promise<Child[]> {
  const children = Array.from({ length: CLIENT_PROCESSES }, (_, i) =>
    Child.fork('./alert-clients.ts', args(i)),
  );
  const ready = await Promise.all(children.map((c) => c.next('ready', 180_000)));
  const connected = ready.reduce((s, r) => s + r.connected, 0);
  if (connected !== CONNECTIONS) throw new Error(`only ${connected} of ${CONNECTIONS} clients connected`);
  log(`${connected} clients connected in ${fmt(Math.max(...ready.map((r) => r.ms)) / 1000, 1)} s`);
  return children;
}

/** The floor: a bare ws server sends `frame` to CONNECTIONS bare ws clients, three rounds. */
async function wsFloor(frame: string) {
  const port = await freePort();
  const server = Child.fork('./ws-floor-server.ts', [], { PORT: String(port) });
  const url = `http://${HOST}:${port}`;
  await waitUntilHealthy(url, server.proc, 'the ws floor server');
  const http = jsonClient(url, 2);
  const per = CONNECTIONS / CLIENT_PROCESSES;
  const children = await startClients(() => ['ws', `ws://${HOST}:${port}`, String(per)]);
  const deltas: number[] = [];
  let missing = 0;
  for (let round = 1; round <= 3; round++) {
    await sleep(500);
    const t0 = wallNow();
    await http.post('/broadcast', frame);
    const got = await collectArrivals(children, round, t0, COLLECT_TIMEOUT_MS);
    deltas.push(...got.deltas);
    missing += got.missing;
  }
  await Promise.all(children.map((c) => c.stop()));
  http.close();
  await server.stop();
  return { ...latencySummary(deltas), missing };
}

async function main(): Promise<void> {
  const hard = openFilesHardLimit();
  const needed = CONNECTIONS + LAUNCHES + 1000;
  if (hard < needed)
    throw new Error(`the server needs ~${needed} open files; the hard limit is ${hard} (raise ulimit -Hn)`);
  const begun = Date.now();
  const deadline = Math.ceil((begun + LEAD_MS) / MINUTE_MS) * MINUTE_MS;
  const startMs = deadline - CHECKPOINT * MINUTE_MS - GRACE_SECONDS * 1000;
  log(`load ${loadText()}; ${LAUNCHES} launches, deadline ${new Date(deadline).toISOString()}`);
  const samples: Diagnostics[] = [];
  const server = await startDiagnosedServer(NAME, samples, { everyMs: 250, raiseOpenFiles: true });
  const creds = await authenticate(server.url);
  const admin = jsonClient(server.url, 8, creds.admin);
  const ingest = jsonClient(server.url, 8, creds.ingest);
  // One screen token per client process: each principal has its own allowance of snapshots.
  const tokens: Record<string, string>[] = [creds.screen];
  while (tokens.length < CLIENT_PROCESSES) {
    const res = await admin.post<{ token: string }>(
      '/api/tokens',
      JSON.stringify({ name: `bench screen ${tokens.length}`, scope: 'screen' }),
    );
    tokens.push({ token: res.body.token });
  }
  await sleep(2000);
  const before = await sampleAfter(samples, Date.now());

  const ids = await createLaunches(admin, LAUNCHES, (i) =>
    JSON.stringify({
      name: `bench many ${i}`,
      startAt: new Date(startMs).toISOString(),
      durationMinutes: 60,
      checkpoints: [CHECKPOINT, 30, 45, 60],
      graceSeconds: GRACE_SECONDS,
      forecast: {
        template: { uv: 100 * 60, units: 10 * 60, gmv: 1000 * 60 },
      },
    }),
  );
  // The feed ran until a minute before the checkpoint (readings more than 2 minutes ahead are refused).
  const current = Math.floor((Date.now() - startMs) / MINUTE_MS);
  const last = Math.min(CHECKPOINT - 2, current + 2);
  const batch = JSON.stringify(Array.from({ length: last + 1 }, (_, m) => reading(m)));
  let next = 0;
  await Promise.all(
    Array.from({ length: 8 }, async () => {
      while (next < ids.length) {
        const id = ids[next++]!;
        const res = await ingest.post<{ accepted: number }>(`/api/launches/${id}/readings`, batch);
        if (res.body.accepted !== last + 1) throw new Error(`readings: ${JSON.stringify(res.body)}`);
      }
    }),
  );
  log(`${LAUNCHES} launches created with minutes 0–${last} in ${fmt((Date.now() - begun) / 1000, 1)} s`);
  await sleep(3000);
  const created = await sampleAfter(samples, Date.now());

  const perProcess = CONNECTIONS / CLIENT_PROCESSES;
  const children = await startClients((i) => {
    // Process i holds screens for launches i·L/P … (i+1)·L/P − 1, five each.
    const mine = ids.slice((i * LAUNCHES) / CLIENT_PROCESSES, ((i + 1) * LAUNCHES) / CLIENT_PROCESSES);
    return ['socketio', server.url, String(perProcess), mine.join(','), JSON.stringify(tokens[i]), 'batch'];
  });
  await sleep(3000);
  const connected = await sampleAfter(samples, Date.now());
  if (Date.now() > deadline - 10_000)
    throw new Error(`the setup ran past the deadline; raise MANY_LEAD_SECONDS (now ${LEAD_MS / 1000})`);
  log(`waiting ${fmt((deadline - Date.now()) / 1000, 0)} s for the deadline`);
  await sleep(deadline - 1000 - Date.now());

  const got = await collectArrivals(children, CHECKPOINT, deadline, COLLECT_TIMEOUT_MS);
  // The push that carried the alert, as a screen received it (the floor sends the same bytes).
  const frame = children.flatMap((c) => c.frames)[0];
  if (!frame) throw new Error('no events push with the alert was captured');
  await sleep(2000);
  const idle = samples.filter((s) => s.t > deadline - 10_000 && s.t <= deadline - 250);
  const burst = samples.filter((s) => s.t > deadline && s.t <= deadline + 10_000);
  await Promise.all(children.map((c) => c.stop()));
  admin.close();
  ingest.close();
  const afterRun = samples.at(-1)!;
  await cleanupAll(); // the server goes before the floor, so it has the machine to itself

  const s = latencySummary(got.deltas);
  const floor = await wsFloor(frame);
  const lagP99 = mergedPercentile(burst, 99);
  const lagIdleP99 = mergedPercentile(idle, 99);
  const lagMax = Math.max(...burst.map((x) => x.lagMax - x.lagResolutionMs));
  const perLaunchRss = (created.rss - before.rss) / LAUNCHES;
  const perLaunchHeap = (created.heapUsed - before.heapUsed) / LAUNCHES;
  const perConnRss = (connected.rss - created.rss) / CONNECTIONS;
  const rows: [string, string][] = [
    ['checkpoint → screen p50 / p99 / max', `${fmt(s.p50, 1)} / ${fmt(s.p99, 1)} / ${fmt(s.max, 1)} ms`],
    ['  target p99 ≤ 100 ms', s.p99 <= 100 ? 'met' : 'MISSED'],
    ['arrivals (missing)', `${s.n} (${got.missing})`],
    ['event-loop delay p99 around the deadline', `${fmt(lagP99, 1)} ms (max ${fmt(lagMax, 1)} ms)`],
    ['  target p99 ≤ 50 ms', lagP99 <= 50 ? 'met' : 'MISSED'],
    ['event-loop delay p99, same server idle before', `${fmt(lagIdleP99, 1)} ms`],
    [
      'RSS before → after launches',
      `${fmt(before.rss / MB, 1)} → ${fmt(created.rss / MB, 1)} MB (${fmt(perLaunchRss / 1024, 1)} KiB per launch)`,
    ],
    ['heap used per launch', `${fmt(perLaunchHeap / 1024, 1)} KiB`],
    [
      'RSS after screens connected',
      `${fmt(connected.rss / MB, 1)} MB (${fmt(perConnRss / 1024, 1)} KiB per connection); after the run ${fmt(afterRun.rss / MB, 1)} MB`,
    ],
    [
      `ws floor (${CONNECTIONS} bare ws clients, the ${Buffer.byteLength(frame)}-byte push, 3 rounds) p50 / p99 / max`,
      `${fmt(floor.p50, 1)} / ${fmt(floor.p99, 1)} / ${fmt(floor.max, 1)} ms (${floor.missing} missing)`,
    ],
    ['load average at the end', loadText()],
  ];
  console.log(`\n${NAME}: ${LAUNCHES} launches × ${SCREENS} screens`);
  for (const [k, v] of rows) console.log(`  ${k.padEnd(62)} ${v}`);
}

await runBench(NAME, HARD_LIMIT_MS, main);
