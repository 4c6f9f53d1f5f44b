/**
 * Shared helpers for the server and process tests: temporary data directories, an app built on one,
 * a launch that already started (so its early minutes are not "in the future"), polling, a free
 * port, and the real server as a child process.
 */
import { type Socket, io } from 'socket.io-client';
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { FastifyInstance } from 'fastify';
import { type AppOptions, buildApp } from '../../server/src/app';
import type { EventStore } from '../../server/src/store/event-store';
import { FileEventStore } from '../../server/src/store/file-store';
import { Cluster } from 'ioredis';
import {
  type RedisTarget,
  RedisEventStore,
  connectRedis,
  waitReady,
} from '../../server/src/store/redis-store';

export const ROOT = fileURLToPath(new URL('../..', import.meta.url));
export const MINUTE_MS = 60_000;

const tempDirs: string[] = [];

/** A fresh directory under the OS temp dir; removed by `removeTempDirs`. */
export async function tempDir(prefix = 'warroom-test-'): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), prefix));
  tempDirs.push(dir);
  return dir;
}

/**
 * Which store the server tests run against: `file` (the embedded default) or `redis`
 * (WARROOM_TEST_STORE=redis, the `redis` vitest project; REDIS_URL or redis://127.0.0.1:6379).
 */
export const TEST_STORE: 'file' | 'redis' = process.env.WARROOM_TEST_STORE === 'redis' ? 'redis' : 'file';
export const TEST_REDIS_URL = process.env.REDIS_URL || 'redis://127.0.0.1:6379';
/**
 * The `redis-cluster` project runs the same tests against a local three-master Redis Cluster
 * (tests/redis-cluster-setup.ts): REDIS_CLUSTER_NODES names its seed nodes.
 */
export const TEST_REDIS_CLUSTER: string[] = (process.env.REDIS_CLUSTER_NODES ?? '')
  .split(',')
  .filter(Boolean);
/** Replicas a log append waits for (the cluster project: 1, as its README advice says). */
export const TEST_REDIS_WAIT_REPLICAS = Number(process.env.REDIS_WAIT_REPLICAS || 0);
/** Where the Redis under test is: the cluster's seed nodes, or REDIS_URL. */
export const TEST_REDIS_TARGET: RedisTarget =
  TEST_REDIS_CLUSTER.length > 0 ? TEST_REDIS_CLUSTER : TEST_REDIS_URL;

/** Each data dir has its own key prefix, so tests never see each other's keys (and a restart on the same dir finds its data). */
export function redisPrefixFor(dataDir: string): string {
  return `wrtest:${basename(dataDir)}:`;
}

/**
 * Deletes every key of `prefix` (the test's own keys: `<prefix>…`, and the hash-tagged
 * `{<prefix>…}…`), on every master of a cluster.
 */
export async function deleteRedisKeys(
  prefix: string,
  target: RedisTarget = TEST_REDIS_TARGET,
): Promise<void> {
  const redis = connectRedis(target, { commandTimeout: 5_000, enableOfflineQueue: true });
  try {
    await waitReady(redis, 10_000);
    const nodes = redis instanceof Cluster ? redis.nodes('master') : [redis];
    for (const node of nodes)
      for (const pattern of [`${prefix}*`, `{${prefix}*`]) {
        let cursor = '0';
        do {
          const [next, keys] = await node.scan(cursor, 'MATCH', pattern, 'COUNT', 1000);
          cursor = next;
          // One key at a time: on a cluster node the keys of one scan lie in many slots.
          if (keys.length > 0) await Promise.all(keys.map((k) => node.del(k)));
        } while (cursor !== '0');
      }
  } finally {
    redis.disconnect();
  }
}

/** The store under test on `dataDir` (a Redis store uses the dir's key prefix). */
export async function makeStore(dataDir: string): Promise<EventStore> {
  if (TEST_STORE === 'file') {
    const store = new FileEventStore(dataDir);
    await store.init();
    return store;
  }
  const redis = connectRedis(TEST_REDIS_TARGET);
  const store = new RedisEventStore(redis, redisPrefixFor(dataDir));
  await store.init();
  const close = store.close.bind(store);
  store.close = async () => {
    await close();
    redis.disconnect();
  };
  return store;
}

/** A launch's stored log as it is kept: the JSONL file's bytes, or the Redis stream's events. */
export async function storedLog(dataDir: string, launchId: string): Promise<string> {
  if (TEST_STORE === 'file') return readFile(join(dataDir, 'launches', `${launchId}.jsonl`), 'utf8');
  const store = await makeStore(dataDir);
  try {
    return JSON.stringify((await store.read(launchId)).events);
  } finally {
    await store.close();
  }
}

export async function removeTempDirs(): Promise<void> {
  const dirs = tempDirs.splice(0);
  await Promise.all(dirs.map((d) => rm(d, { recursive: true, force: true })));
  if (TEST_STORE === 'redis') await Promise.all(dirs.map((d) => deleteRedisKeys(redisPrefixFor(d))));
}

/** The environment of a server process on the Redis under test with key prefix `prefix`. */
export function redisEnv(prefix: string): Record<string, string> {
  return {
    REDIS_URL: TEST_REDIS_URL,
    REDIS_CLUSTER_NODES: TEST_REDIS_CLUSTER.join(','),
    REDIS_PREFIX: prefix,
    REDIS_WAIT_REPLICAS: String(TEST_REDIS_WAIT_REPLICAS),
  };
}

/** buildApp options for the Redis under test with key prefix `prefix`. */
export function redisOptions(prefix: string): Partial<AppOptions> {
  return {
    redisUrl: TEST_REDIS_URL,
    ...(TEST_REDIS_CLUSTER.length > 0 ? { redisClusterNodes: TEST_REDIS_CLUSTER } : {}),
    redisPrefix: prefix,
    redisDurability: { waitReplicas: TEST_REDIS_WAIT_REPLICAS },
  };
}

/** buildApp options for the store under test on `dataDir` (none for the file store). */
export function storeOptions(dataDir: string): Partial<AppOptions> {
  return TEST_STORE === 'redis' ? redisOptions(redisPrefixFor(dataDir)) : {};
}

/** What a server of the store under test needs in its environment (REDIS_URL unset for the file store). */
export function storeEnv(dataDir: string): Record<string, string> {
  return TEST_STORE === 'redis' ? redisEnv(redisPrefixFor(dataDir)) : { REDIS_URL: '' };
}

/** The password the test apps and server processes give user `admin`. */
export const ADMIN_PASSWORD = 'test-admin-password';

/** The app on a fresh temp data dir (no built client needed), not listening, logged in as admin. */
export async function makeApp(opts: Partial<AppOptions> = {}): Promise<FastifyInstance> {
  const dataDir = opts.dataDir ?? (await tempDir());
  const app = await buildApp({
    clientDist: join(dataDir, 'no-client'),
    adminPassword: ADMIN_PASSWORD,
    ...storeOptions(dataDir),
    ...opts,
    dataDir,
  });
  return actAsAdmin(app);
}

/** A session cookie for `username` (the `cookie` header value). */
export async function login(
  app: FastifyInstance,
  username = 'admin',
  password = ADMIN_PASSWORD,
): Promise<string> {
  const res = await app.inject({ method: 'POST', url: '/api/session', payload: { username, password } });
  if (res.statusCode !== 200) throw new Error(`login as ${username} failed: ${res.statusCode} ${res.body}`);
  const c = res.cookies.find((x) => x.name === 'wr_session');
  if (!c) throw new Error('login set no session cookie');
  return `wr_session=${c.value}`;
}

/** Creates a person (as the admin) and returns their session cookie. */
export async function userCookie(
  app: FastifyInstance & { adminCookie: string },
  user: {
    username: string;
    displayName?: string;
    role: 'admin' | 'supervisor' | 'viewer';
    password?: string;
  },
): Promise<string> {
  const password = user.password ?? 'a-long-password';
  const res = await app.inject({
    method: 'POST',
    url: '/api/users',
    headers: { cookie: app.adminCookie },
    payload: { username: user.username, displayName: user.displayName, role: user.role, password },
  });
  if (res.statusCode !== 201)
    throw new Error(`could not create ${user.username}: ${res.statusCode} ${res.body}`);
  return login(app, user.username, password);
}

/**
 * Makes `app.inject` send the admin's session cookie unless the request sets its own `cookie` or
 * `authorization` header, so tests of behaviour need not repeat the login. Tests of authorization
 * pass their own headers (`cookie: ''` for no credentials).
 */
export async function actAsAdmin(app: FastifyInstance): Promise<FastifyInstance & { adminCookie: string }> {
  const adminCookie = await login(app);
  const inject = app.inject.bind(app) as (opts: unknown) => Promise<unknown>;
  const patched = app as FastifyInstance & { adminCookie: string };
  patched.adminCookie = adminCookie;
  (patched as unknown as { inject: (opts: unknown) => Promise<unknown> }).inject = (opts: unknown) => {
    if (typeof opts !== 'object' || opts === null) return inject(opts);
    const o = opts as { headers?: Record<string, string> };
    const headers = { ...(o.headers ?? {}) };
    if (!('cookie' in headers) && !('authorization' in headers)) headers.cookie = adminCookie;
    return inject({ ...o, headers });
  };
  return patched;
}

/** The plan for every minute of a test launch: 100 visitors, 10 units, ¥1000. */
export const PLAN = { uv: 100, units: 10, gmv: 1000 } as const;

/**
 * A 60-minute launch (checkpoints 15, 25, 45, 60) that started `startedMinutesAgo` minutes ago,
 * with the steady PLAN forecast. Checkpoints already past their grace when it is created wait for
 * data and never raise data-gap alerts, so tests decide what completes them.
 */
export function pastLaunchInput(
  overrides: Record<string, unknown> = {},
  startedMinutesAgo = 20,
): Record<string, unknown> {
  return {
    name: '双11 开团 · 保温杯',
    startAt: new Date(Date.now() - startedMinutesAgo * MINUTE_MS).toISOString(),
    durationMinutes: 60,
    // The checkpoints that compare the launch's metrics (not the team's T+5 look at favourites).
    checkpoints: [15, 25, 45, 60],
    forecast: Array.from({ length: 60 }, (_, minute) => ({ minute, ...PLAN })),
    ...overrides,
  };
}

/** Readings for minutes [from, to) at `factor` × PLAN (uv, units, gmv). */
export function readings(
  from: number,
  to: number,
  factor = 1,
): { minute: number; uv: number; units: number; gmv: number }[] {
  const out = [];
  for (let minute = from; minute < to; minute++)
    out.push({
      minute,
      uv: Math.round(PLAN.uv * factor),
      units: Math.round(PLAN.units * factor),
      gmv: PLAN.gmv * factor,
    });
  return out;
}

/** Polls `fn` until it returns something truthy (and returns it), or fails after `timeoutMs`. */
export async function waitFor<T>(
  fn: () => T | Promise<T>,
  { timeoutMs = 15_000, intervalMs = 25, what = 'condition' } = {},
): Promise<NonNullable<T>> {
  const deadline = Date.now() + timeoutMs;
  let lastError: unknown;
  for (;;) {
    try {
      const v = await fn();
      if (v) return v as NonNullable<T>;
    } catch (e) {
      lastError = e;
    }
    if (Date.now() > deadline)
      throw new Error(
        `timed out after ${timeoutMs} ms waiting for ${what}${lastError ? `: ${String(lastError)}` : ''}`,
      );
    await new Promise((r) => setTimeout(r, intervalMs));
  }
}

/**
 * A Socket.IO client on the WebSocket transport that does not reconnect by itself, resolved once
 * connected (rejected when the handshake is refused). `track` keeps it for the test's cleanup.
 */
export function connectedSocket(
  url: string,
  credentials: { auth?: Record<string, string>; extraHeaders?: Record<string, string> },
  track: Socket[],
): Promise<Socket> {
  const socket = io(url, { transports: ['websocket'], forceNew: true, reconnection: false, ...credentials });
  track.push(socket);
  return new Promise((resolve, reject) => {
    socket.once('connect', () => resolve(socket));
    socket.once('connect_error', reject);
  });
}

/** A TCP port on 127.0.0.1 that was free a moment ago. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.unref();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const addr = srv.address();
      const port = typeof addr === 'object' && addr ? addr.port : 0;
      srv.close(() => resolve(port));
    });
  });
}

/** The compiled server (`npm run build:server`), as `npm start` runs it. */
export const COMPILED_SERVER = join(ROOT, 'server/dist/main.js');

/** Builds server/dist from the current source (a second or two), for tests that must run it. */
export function buildServer(): void {
  const built = spawnSync(process.execPath, ['scripts/build-server.mjs'], { cwd: ROOT, encoding: 'utf8' });
  if (built.status !== 0) throw new Error(`npm run build:server failed:\n${built.stderr}`);
}

/** Newest modification time of the TypeScript the compiled server is built from. */
function newestSourceMs(): number {
  let newest = 0;
  const walk = (dir: string) => {
    for (const e of readdirSync(dir, { withFileTypes: true })) {
      const p = join(dir, e.name);
      if (e.isDirectory()) walk(p);
      else newest = Math.max(newest, statSync(p).mtimeMs);
    }
  };
  walk(join(ROOT, 'server/src'));
  walk(join(ROOT, 'shared/src'));
  return newest;
}

/** True when server/dist is built and no newer than the source (`npm test` builds it first). */
export function compiledServerIsCurrent(): boolean {
  return existsSync(COMPILED_SERVER) && statSync(COMPILED_SERVER).mtimeMs >= newestSourceMs();
}

/**
 * The real server as a child process: the compiled server when it is built from the current source
 * (as `npm start` runs it), else the TypeScript through tsx, so a test never runs stale code.
 * `compiled: true` insists on the compiled one.
 */
export class ServerProcess {
  private child: ChildProcess | null = null;
  private exited: Promise<void> = Promise.resolve();
  output = '';

  /** Whether this process runs the compiled server (set by `start`). */
  compiled = false;

  constructor(
    readonly dataDir: string,
    readonly port: number,
    private readonly env: Record<string, string> = {},
    private readonly options: { compiled?: boolean } = {},
  ) {}

  get url(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  get pid(): number | undefined {
    return this.child?.pid;
  }

  /** Starts the server and resolves once GET /healthz answers 200. */
  async start(timeoutMs = 60_000): Promise<void> {
    if (this.child) throw new Error('already running');
    this.compiled = this.options.compiled ?? compiledServerIsCurrent();
    if (this.options.compiled && !existsSync(COMPILED_SERVER))
      throw new Error('no compiled server: run npm run build:server first');
    const args = this.compiled
      ? ['--enable-source-maps', COMPILED_SERVER]
      : ['--import', 'tsx', 'server/src/main.ts'];
    const child = spawn(process.execPath, args, {
      cwd: ROOT,
      env: {
        ...process.env,
        PORT: String(this.port),
        HOST: '127.0.0.1',
        DATA_DIR: this.dataDir,
        LOG_LEVEL: 'warn',
        CLIENT_DIST: join(this.dataDir, 'no-client'),
        WARROOM_ADMIN_PASSWORD: ADMIN_PASSWORD,
        ...storeEnv(this.dataDir),
        ...this.env,
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    this.child = child;
    child.stdout?.on('data', (d: Buffer) => (this.output += d.toString()));
    child.stderr?.on('data', (d: Buffer) => (this.output += d.toString()));
    this.exitStatus = null;
    this.exited = new Promise((resolve) =>
      child.once('exit', (code, signal) => {
        this.exitStatus = { code, signal };
        resolve();
      }),
    );
    let gone = false;
    void this.exited.then(() => (gone = true));
    await waitFor(
      async () => {
        if (gone) throw new Error(`server exited before it was ready:\n${this.output}`);
        const res = await fetch(`${this.url}/healthz`).catch(() => null);
        return res?.status === 200;
      },
      { timeoutMs, intervalMs: 50, what: 'the server to answer /healthz' },
    ).catch((e: unknown) => {
      if (gone) throw new Error(`server exited before it was ready:\n${this.output}`);
      throw e;
    });
  }

  /** `kill -9`: no chance to flush or close anything. */
  async kill9(): Promise<void> {
    if (!this.child) return;
    const child = this.child;
    this.child = null;
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    await this.exited;
  }

  /** How the process ended (null while it runs). */
  exitStatus: { code: number | null; signal: NodeJS.Signals | null } | null = null;

  /** Sends SIGTERM and waits (without ever killing it) for the process to exit on its own. */
  async terminate(): Promise<{ code: number | null; signal: NodeJS.Signals | null; ms: number }> {
    const child = this.child;
    if (!child) throw new Error('not running');
    this.child = null;
    const started = Date.now();
    child.kill('SIGTERM');
    await this.exited;
    return { ...this.exitStatus!, ms: Date.now() - started };
  }

  /** A graceful stop (SIGTERM), then SIGKILL if it lingers. */
  async stop(): Promise<void> {
    if (!this.child) return;
    const child = this.child;
    this.child = null;
    if (child.exitCode !== null || child.signalCode !== null) return;
    child.kill('SIGTERM');
    const timer = setTimeout(() => child.kill('SIGKILL'), 5_000);
    await this.exited;
    clearTimeout(timer);
  }

  /** The admin's session cookie for this server (logs in on first use; sessions survive restarts). */
  async adminCookie(): Promise<string> {
    if (this.cookie) return this.cookie;
    const res = await fetch(`${this.url}/api/session`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ username: 'admin', password: ADMIN_PASSWORD }),
    });
    const set = res.headers.get('set-cookie') ?? '';
    const m = /wr_session=([^;]+)/.exec(set);
    if (!res.ok || !m) throw new Error(`admin login failed: ${res.status}`);
    this.cookie = `wr_session=${m[1]}`;
    return this.cookie;
  }

  private cookie: string | null = null;

  /** A request as the admin. */
  async request(method: string, path: string, body?: unknown): Promise<{ status: number; body: unknown }> {
    const cookie = await this.adminCookie();
    const res = await fetch(`${this.url}${path}`, {
      method,
      headers: body === undefined ? { cookie } : { 'content-type': 'application/json', cookie },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await res.text();
    return { status: res.status, body: text ? (JSON.parse(text) as unknown) : null };
  }
}
