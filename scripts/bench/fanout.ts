/**
 * `npm run bench:fanout` (issue #18 item 5): fan-out at scale, 10,000 screens over four instances.
 *
 * Four server processes (startServer, the TypeScript source) on the machine's Redis at
 * redis://127.0.0.1:6379 under a key prefix of their own (deleted afterwards), one launch, 10,000
 * socket.io-client connections (websocket transport, the screens' `batch` subscription) held by
 * eight child processes of 1,250 (alert-clients.ts), client process i on instance i mod 4: 2,500
 * screens per instance, one screen token per process. The round is alert-latency's and redis.ts's
 * (lib.ts `completeCheckpoint`): fill the minutes before checkpoint T (uv at twice the plan, not
 * timed), settle, then t0 = now, POST minute T−1 to instance A — it completes T, which breaches and
 * raises one alert — and note when each client got the alert. A's clients get it once A's append is
 * confirmed; the others' instances once they have heard Redis's notification and caught up (the
 * Redis hop). One warm-up round, then `--rounds` measured ones.
 *
 * The floor, in the same run once the servers are gone: the push that brought the alert (captured
 * by a client on A) sent by bare `ws` servers to as many bare `ws` clients in as many processes,
 * triggered and measured the same way. There are as many floor servers as instances (four of
 * 2,500 clients, the four POSTs sent at t0 together): four processes each writing to 2,500 sockets
 * on the same cores is the real topology's fan-out; one process writing 10,000 would be another.
 *
 * Options: --clients (10000) --instances (4) --processes (8) --rounds (16) --json (a JSON line at
 * the end). 127.0.0.1 only; a hard time limit; every child and the Redis keys cleaned up on
 * failure and on Ctrl-C.
 */
import { availableParallelism, cpus, totalmem } from 'node:os';
import { parseArgs } from 'node:util';
import { Child, collectArrivals } from './client-process';
import {
  HOST,
  alertLaunch,
  completeCheckpoint,
  fmt,
  freePort,
  jsonClient,
  latencySummary,
  loadText,
  log as logAs,
  runBench,
  screenTokens,
  sleep,
  startServersOnRedis,
  waitForLaunch,
  waitUntilHealthy,
  wallNow,
} from './lib';

const NAME = 'fanout';
const REDIS_URL = 'redis://127.0.0.1:6379';
const TARGET_P99_MS = 150;
const COLLECT_TIMEOUT_MS = 20_000;
const READY_TIMEOUT_MS = 240_000;
const log = (m: string) => logAs(NAME, m);
/** Where the servers run from (lib.ts startServer: BENCH_SERVER_ROOT, else this checkout). */
const SERVER_ROOT = process.env.BENCH_SERVER_ROOT ?? 'this checkout';

const { values } = parseArgs({
  options: {
    clients: { type: 'string', default: '10000' },
    instances: { type: 'string', default: '4' },
    processes: { type: 'string', default: '8' },
    rounds: { type: 'string', default: '16' },
    json: { type: 'boolean', default: false },
  },
});
const whole = (name: keyof typeof values): number => {
  const n = Number(values[name]);
  if (!Number.isInteger(n) || n < 1) throw new Error(`--${name} takes a whole number of 1 or more`);
  return n;
};
const CLIENTS = whole('clients');
const INSTANCES = whole('instances');
const PROCESSES = whole('processes');
const ROUNDS = whole('rounds');
if (CLIENTS % PROCESSES !== 0 || PROCESSES % INSTANCES !== 0)
  throw new Error('--clients must be a multiple of --processes, and --processes of --instances');
const PER_PROCESS = CLIENTS / PROCESSES;
/** Checkpoints 10, 20, …: the first the warm-up round's. */
const CHECKPOINTS = Array.from({ length: ROUNDS + 1 }, (_, i) => 10 * (i + 1));
const DURATION_MINUTES = CHECKPOINTS.at(-1)! + 10;
/** Time for the fill's pushes to reach every client before the timed POST (they take longer with more). */
const SETTLE_MS = Math.max(400, Math.round(CLIENTS / 5));
const HARD_LIMIT_MS = 5 * 60_000 + (ROUNDS + 1) * 2 * (SETTLE_MS + 8000);

type Summary = ReturnType<typeof latencySummary>;

/** PROCESSES client processes (process i gets `args(i)`), all connected, or an error. */
async function startClients(what: string, args: (i: number) => string[]): Promise<Child[]> {
  const children = Array.from({ length: PROCESSES }, (_, i) => Child.fork('./alert-clients.ts', args(i)));
  const ready = await Promise.all(children.map((c) => c.next('ready', READY_TIMEOUT_MS)));
  const connected = ready.reduce((s, r) => s + r.connected, 0);
  if (connected !== CLIENTS) throw new Error(`only ${connected} of ${CLIENTS} ${what} clients connected`);
  log(`${connected} ${what} clients connected in ${fmt(Math.max(...ready.map((r) => r.ms)) / 1000, 1)} s`);
  return children;
}

function roundText(deltas: number[]): string {
  const r = latencySummary(deltas);
  return `${fmt(r.p50, 0)}/${fmt(r.max, 0)}`;
}

/** Arrival deltas of the measured rounds, by instance (client process i is on instance i mod n). */
interface Rounds {
  perInstance: number[][];
  missing: number;
}

/**
 * The warm-up and measured rounds: `trigger(round)` starts one (returning t0 and the key the
 * clients note it under), then every process is asked for its arrivals.
 */
async function rounds(
  what: string,
  children: Child[],
  trigger: (round: number) => Promise<{ t0: number; key: number }>,
): Promise<Rounds> {
  const perInstance: number[][] = Array.from({ length: INSTANCES }, () => []);
  const perRound: string[] = [];
  let missing = 0;
  for (let round = 0; round <= ROUNDS; round++) {
    const { t0, key } = await trigger(round);
    const got = await collectArrivals(children, key, t0, COLLECT_TIMEOUT_MS);
    if (round === 0) continue;
    got.perChild.forEach((d, i) => perInstance[i % INSTANCES]!.push(...d));
    missing += got.missing;
    perRound.push(roundText(got.deltas));
  }
  log(`${what} rounds, p50/max ms: ${perRound.join(' ')}`);
  return { perInstance, missing };
}

async function socketIoRun(): Promise<Rounds & { postMs: number[]; frame: string }> {
  const { servers } = await startServersOnRedis(INSTANCES, NAME, REDIS_URL);
  const a = servers[0]!;
  log(`${INSTANCES} instances up on ${REDIS_URL}`);
  const { creds, admin, ingest, launchId, close } = await alertLaunch(a.url, {
    name: 'bench fan-out at scale',
    checkpoints: CHECKPOINTS,
    durationMinutes: DURATION_MINUTES,
  });
  try {
    await waitForLaunch(
      servers.map((s) => s.url),
      launchId,
      creds.admin,
    );
    const tokens = await screenTokens(admin, creds, PROCESSES);
    const children = await startClients('socket.io', (i) => [
      'socketio',
      servers[i % INSTANCES]!.url,
      String(PER_PROCESS),
      launchId,
      JSON.stringify(tokens[i]),
      'batch', // as the screens subscribe: one `events` push per commit
    ]);
    const postMs: number[] = [];
    let from = 0;
    const result = await rounds('socket.io', children, async (round) => {
      const t = CHECKPOINTS[round]!;
      const { t0, answeredMs } = await completeCheckpoint(ingest, launchId, from, t, {
        settleMs: SETTLE_MS,
      });
      if (round > 0) postMs.push(answeredMs);
      from = t;
      return { t0, key: t };
    });
    const frame = children.flatMap((c) => c.frames)[0];
    if (!frame) throw new Error('no push bringing the alert was captured');
    await Promise.all(children.map((c) => c.stop()));
    return { ...result, postMs, frame };
  } finally {
    close();
    await Promise.all(servers.map((s) => s.stop()));
  }
}

/** The floor: INSTANCES bare ws servers, each with its share of the bare ws clients, sent `frame` at once. */
async function floorRun(frame: string): Promise<Rounds> {
  const ports = await Promise.all(Array.from({ length: INSTANCES }, () => freePort()));
  const floorServers = ports.map((port) => Child.fork('./ws-floor-server.ts', [], { PORT: String(port) }));
  const http = ports.map((port) => jsonClient(`http://${HOST}:${port}`, 1));
  try {
    await Promise.all(
      floorServers.map((s, i) => waitUntilHealthy(`http://${HOST}:${ports[i]}`, s.proc, 'a ws floor server')),
    );
    const children = await startClients('bare ws', (i) => [
      'ws',
      `ws://${HOST}:${ports[i % INSTANCES]}`,
      String(PER_PROCESS),
    ]);
    const result = await rounds('ws floor', children, async (round) => {
      await sleep(SETTLE_MS);
      const t0 = wallNow();
      const sent = await Promise.all(http.map((h) => h.post<{ sent: number }>('/broadcast', frame)));
      const total = sent.reduce((s, r) => s + r.body.sent, 0);
      if (total !== CLIENTS) throw new Error(`the floor servers sent to ${total} clients`);
      return { t0, key: round + 1 }; // a bare ws client notes its n-th message under n
    });
    await Promise.all(children.map((c) => c.stop()));
    return result;
  } finally {
    for (const h of http) h.close();
    await Promise.all(floorServers.map((s) => s.stop()));
  }
}

const letter = (i: number) => String.fromCharCode(65 + i);

async function main(): Promise<void> {
  const loadBefore = loadText();
  const started = new Date();
  log(
    `load ${loadBefore}; ${CLIENTS} clients over ${INSTANCES} instances in ${PROCESSES} processes of ` +
      `${PER_PROCESS}, ${ROUNDS} measured rounds after a warm-up, settle ${SETTLE_MS} ms`,
  );
  const real = await socketIoRun();
  const loadBetween = loadText();
  log(`load after the socket.io part ${loadBetween}`);
  const floor = await floorRun(real.frame);
  const loadAfter = loadText();

  const all = latencySummary(real.perInstance.flat());
  const onA = latencySummary(real.perInstance[0]!);
  const others = latencySummary(real.perInstance.slice(1).flat());
  const each = real.perInstance.map((d) => latencySummary(d));
  const f = latencySummary(floor.perInstance.flat());
  const post = latencySummary(real.postMs);
  const ratio = all.p99 / f.p99;
  const met = all.p99 <= TARGET_P99_MS;
  const frameBytes = Buffer.byteLength(real.frame);
  const otherNames = each.slice(1).map((_, i) => letter(i + 1));

  const rows: [string, Summary][] = [
    [`socket.io, all ${CLIENTS} clients`, all],
    [`  on A (the POST's instance)`, onA],
  ];
  if (INSTANCES > 1) rows.push([`  on ${otherNames.join(', ')} (via Redis)`, others]);
  if (INSTANCES > 2) each.slice(1).forEach((s, i) => rows.push([`    on ${otherNames[i]}`, s]));
  rows.push([`bare ws floor, ${CLIENTS} clients`, f]);
  const cpu = cpus()[0]?.model ?? 'unknown CPU';
  console.log(
    `\n${NAME}: ${CLIENTS} screens over ${INSTANCES} instances on one Redis, ${ROUNDS} rounds, ` +
      `started ${started.toISOString()}`,
  );
  console.log(
    `machine: ${availableParallelism()} × ${cpu}, ${fmt(totalmem() / 2 ** 30, 1)} GiB; node ${process.version}; ` +
      `Redis ${REDIS_URL}; server from ${SERVER_ROOT}`,
  );
  console.log(
    `${'POST → alert at each client (ms)'.padEnd(44)} ${'p50'.padStart(9)} ${'p99'.padStart(9)} ${'max'.padStart(9)}   arrivals`,
  );
  for (const [label, s] of rows)
    console.log(
      `${label.padEnd(44)} ${fmt(s.p50, 1).padStart(9)} ${fmt(s.p99, 1).padStart(9)} ${fmt(s.max, 1).padStart(9)}   ${s.n}`,
    );
  console.log(`p99 ÷ floor p99: ${fmt(ratio, 2)}×`);
  if (INSTANCES > 1) console.log(`Redis hop (others p50 − A p50): ${fmt(others.p50 - onA.p50, 1)} ms`);
  console.log(`completing POST answered: p50 ${fmt(post.p50, 1)} ms, p99 ${fmt(post.p99, 1)} ms`);
  console.log(
    `target p99 ≤ ${TARGET_P99_MS} ms: ${met ? 'met' : 'NOT met'}; missing arrivals: socket.io ${real.missing}, floor ${floor.missing}`,
  );
  console.log(
    `floor: ${INSTANCES} bare ws server processes of ${CLIENTS / INSTANCES} clients each, sent at once; ` +
      `the captured ${frameBytes}-byte push`,
  );
  console.log(
    `load average: before ${loadBefore}; after the socket.io part ${loadBetween}; after ${loadAfter}`,
  );
  if (values.json) {
    const pick = (s: Summary) => ({ n: s.n, p50: s.p50, p99: s.p99, max: s.max, mean: s.mean });
    console.log(
      JSON.stringify({
        bench: NAME,
        started: started.toISOString(),
        node: process.version,
        serverRoot: SERVER_ROOT,
        options: { clients: CLIENTS, instances: INSTANCES, processes: PROCESSES, rounds: ROUNDS },
        settleMs: SETTLE_MS,
        load: { before: loadBefore, between: loadBetween, after: loadAfter },
        socketio: {
          all: pick(all),
          onA: pick(onA),
          others: pick(others),
          perInstance: each.map(pick),
          missing: real.missing,
          postMs: pick(post),
        },
        floor: { ...pick(f), missing: floor.missing, servers: INSTANCES, frameBytes },
        p99OverFloorP99: ratio,
        redisHopP50Ms: others.p50 - onA.p50,
        targetP99Ms: TARGET_P99_MS,
        met,
      }),
    );
  }
}

await runBench(NAME, HARD_LIMIT_MS, main);
