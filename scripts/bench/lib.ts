/**
 * Shared pieces of the benchmarks: the real server as a child process on 127.0.0.1 with a temp
 * DATA_DIR, a keep-alive JSON client, launch and reading builders, percentiles, one clock that is
 * comparable across processes on this machine, and cleanup that runs even when a bench fails.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { Agent, request } from 'node:http';
import { createServer } from 'node:net';
import { loadavg, tmpdir } from 'node:os';
import { createInterface } from 'node:readline';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Redis } from 'ioredis';
import { SERVER_ARGS, SERVER_TS_ARGS } from '../server-args.mjs';

export const ROOT = fileURLToPath(new URL('../..', import.meta.url));
export const HOST = '127.0.0.1';
export const MINUTE_MS = 60_000;
/** The bench server's admin password (only ever on 127.0.0.1, in a temp DATA_DIR). */
export const ADMIN_PASSWORD = 'bench-admin-password';

/** One figure of a benchmark, with its target when it has one. */
export interface Figure {
  label: string;
  value: number;
  unit: string;
  /** `min`: the value should be at least `target`; `max`: at most. */
  target?: { kind: 'min' | 'max'; value: number };
  note?: string;
  /** Decimals printed (default: 2 for ms, else 0). */
  digits?: number;
}

export interface BenchResult {
  name: string;
  figures: Figure[];
  notes: string[];
}

/**
 * Milliseconds since the epoch with sub-millisecond resolution. `performance.timeOrigin` is taken
 * from the same system clock in every process, so values from two processes on one machine can be
 * subtracted (the alert-latency bench measures how far apart they are and reports it).
 */
export function wallNow(): number {
  return performance.timeOrigin + performance.now();
}

export const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

// ---------------------------------------------------------------------------------------------
// Cleanup: everything a bench starts is registered here and torn down even on failure or Ctrl-C.

type Cleanup = () => Promise<void> | void;
const cleanups: Cleanup[] = [];

export function onCleanup(fn: Cleanup): void {
  cleanups.push(fn);
}

let cleaning: Promise<void> | undefined;

/**
 * Runs the cleanups, last registered first. A call while they run (Ctrl-C during a failing bench's
 * own cleanup) waits for the same run, so neither caller exits while the other is mid-way.
 */
export function cleanupAll(): Promise<void> {
  cleaning ??= (async () => {
    while (cleanups.length > 0) {
      const fn = cleanups.pop()!;
      try {
        await fn();
      } catch (e) {
        console.error('cleanup failed:', (e as Error).message);
      }
    }
  })().finally(() => {
    cleaning = undefined;
  });
  return cleaning;
}

export async function tempDir(prefix: string): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), prefix));
  onCleanup(() => rm(dir, { recursive: true, force: true }));
  return dir;
}

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once('error', reject);
    srv.listen(0, HOST, () => {
      const addr = srv.address();
      const port = typeof addr === 'object' && addr ? addr.port : 0;
      srv.close(() => resolve(port));
    });
  });
}

/** Stops a child: SIGTERM, then SIGKILL if it has not exited within `graceMs`. */
export async function stopChild(child: ChildProcess, graceMs = 5000): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((r) => child.once('exit', () => r()));
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
  await exited;
  clearTimeout(timer);
}

/**
 * Runs a bench's `main` as a script: Ctrl-C (SIGINT) and SIGTERM tear everything down and exit 130,
 * a run still going after `hardLimitMs` is torn down and exits 1, a failure is printed and sets
 * the exit code, and the cleanups run in every case.
 */
export async function runBench(name: string, hardLimitMs: number, main: () => Promise<void>): Promise<void> {
  const hardStop = setTimeout(() => {
    console.error(`${name} still running ${fmt(hardLimitMs / 60_000, 1)} min after it started; stopping`);
    void cleanupAll().then(() => process.exit(1));
  }, hardLimitMs);
  hardStop.unref();
  const stop = () => void cleanupAll().then(() => process.exit(130));
  process.once('SIGINT', stop).once('SIGTERM', stop);
  try {
    await main();
  } catch (e) {
    console.error(`${name} failed: ${(e as Error).stack ?? String(e)}`);
    process.exitCode = 1;
  } finally {
    await cleanupAll();
    clearTimeout(hardStop);
    process.off('SIGINT', stop).off('SIGTERM', stop);
  }
}

// ---------------------------------------------------------------------------------------------
// The real server.

export interface ServerHandle {
  url: string;
  port: number;
  dataDir: string;
  child: ChildProcess;
  stop: () => Promise<void>;
}

/** The environment a benchmarked server runs with: quiet logs, the bench admin, no client. */
export function serverEnv(port: number, dataDir: string): NodeJS.ProcessEnv {
  return {
    ...process.env,
    PORT: String(port),
    HOST,
    DATA_DIR: dataDir,
    LOG_LEVEL: 'error',
    WARROOM_ADMIN_PASSWORD: ADMIN_PASSWORD,
    CLIENT_DIST: join(dataDir, 'no-client'),
  };
}

/**
 * `node --import tsx server/src/main.ts` (or the compiled server) on 127.0.0.1 with a fresh temp DATA_DIR (on disk, so
 * every reading POST waits for fdatasync) and quiet logs. Extra node flags (e.g. `--cpu-prof`)
 * come from `BENCH_SERVER_NODE_FLAGS`; `env` is added to the server's environment (e.g. REDIS_URL).
 */
/**
 * The node arguments of a benchmarked server: extra flags from `BENCH_SERVER_NODE_FLAGS` (e.g.
 * `--cpu-prof`), then the compiled server with `BENCH_SERVER_COMPILED=1` (`npm run build:server`
 * first, as `npm start` runs it) or else the TypeScript source through tsx.
 */
export function serverNodeArgs(): string[] {
  const extra = (process.env.BENCH_SERVER_NODE_FLAGS ?? '').split(' ').filter(Boolean);
  return [...extra, ...(process.env.BENCH_SERVER_COMPILED === '1' ? SERVER_ARGS : SERVER_TS_ARGS)];
}

/** Where the server runs from: `BENCH_SERVER_ROOT` runs another checkout's server with the same bench. */
export const serverRoot = (): string => process.env.BENCH_SERVER_ROOT ?? ROOT;

export async function startServer(name: string, env: NodeJS.ProcessEnv = {}): Promise<ServerHandle> {
  const dataDir = await tempDir(`warroom-bench-${name}-`);
  const port = await freePort();
  const child = spawn(process.execPath, serverNodeArgs(), {
    cwd: serverRoot(),
    env: { ...serverEnv(port, dataDir), ...env },
    stdio: ['ignore', 'inherit', 'inherit'],
  });
  const stop = () => stopChild(child);
  onCleanup(stop);
  const url = `http://${HOST}:${port}`;
  await waitUntilHealthy(url, child, 'the server');
  return { url, port, dataDir, child, stop };
}

/** Polls `url`/healthz until it answers 200; fails if `child` exits first or 30 s pass. */
export async function waitUntilHealthy(url: string, child: ChildProcess, what: string): Promise<void> {
  const deadline = Date.now() + 30_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`${what} exited with code ${child.exitCode}`);
    try {
      const res = await fetch(`${url}/healthz`);
      if (res.ok) return;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) throw new Error(`${what} did not become ready within 30 s`);
    await sleep(100);
  }
}

/** Deletes every key under `prefix` (SCAN + UNLINK), so a bench leaves the shared Redis as it found it. */
export async function deleteRedisPrefix(redisUrl: string, prefix: string): Promise<number> {
  const redis = new Redis(redisUrl, { lazyConnect: false, maxRetriesPerRequest: 2 });
  let deleted = 0;
  try {
    for await (const keys of redis.scanStream({ match: `${prefix}*`, count: 1000 }) as AsyncIterable<
      string[]
    >)
      if (keys.length > 0) deleted += await redis.unlink(...keys);
  } finally {
    redis.disconnect();
  }
  return deleted;
}

/**
 * `count` server processes (startServer) on one Redis under a fresh key prefix of their own,
 * started one after the other; the prefix's keys are deleted at cleanup, after the servers stop.
 */
export async function startServersOnRedis(
  count: number,
  name: string,
  redisUrl: string,
): Promise<{ servers: ServerHandle[]; prefix: string }> {
  const prefix = `warroom-bench-${process.pid}-${name}:`;
  onCleanup(async () => {
    await deleteRedisPrefix(redisUrl, prefix);
  });
  const servers: ServerHandle[] = [];
  for (let i = 0; i < count; i++)
    servers.push(await startServer(`${name}-${i}`, { REDIS_URL: redisUrl, REDIS_PREFIX: prefix }));
  return { servers, prefix };
}

/** Waits until every one of `urls` serves the launch (instances on one Redis load it from the log). */
export async function waitForLaunch(
  urls: readonly string[],
  launchId: string,
  headers: Record<string, string>,
): Promise<void> {
  for (const url of urls)
    for (let i = 0; ; i++) {
      const res = await fetch(`${url}/api/launches/${launchId}`, { headers });
      if (res.ok) break;
      if (i > 100) throw new Error(`instance ${url} never loaded launch ${launchId}`);
      await sleep(50);
    }
}

/** One WARROOM_DIAGNOSTICS line of the server (server/src/main.ts): memory and event-loop delay. */
export interface Diagnostics {
  t: number;
  heapUsed: number;
  heapTotal: number;
  rss: number;
  external: number;
  lagP50: number;
  lagP99: number;
  lagMax: number;
  lagCount: number;
  lagResolutionMs: number;
  lagPercentiles: [number, number][];
}

/**
 * The server (from source) with WARROOM_DIAGNOSTICS=1: its diagnostic lines, one every `everyMs`,
 * are collected into `samples`, other output passed on. `raiseOpenFiles`: the server's soft limit
 * of open files is raised to the hard one first (a server holding many connections).
 */
export async function startDiagnosedServer(
  name: string,
  samples: Diagnostics[],
  opts: { everyMs?: number; raiseOpenFiles?: boolean } = {},
): Promise<{ url: string; child: ChildProcess }> {
  const dataDir = await tempDir(`warroom-bench-${name}-`);
  const port = await freePort();
  const node = [process.execPath, ...serverNodeArgs()];
  const [cmd, ...args] = opts.raiseOpenFiles
    ? ['/bin/sh', '-c', 'ulimit -Sn "$(ulimit -Hn)" && exec "$0" "$@"', ...node]
    : node;
  const child = spawn(cmd!, args, {
    cwd: serverRoot(),
    env: {
      ...serverEnv(port, dataDir),
      WARROOM_DIAGNOSTICS: '1',
      WARROOM_DIAGNOSTICS_MS: String(opts.everyMs ?? 1000),
    },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  onCleanup(() => stopChild(child));
  createInterface({ input: child.stdout! }).on('line', (line) => {
    if (line.startsWith('WARROOM_DIAGNOSTICS ')) samples.push(JSON.parse(line.slice(20)) as Diagnostics);
    else console.log(line);
  });
  const url = `http://${HOST}:${port}`;
  await waitUntilHealthy(url, child, 'the server');
  return { url, child };
}

/** The p-th percentile of the merged per-interval distributions (each weighted by its sample count). */
export function mergedPercentile(samples: readonly Diagnostics[], p: number): number {
  const points: { ms: number; weight: number }[] = [];
  for (const s of samples) {
    // (percentile, value) points of an HDR histogram: the share of samples up to each value.
    let prev = 0;
    for (const [pct, ms] of s.lagPercentiles) {
      const share = (pct - prev) / 100;
      if (share > 0) points.push({ ms: Math.max(0, ms - s.lagResolutionMs), weight: share * s.lagCount });
      prev = pct;
    }
  }
  points.sort((a, b) => a.ms - b.ms);
  const total = points.reduce((sum, x) => sum + x.weight, 0);
  let seen = 0;
  for (const x of points) {
    seen += x.weight;
    if (seen >= (p / 100) * total) return x.ms;
  }
  return points.at(-1)?.ms ?? NaN;
}

// ---------------------------------------------------------------------------------------------
// A small keep-alive JSON client (node:http: cheaper per request than fetch, so the load generator
// leaves more of the two cores to the server).

export interface JsonClient {
  post<T>(path: string, body: string): Promise<{ status: number; body: T }>;
  get<T>(path: string): Promise<{ status: number; body: T }>;
  close(): void;
}

export function jsonClient(
  baseUrl: string,
  maxSockets = 16,
  extraHeaders: Record<string, string> = {},
): JsonClient {
  const agent = new Agent({ keepAlive: true, maxSockets });
  const { hostname, port } = new URL(baseUrl);
  function send<T>(method: string, path: string, body?: string): Promise<{ status: number; body: T }> {
    return new Promise((resolve, reject) => {
      const headers: Record<string, string | number> = { ...extraHeaders };
      if (body !== undefined) {
        headers['content-type'] = 'application/json';
        headers['content-length'] = Buffer.byteLength(body);
      }
      const req = request({ host: hostname, port, method, path, agent, headers }, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => {
          const text = Buffer.concat(chunks).toString('utf8');
          try {
            resolve({ status: res.statusCode ?? 0, body: JSON.parse(text) as T });
          } catch {
            reject(new Error(`${method} ${path}: ${res.statusCode} ${text.slice(0, 200)}`));
          }
        });
        res.on('error', reject);
      });
      req.on('error', reject);
      req.end(body);
    });
  }
  return {
    post: (path, body) => send('POST', path, body),
    get: (path) => send('GET', path),
    close: () => agent.destroy(),
  };
}

export interface Credentials {
  /** For admin calls (creating launches): the admin's session cookie, when the server has accounts. */
  admin: Record<string, string>;
  /** For reading POSTs: an ingest bearer token, when the server has accounts. */
  ingest: Record<string, string>;
  /** For Socket.IO handshakes (`auth`): a screen token, when the server has accounts. */
  screen: Record<string, string>;
}

/**
 * Logs in as admin (the server was started with WARROOM_ADMIN_PASSWORD) and makes an ingest and a
 * screen token, the way a real data pusher and kiosk screen would. A server without accounts yet
 * (no /api/session) needs none of it.
 */
export async function authenticate(baseUrl: string): Promise<Credentials> {
  const login = await fetch(`${baseUrl}/api/session`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ username: 'admin', password: ADMIN_PASSWORD }),
  });
  if (login.status === 404) return { admin: {}, ingest: {}, screen: {} };
  if (!login.ok) throw new Error(`logging in as admin: ${login.status} ${await login.text()}`);
  const cookie = login.headers
    .getSetCookie()
    .map((c) => c.split(';')[0])
    .join('; ');
  const admin = { cookie };
  const token = async (scope: 'ingest' | 'screen') => {
    const res = await fetch(`${baseUrl}/api/tokens`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...admin },
      body: JSON.stringify({ name: `bench ${scope}`, scope }),
    });
    if (!res.ok) throw new Error(`making a ${scope} token: ${res.status} ${await res.text()}`);
    return ((await res.json()) as { token: string }).token;
  };
  return {
    admin,
    ingest: { authorization: `Bearer ${await token('ingest')}` },
    screen: { token: await token('screen') },
  };
}

export interface IngestReply {
  accepted: number;
  duplicates: number;
  rejected: { index: number; message: string }[];
}

// ---------------------------------------------------------------------------------------------
// Launches and readings.

/** The plan for every minute of a bench launch. */
export const PLAN = { uv: 100, units: 10, gmv: 1000 } as const;

/**
 * A launch that started `startedMinutesAgo` minutes ago, so none of its minutes is in the future
 * and its checkpoints, overdue at creation, wait for data instead of raising data-gap alerts.
 */
export function pastLaunch(opts: {
  name: string;
  durationMinutes: number;
  startedMinutesAgo: number;
  checkpoints?: number[];
  perMinuteForecast?: boolean;
}): string {
  return JSON.stringify({
    name: opts.name,
    startAt: new Date(Date.now() - opts.startedMinutesAgo * MINUTE_MS).toISOString(),
    durationMinutes: opts.durationMinutes,
    ...(opts.checkpoints ? { checkpoints: opts.checkpoints } : {}),
    forecast: opts.perMinuteForecast
      ? Array.from({ length: opts.durationMinutes }, (_, minute) => ({ minute, ...PLAN }))
      : {
          template: {
            uv: PLAN.uv * opts.durationMinutes,
            units: PLAN.units * opts.durationMinutes,
            gmv: PLAN.gmv * opts.durationMinutes,
          },
        },
  });
}

export async function createLaunches(
  client: JsonClient,
  count: number,
  input: (i: number) => string,
  concurrency = 8,
): Promise<string[]> {
  const ids: string[] = new Array<string>(count);
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(concurrency, count) }, async () => {
      while (next < count) {
        const i = next++;
        const res = await client.post<{ id: string }>('/api/launches', input(i));
        if (res.status !== 201)
          throw new Error(`creating a launch: ${res.status} ${JSON.stringify(res.body)}`);
        ids[i] = res.body.id;
      }
    }),
  );
  return ids;
}

/** A reading for `minute` at `factor` × PLAN for uv and PLAN for the rest. */
export function reading(
  minute: number,
  uvFactor = 1,
): { minute: number; uv: number; units: number; gmv: number } {
  return { minute, uv: Math.round(PLAN.uv * uvFactor), units: PLAN.units, gmv: PLAN.gmv };
}

/**
 * One alert round on a launch with a per-minute forecast: posts minutes `from`…`t − 2` (uv at
 * `uvFactor` × the plan; not timed), waits `settleMs` for their pushes to go out, then posts minute
 * `t − 1`, which completes checkpoint `t` (breaching when `uvFactor` is far enough from 1). Returns
 * `t0` (`wallNow()` just before that POST) and how long its answer took.
 */
export async function completeCheckpoint(
  ingest: JsonClient,
  launchId: string,
  from: number,
  t: number,
  opts: { settleMs: number; uvFactor?: number },
): Promise<{ t0: number; answeredMs: number }> {
  const factor = opts.uvFactor ?? 2;
  const path = `/api/launches/${launchId}/readings`;
  const fill = [];
  for (let m = from; m < t - 1; m++) fill.push(reading(m, factor));
  if (fill.length > 0) {
    const filled = await ingest.post<IngestReply>(path, JSON.stringify(fill));
    if (filled.body.accepted !== fill.length) throw new Error(`fill: ${JSON.stringify(filled.body)}`);
  }
  await sleep(opts.settleMs);
  const t0 = wallNow();
  const res = await ingest.post<IngestReply>(path, JSON.stringify([reading(t - 1, factor)]));
  const answeredMs = wallNow() - t0;
  if (res.body.accepted !== 1) throw new Error(`completing reading: ${JSON.stringify(res.body)}`);
  return { t0, answeredMs };
}

/**
 * The alert benches' set-up on the server at `baseUrl`: logged in, keep-alive clients for admin
 * calls and for readings, and one launch that started long enough ago for all its minutes to be
 * past, with `checkpoints` and a per-minute forecast (so each round's checkpoint breaches alone).
 */
export async function alertLaunch(
  baseUrl: string,
  opts: { name: string; checkpoints: number[]; durationMinutes: number },
): Promise<{ creds: Credentials; admin: JsonClient; ingest: JsonClient; launchId: string; close(): void }> {
  const creds = await authenticate(baseUrl);
  const admin = jsonClient(baseUrl, 2, creds.admin);
  const ingest = jsonClient(baseUrl, 2, creds.ingest);
  const close = () => {
    admin.close();
    ingest.close();
  };
  try {
    const [launchId] = await createLaunches(admin, 1, () =>
      pastLaunch({ ...opts, startedMinutesAgo: opts.durationMinutes + 20, perMinuteForecast: true }),
    );
    return { creds, admin, ingest, launchId: launchId!, close };
  } catch (e) {
    close();
    throw e;
  }
}

/**
 * `count` screen tokens, the first the one `authenticate` made: one per client process, so that
 * each has its own allowance of snapshots (socket-limits.ts) as separate fleets would.
 */
export async function screenTokens(
  admin: JsonClient,
  creds: Credentials,
  count: number,
): Promise<Record<string, string>[]> {
  const tokens = [creds.screen];
  // A server without accounts takes no token: every process uses the same empty `auth`.
  while (tokens.length < count && creds.screen.token !== undefined) {
    const res = await admin.post<{ token: string }>(
      '/api/tokens',
      JSON.stringify({ name: `bench screen ${tokens.length}`, scope: 'screen' }),
    );
    if (res.status !== 201)
      throw new Error(`making a screen token: ${res.status} ${JSON.stringify(res.body)}`);
    tokens.push({ token: res.body.token });
  }
  while (tokens.length < count) tokens.push(creds.screen);
  return tokens;
}

// ---------------------------------------------------------------------------------------------
// Statistics and printing.

/** Nearest-rank percentile of an ascending array. */
export function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return NaN;
  const rank = Math.ceil((p / 100) * sorted.length);
  return sorted[Math.min(sorted.length - 1, Math.max(0, rank - 1))]!;
}

export function latencySummary(samples: readonly number[]) {
  const sorted = [...samples].sort((a, b) => a - b);
  const mean = sorted.reduce((s, v) => s + v, 0) / (sorted.length || 1);
  return {
    n: sorted.length,
    min: sorted[0] ?? NaN,
    p50: percentile(sorted, 50),
    p90: percentile(sorted, 90),
    p99: percentile(sorted, 99),
    max: sorted[sorted.length - 1] ?? NaN,
    mean,
  };
}

export function fmt(n: number, digits = 1): string {
  if (!Number.isFinite(n)) return String(n);
  return n.toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: 0 });
}

/** The 1, 5 and 15-minute load averages: other work on the machine skews every figure. */
export function loadText(): string {
  return loadavg()
    .map((l) => l.toFixed(2))
    .join(' ');
}

export function log(bench: string, message: string): void {
  console.log(`  [${bench}] ${message}`);
}
