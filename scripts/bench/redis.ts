/**
 * `npm run bench:redis`: the scale-out figures (REDIS_URL, default redis://127.0.0.1:6379).
 *
 * 1. Alert latency, the approach of alert-latency.ts (its clients process, one system clock, a
 *    round = fill the minutes before checkpoint T, then time the POST of minute T−1 that completes
 *    a breaching T until each client has the `alert`), with 1,000 socket.io clients in two
 *    processes of 500, in three set-ups:
 *      - one instance, embedded store (the baseline of alert-latency);
 *      - one instance, Redis store (the Redis write on the path);
 *      - two instances on one Redis, 500 clients on each, readings posted to instance A: A's
 *        clients get the push when A's append is confirmed; B's after the notification and B's
 *        catch-up read (the Redis hop), reported separately.
 * 2. Batched ingest into Redis: 960-reading POSTs of new minutes over 4 connections, into one
 *    instance and into two (connections split), readings/s.
 *
 * Each set-up uses its own key prefix, deleted afterwards. Prints a table and a JSON line.
 */
import { availableParallelism, cpus, loadavg, totalmem } from 'node:os';
import { Redis } from 'ioredis';
import { Child } from './client-process';
import {
  type IngestReply,
  type ServerHandle,
  authenticate,
  cleanupAll,
  createLaunches,
  fmt,
  jsonClient,
  latencySummary,
  log,
  onCleanup,
  pastLaunch,
  reading,
  sleep,
  startServer,
  wallNow,
} from './lib';

const NAME = 'redis';
const REDIS_URL = process.env.REDIS_URL || 'redis://127.0.0.1:6379';
const CLIENTS = 1000;
const PROCESSES = 2;
const CHECKPOINTS = Array.from({ length: 17 }, (_, i) => 10 * (i + 1)); // 1 warm-up + 16 measured
const DURATION_MINUTES = 180;
const SETTLE_MS = 400;
const COLLECT_TIMEOUT_MS = 5000;
const TARGET_P99_MS = 60;
const TARGET_HOP_MS = 10;
const TARGET_INGEST = 50_000;

async function deletePrefix(prefix: string): Promise<void> {
  const redis = new Redis(REDIS_URL, { lazyConnect: false });
  try {
    let cursor = '0';
    do {
      const [next, keys] = await redis.scan(cursor, 'MATCH', `${prefix}*`, 'COUNT', 1000);
      cursor = next;
      if (keys.length > 0) await redis.del(...keys);
    } while (cursor !== '0');
  } finally {
    redis.disconnect();
  }
}

/** `n` servers; with `redis`, all on one Redis under a fresh prefix. */
async function servers(n: number, redis: boolean, name: string): Promise<ServerHandle[]> {
  const prefix = `warroom-bench-${process.pid}-${name}:`;
  const saved = { url: process.env.REDIS_URL, prefix: process.env.REDIS_PREFIX };
  if (redis) {
    process.env.REDIS_URL = REDIS_URL;
    process.env.REDIS_PREFIX = prefix;
    onCleanup(() => deletePrefix(prefix));
  } else delete process.env.REDIS_URL;
  try {
    const out: ServerHandle[] = [];
    for (let i = 0; i < n; i++) out.push(await startServer(`${NAME}-${name}-${i}`));
    return out;
  } finally {
    if (saved.url === undefined) delete process.env.REDIS_URL;
    else process.env.REDIS_URL = saved.url;
    if (saved.prefix === undefined) delete process.env.REDIS_PREFIX;
    else process.env.REDIS_PREFIX = saved.prefix;
  }
}

interface LatencyRun {
  /** Deltas per client process (process i connected to server i mod servers). */
  perProcess: number[][];
  postMs: number[];
  missing: number;
}

async function latencyRun(nodes: ServerHandle[]): Promise<LatencyRun> {
  const a = nodes[0]!;
  const creds = await authenticate(a.url);
  const admin = jsonClient(a.url, 2, creds.admin);
  const ingest = jsonClient(a.url, 2, creds.ingest);
  try {
    const [launchId] = await createLaunches(admin, 1, () =>
      pastLaunch({
        name: 'bench redis alert latency',
        durationMinutes: DURATION_MINUTES,
        startedMinutesAgo: DURATION_MINUTES + 20,
        checkpoints: CHECKPOINTS,
        perMinuteForecast: true,
      }),
    );
    // Every instance knows the launch before screens subscribe to it.
    for (const s of nodes)
      for (let i = 0; ; i++) {
        const res = await fetch(`${s.url}/api/launches/${launchId}`, { headers: creds.admin });
        if (res.ok) break;
        if (i > 100) throw new Error(`instance ${s.url} never loaded the launch`);
        await sleep(50);
      }
    const per = CLIENTS / PROCESSES;
    const children = Array.from({ length: PROCESSES }, (_, i) =>
      Child.fork('./alert-clients.ts', [
        'socketio',
        nodes[i % nodes.length]!.url,
        String(per),
        launchId!,
        JSON.stringify(creds.screen),
        'batch', // as the screens subscribe: one events push per commit
      ]),
    );
    const ready = await Promise.all(children.map((c) => c.next('ready', 60_000)));
    const connected = ready.reduce((s, r) => s + r.connected, 0);
    if (connected !== CLIENTS) throw new Error(`only ${connected} of ${CLIENTS} clients connected`);
    const perProcess: number[][] = children.map(() => []);
    const postMs: number[] = [];
    let missing = 0;
    let from = 0;
    for (const [round, t] of CHECKPOINTS.entries()) {
      const fill = [];
      for (let m = from; m < t - 1; m++) fill.push(reading(m, 2));
      const filled = await ingest.post<IngestReply>(
        `/api/launches/${launchId}/readings`,
        JSON.stringify(fill),
      );
      if (filled.body.accepted !== fill.length) throw new Error(`fill: ${JSON.stringify(filled.body)}`);
      await sleep(SETTLE_MS);
      const t0 = wallNow();
      const res = await ingest.post<IngestReply>(
        `/api/launches/${launchId}/readings`,
        JSON.stringify([reading(t - 1, 2)]),
      );
      const answered = wallNow() - t0;
      if (res.body.accepted !== 1) throw new Error(`completing reading: ${JSON.stringify(res.body)}`);
      const replies = await Promise.all(
        children.map((c) => {
          const p = c.next('arrivals', COLLECT_TIMEOUT_MS + 5000, (m) => m.key === t);
          c.send({ type: 'collect', key: t, timeoutMs: COLLECT_TIMEOUT_MS });
          return p;
        }),
      );
      if (round > 0) {
        replies.forEach((r, i) => perProcess[i]!.push(...r.times.map((x) => x - t0)));
        missing += replies.reduce((s, r) => s + r.missing, 0);
        postMs.push(answered);
      }
      from = t;
    }
    await Promise.all(children.map((c) => c.stop()));
    return { perProcess, postMs, missing };
  } finally {
    admin.close();
    ingest.close();
  }
}

async function ingestRun(
  nodes: ServerHandle[],
  label: string,
): Promise<{ perSecond: number; non2xx: number }> {
  const CONNECTIONS = 4;
  const LAUNCHES = 48;
  const BATCH = 960;
  const TIME_LIMIT_MS = 10_000;
  const creds = await authenticate(nodes[0]!.url);
  const admin = jsonClient(nodes[0]!.url, 8, creds.admin);
  const clients = nodes.map((s) => jsonClient(s.url, CONNECTIONS, creds.ingest));
  try {
    const ids = await createLaunches(admin, LAUNCHES, (i) =>
      pastLaunch({ name: `bench redis ingest ${i}`, durationMinutes: 1440, startedMinutesAgo: 1500 }),
    );
    await sleep(500); // the other instances load the launches
    const bodies: string[] = [];
    for (let from = -1440; from < 1440; from += BATCH) {
      const batch = [];
      for (let m = from; m < Math.min(from + BATCH, 1440); m++) batch.push(reading(m));
      bodies.push(JSON.stringify(batch));
    }
    let accepted = 0;
    let non2xx = 0;
    let next = 0;
    const t0 = wallNow();
    const deadline = t0 + TIME_LIMIT_MS;
    await Promise.all(
      Array.from({ length: CONNECTIONS }, async (_, c) => {
        // Connections spread over the instances; each launch fed by one connection.
        const client = clients[c % clients.length]!;
        while (next < ids.length && wallNow() < deadline) {
          const id = ids[next++]!;
          for (const body of bodies) {
            const res = await client.post<IngestReply>(`/api/launches/${id}/readings`, body);
            if (res.status !== 200) non2xx++;
            else accepted += res.body.accepted;
          }
        }
      }),
    );
    const seconds = (wallNow() - t0) / 1000;
    log(NAME, `${label}: ${accepted} readings in ${fmt(seconds, 2)} s, ${non2xx} non-2xx`);
    return { perSecond: accepted / seconds, non2xx };
  } finally {
    admin.close();
    for (const c of clients) c.close();
  }
}

async function main(): Promise<void> {
  const rows: { label: string; value: number; unit: string; target?: string }[] = [];
  const summary = (label: string, deltas: number[], target = false) => {
    const s = latencySummary(deltas);
    rows.push({ label: `${label} p50`, value: s.p50, unit: 'ms' });
    rows.push({
      label: `${label} p99`,
      value: s.p99,
      unit: 'ms',
      ...(target ? { target: `≤ ${TARGET_P99_MS}` } : {}),
    });
    rows.push({ label: `${label} max`, value: s.max, unit: 'ms' });
    return s;
  };

  log(NAME, 'alert latency: one instance, embedded store');
  let nodes = await servers(1, false, 'file');
  const file = await latencyRun(nodes);
  await Promise.all(nodes.map((n) => n.stop()));
  const sFile = summary('alert push, 1 instance, file store,', file.perProcess.flat());

  log(NAME, 'alert latency: one instance, Redis store');
  nodes = await servers(1, true, 'single');
  const single = await latencyRun(nodes);
  await Promise.all(nodes.map((n) => n.stop()));
  const sSingle = summary('alert push, 1 instance, Redis store,', single.perProcess.flat());

  log(NAME, 'alert latency: two instances on Redis, 500 clients each, readings to A');
  nodes = await servers(2, true, 'pair');
  const pair = await latencyRun(nodes);
  await Promise.all(nodes.map((n) => n.stop()));
  const sPair = summary('alert push, 2 instances, all 1,000 clients,', pair.perProcess.flat(), true);
  const sA = summary('  clients on A (committed there),', pair.perProcess[0]!);
  const sB = summary('  clients on B (via notification + catch-up),', pair.perProcess[1]!);
  rows.push({
    label: 'Redis hop: B p50 − A p50',
    value: sB.p50 - sA.p50,
    unit: 'ms',
    target: `≤ ${TARGET_HOP_MS}`,
  });
  rows.push({
    label: 'cluster p99 − single-instance (file) p99',
    value: sPair.p99 - sFile.p99,
    unit: 'ms',
    target: `≤ ${TARGET_HOP_MS}`,
  });
  const post = latencySummary([...single.postMs]);
  rows.push({ label: 'completing POST answered (Redis), p50', value: post.p50, unit: 'ms' });
  const missing = file.missing + single.missing + pair.missing;

  log(NAME, 'batched ingest into Redis: one instance');
  nodes = await servers(1, true, 'ingest1');
  const ing1 = await ingestRun(nodes, 'one instance');
  await Promise.all(nodes.map((n) => n.stop()));
  rows.push({
    label: 'batched ingest, 1 instance on Redis',
    value: ing1.perSecond,
    unit: 'readings/s',
    target: `≥ ${TARGET_INGEST}`,
  });
  log(NAME, 'batched ingest into Redis: two instances');
  nodes = await servers(2, true, 'ingest2');
  const ing2 = await ingestRun(nodes, 'two instances');
  await Promise.all(nodes.map((n) => n.stop()));
  rows.push({
    label: 'batched ingest, 2 instances on Redis (connections split)',
    value: ing2.perSecond,
    unit: 'readings/s',
    target: `≥ ${TARGET_INGEST}`,
  });

  const cpu = cpus()[0]?.model ?? 'unknown CPU';
  console.log(
    `\nmachine: ${availableParallelism()} × ${cpu}, ${fmt(totalmem() / 2 ** 30, 1)} GiB, load ${loadavg()
      .map((l) => fmt(l, 2))
      .join(' ')}; Redis ${REDIS_URL}; node ${process.version}`,
  );
  console.log(
    `${missing} alert arrivals missing in all runs (should be 0); p50 ${fmt(sSingle.p50, 2)} ms single Redis`,
  );
  for (const r of rows)
    console.log(
      `${r.label.padEnd(62)} ${fmt(r.value, r.unit === 'ms' ? 2 : 0).padStart(10)} ${r.unit}${r.target ? `  (target ${r.target})` : ''}`,
    );
  console.log(JSON.stringify({ bench: NAME, missing, rows }));
}

const hard = setTimeout(() => {
  console.error('bench:redis took too long; tearing down');
  void cleanupAll().then(() => process.exit(1));
}, 10 * 60_000);
hard.unref();
main()
  .then(() => cleanupAll())
  .catch(async (e: unknown) => {
    console.error(e);
    await cleanupAll();
    process.exitCode = 1;
  });
