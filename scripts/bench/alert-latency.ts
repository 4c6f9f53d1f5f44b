/**
 * alert-latency: from the POST of the reading that completes a breaching checkpoint to the `alert`
 * push arriving at each of 1,000 subscribed socket.io clients → p50/p99/max; and in the same run
 * the floor: a bare `ws` server sending the same bytes (the real push's frame, captured) to 1,000
 * bare `ws` clients, triggered and measured the same way.
 *
 * Processes: this coordinator, the server (child), and two client processes of 500 connections
 * each (websocket transport only), so the measuring clients share no event loop with the server.
 * Times are `performance.timeOrigin + performance.now()` in every process (one system clock); the
 * coordinator checks how far apart the processes' clocks can be and reports it.
 *
 * A round: fill the minutes before checkpoint T (uv at twice the plan, not timed), let the pushes
 * settle, then t0 = now, POST minute T−1 — that completes T, which breaches (uv +100%) and raises
 * one alert — and collect when each client saw `alert` for T. The first round is a warm-up.
 */
import {
  type BenchResult,
  type Figure,
  HOST,
  authenticate,
  createLaunches,
  fmt,
  freePort,
  jsonClient,
  latencySummary,
  log,
  pastLaunch,
  reading,
  sleep,
  startServer,
  waitUntilHealthy,
  wallNow,
} from './lib';
import { Child, collectArrivals } from './client-process';

const NAME = 'alert-latency';
const CLIENTS = 1000;
const PROCESSES = 2;
const CHECKPOINTS = Array.from({ length: 17 }, (_, i) => 10 * (i + 1)); // 1 warm-up + 16 measured
const DURATION_MINUTES = 180;
const SETTLE_MS = 400;
const COLLECT_TIMEOUT_MS = 5000;
const TARGET_P99_MS = 50;

async function startClients(args: (n: number) => string[]): Promise<Child[]> {
  const per = CLIENTS / PROCESSES;
  const children = Array.from({ length: PROCESSES }, () => Child.fork('./alert-clients.ts', args(per)));
  const ready = await Promise.all(children.map((c) => c.next('ready', 60_000)));
  const connected = ready.reduce((s, r) => s + r.connected, 0);
  if (connected !== CLIENTS) throw new Error(`only ${connected} of ${CLIENTS} clients connected`);
  log(NAME, `${connected} clients connected in ${fmt(Math.max(...ready.map((r) => r.ms)), 0)} ms`);
  return children;
}

/**
 * How far a child's clock can be ahead of ours: min over pings of (child's time on receipt − our
 * time on sending) = skew + one-way IPC delay. Near 0 means the clocks agree to within that.
 */
async function clockBound(children: Child[]): Promise<number> {
  let worst = -Infinity;
  for (const c of children) {
    let best = Infinity;
    for (let i = 0; i < 20; i++) {
      const t = wallNow();
      const p = c.next('clock', 5000, (m) => m.t === t);
      c.send({ type: 'clock', t });
      const r = await p;
      best = Math.min(best, r.now - r.t);
    }
    worst = Math.max(worst, best);
  }
  return worst;
}

function roundText(deltas: number[]): string {
  const r = latencySummary(deltas);
  return `${fmt(r.p50, 0)}/${fmt(r.max, 0)}`;
}

/**
 * `batch`: the clients subscribe as the screens do (each commit one `events` push); otherwise they
 * take the contract's named pushes (`reading`, `checkpoint`, `alert`: one frame each).
 */
export async function socketIoRounds(
  batch: boolean,
  /** Watch through a launch group's room (`group:subscribe`) holding the launch and `groupSize − 1` others. */
  groupSize = 0,
): Promise<{
  deltas: number[];
  postMs: number[];
  frame: string | undefined;
  clockMs: number;
  missing: number;
}> {
  const server = await startServer(NAME);
  const creds = await authenticate(server.url);
  const admin = jsonClient(server.url, 2, creds.admin);
  const ingest = jsonClient(server.url, 2, creds.ingest);
  try {
    const [launchId] = await createLaunches(admin, 1, () =>
      pastLaunch({
        name: 'bench alert latency',
        durationMinutes: DURATION_MINUTES,
        startedMinutesAgo: DURATION_MINUTES + 20,
        checkpoints: CHECKPOINTS,
        perMinuteForecast: true,
      }),
    );
    let target = launchId!;
    if (groupSize > 0) {
      const others = await createLaunches(admin, groupSize - 1, (i) =>
        pastLaunch({ name: `bench group ${i}`, durationMinutes: 30, startedMinutesAgo: 10 }),
      );
      const g = await admin.post<{ group: { id: string } }>(
        '/api/groups',
        JSON.stringify({ name: 'bench group', launchIds: [launchId, ...others] }),
      );
      if (g.status !== 201) throw new Error(`creating the group: ${g.status} ${JSON.stringify(g.body)}`);
      target = g.body.group.id;
    }
    const children = await startClients((n) => [
      'socketio',
      server.url,
      String(n),
      target,
      JSON.stringify(creds.screen),
      groupSize > 0 ? 'group' : batch ? 'batch' : 'named',
    ]);
    const clockMs = await clockBound(children);
    const deltas: number[] = [];
    const postMs: number[] = [];
    const perRound: string[] = [];
    let missing = 0;
    let from = 0;
    for (const [round, t] of CHECKPOINTS.entries()) {
      const fill = [];
      for (let m = from; m < t - 1; m++) fill.push(reading(m, 2));
      const filled = await ingest.post<{ accepted: number }>(
        `/api/launches/${launchId}/readings`,
        JSON.stringify(fill),
      );
      if (filled.body.accepted !== fill.length) throw new Error(`fill: ${JSON.stringify(filled.body)}`);
      await sleep(SETTLE_MS);
      const t0 = wallNow();
      const res = await ingest.post<{ accepted: number }>(
        `/api/launches/${launchId}/readings`,
        JSON.stringify([reading(t - 1, 2)]),
      );
      const answered = wallNow() - t0;
      if (res.body.accepted !== 1) throw new Error(`completing reading: ${JSON.stringify(res.body)}`);
      const got = await collectArrivals(children, t, t0, COLLECT_TIMEOUT_MS);
      if (round > 0) {
        deltas.push(...got.deltas);
        postMs.push(answered);
        missing += got.missing;
        perRound.push(roundText(got.deltas));
      }
      from = t;
    }
    log(
      NAME,
      `socket.io ${groupSize > 0 ? `group room (${groupSize} launches)` : batch ? 'batch' : 'named'} rounds, ` +
        `p50/max ms: ${perRound.join(' ')}`,
    );
    const frame = children.flatMap((c) => c.frames)[0];
    if (!frame) throw new Error('no frame bringing the alert was captured');
    await Promise.all(children.map((c) => c.stop()));
    return { deltas, postMs, frame, clockMs, missing };
  } finally {
    admin.close();
    ingest.close();
    await server.stop();
  }
}

async function wsFloorRounds(frame: string): Promise<{ deltas: number[]; missing: number }> {
  const port = await freePort();
  const server = Child.fork('./ws-floor-server.ts', [], { PORT: String(port) });
  const url = `http://${HOST}:${port}`;
  await waitUntilHealthy(url, server.proc, 'the ws floor server');
  const http = jsonClient(url, 2);
  try {
    const children = await startClients((n) => ['ws', `ws://${HOST}:${port}`, String(n)]);
    const deltas: number[] = [];
    const perRound: string[] = [];
    let missing = 0;
    for (let round = 0; round < CHECKPOINTS.length; round++) {
      await sleep(SETTLE_MS);
      const t0 = wallNow();
      const res = await http.post<{ sent: number }>('/broadcast', frame);
      if (res.body.sent !== CLIENTS) throw new Error(`the floor server sent to ${res.body.sent} clients`);
      const got = await collectArrivals(children, round + 1, t0, COLLECT_TIMEOUT_MS);
      if (round > 0) {
        deltas.push(...got.deltas);
        missing += got.missing;
        perRound.push(roundText(got.deltas));
      }
    }
    log(NAME, `ws floor rounds, p50/max ms: ${perRound.join(' ')}`);
    await Promise.all(children.map((c) => c.stop()));
    return { deltas, missing };
  } finally {
    http.close();
    await server.stop();
  }
}

/** The ws floor for one captured frame, logged. */
async function floorOf(frame: string, what: string) {
  const rounds = await wsFloorRounds(frame);
  const summary = latencySummary(rounds.deltas);
  log(
    NAME,
    `ws floor, ${what}'s ${Buffer.byteLength(frame)} bytes: ${summary.n} arrivals (${rounds.missing} missing) ` +
      `p50 ${fmt(summary.p50, 2)} p99 ${fmt(summary.p99, 2)} max ${fmt(summary.max, 2)} ms`,
  );
  return { summary, missing: rounds.missing };
}

export async function alertLatency(): Promise<BenchResult> {
  const real = await socketIoRounds(true);
  const s = latencySummary(real.deltas);
  const post = latencySummary(real.postMs);
  log(
    NAME,
    `socket.io (batch, as the screens subscribe): ${s.n} arrivals (${real.missing} missing) p50 ${fmt(s.p50, 2)} ` +
      `p99 ${fmt(s.p99, 2)} max ${fmt(s.max, 2)} ms; POST answered p50 ${fmt(post.p50, 2)} ms`,
  );
  const named = await socketIoRounds(false);
  const n = latencySummary(named.deltas);
  log(
    NAME,
    `socket.io (named pushes): ${n.n} arrivals (${named.missing} missing) p50 ${fmt(n.p50, 2)} p99 ${fmt(n.p99, 2)} ` +
      `max ${fmt(n.max, 2)} ms; frame ${Buffer.byteLength(named.frame!)} bytes`,
  );
  // Each socket.io figure beside a bare `ws` server sending the very bytes it measured.
  const floor = await floorOf(real.frame!, 'the batch push');
  const f = floor.summary;
  const namedFloor = await floorOf(named.frame!, 'the alert push');
  const nf = namedFloor.summary;
  const rounds = CHECKPOINTS.length - 1;
  const figures: Figure[] = [
    { label: 'alert push, p50', value: s.p50, unit: 'ms' },
    { label: 'alert push, p99', value: s.p99, unit: 'ms', target: { kind: 'max', value: TARGET_P99_MS } },
    { label: 'alert push, max', value: s.max, unit: 'ms' },
    { label: 'completing POST answered, p50', value: post.p50, unit: 'ms' },
    { label: 'named pushes: alert, p50', value: n.p50, unit: 'ms' },
    { label: 'named pushes: alert, p99', value: n.p99, unit: 'ms' },
    { label: 'ws floor (batch frame), p50', value: f.p50, unit: 'ms' },
    { label: 'ws floor (batch frame), p99', value: f.p99, unit: 'ms' },
    { label: 'ws floor (batch frame), max', value: f.max, unit: 'ms' },
    { label: 'alert push p99 ÷ its floor', value: s.p99 / f.p99, unit: '×', digits: 2 },
    { label: 'ws floor (alert frame), p50', value: nf.p50, unit: 'ms' },
    { label: 'ws floor (alert frame), p99', value: nf.p99, unit: 'ms' },
    { label: 'named alert p99 ÷ its floor', value: n.p99 / nf.p99, unit: '×', digits: 2 },
  ];
  return {
    name: NAME,
    figures,
    notes: [
      `${CLIENTS} socket.io-client connections (websocket transport) in ${PROCESSES} processes, one launch, ` +
        `${rounds} measured rounds after a warm-up, each a new checkpoint completed by one reading POST; ` +
        `${s.n} arrivals measured, ${real.missing} missing; mean ${fmt(s.mean, 2)} ms`,
      `the target rows are the screens' batch subscription (one \`events\` frame per commit); the named rows are ` +
        `the contract's per-fact pushes (one frame per fact of the completing reading's commit, the alert's among them)`,
      `ws floors: the same frame as each socket.io figure (captured from the run: the batch push of ` +
        `${Buffer.byteLength(real.frame!)} bytes, the alert push of ${Buffer.byteLength(named.frame!)} bytes) sent by a ` +
        `bare ws server to ${CLIENTS} bare ws clients in ${PROCESSES} processes on a POST, ${rounds} rounds each; ` +
        `${f.n} + ${nf.n} arrivals, ${floor.missing + namedFloor.missing} missing`,
      `clocks: a client process's clock reads at most ${fmt(real.clockMs, 3)} ms ahead of the coordinator's ` +
        `(skew + IPC delay, min of 20 pings), so the cross-process deltas are good to well under a millisecond`,
    ],
  };
}
