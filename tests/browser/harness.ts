/**
 * What the browser tests share: the real server as a child process (free port, temp DATA_DIR,
 * serving the built client) and system Chromium driven by playwright-core.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { formatIsoInZone, type Launch } from '@warroom/shared';
import { ADMIN_PASSWORD, storeEnv } from '../helpers/server';

export { ADMIN_PASSWORD };

/** The admin password the servers started here get: a test may set its own in the environment. */
export const adminPassword = () => process.env.WARROOM_ADMIN_PASSWORD ?? ADMIN_PASSWORD;

export const ROOT = resolve(import.meta.dirname, '../..');
export const CHROMIUM = '/usr/bin/chromium';
/**
 * Where the tests' screenshots go: an ignored folder, so a test run leaves the checkout clean;
 * `npm run screenshots` (WARROOM_SCREENSHOTS=docs) refreshes the committed ones in docs/screenshots.
 */
export const SCREENSHOTS =
  process.env.WARROOM_SCREENSHOTS === 'docs'
    ? join(ROOT, 'docs/screenshots')
    : join(ROOT, 'tests/.tmp/screenshots');

/** Browser tests run wherever Chromium is installed, and must run in CI. */
export const canRunBrowser = existsSync(CHROMIUM) || process.env.CI === 'true';

export async function freePort(): Promise<number> {
  return new Promise((res, rej) => {
    const srv = createServer();
    srv.once('error', rej);
    srv.listen(0, '127.0.0.1', () => {
      const addr = srv.address();
      const port = typeof addr === 'object' && addr ? addr.port : 0;
      srv.close(() => res(port));
    });
  });
}

export interface RunningServer {
  url: string;
  port: number;
  dataDir: string;
  /** Hard stop (SIGKILL): the screen must notice the connection is gone. */
  kill(): Promise<void>;
  stop(): Promise<void>;
}

export async function startServer(
  opts: { port?: number; dataDir?: string; env?: Record<string, string> } = {},
): Promise<RunningServer> {
  if (!existsSync(join(ROOT, 'client/dist/index.html')))
    throw new Error('client/dist is missing: run "npm run build -w client" (npm test builds first)');
  const port = opts.port ?? (await freePort());
  const dataDir = opts.dataDir ?? mkdtempSync(join(tmpdir(), 'warroom-browser-'));
  mkdirSync(dataDir, { recursive: true });
  const child: ChildProcess = spawn(process.execPath, ['--import', 'tsx', 'server/src/main.ts'], {
    cwd: ROOT,
    env: {
      ...process.env,
      PORT: String(port),
      HOST: '127.0.0.1',
      DATA_DIR: dataDir,
      LOG_LEVEL: 'warn',
      WARROOM_ADMIN_PASSWORD: adminPassword(),
      // The store under test, never a REDIS_URL that happens to be in the shell (shared keys).
      ...storeEnv(dataDir),
      ...opts.env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout?.on('data', (d: Buffer) => (output += d.toString()));
  child.stderr?.on('data', (d: Buffer) => (output += d.toString()));
  const url = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 30_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`server exited early:\n${output}`);
    try {
      const res = await fetch(`${url}/healthz`);
      if (res.ok) break;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) throw new Error(`server did not become healthy:\n${output}`);
    await new Promise((r) => setTimeout(r, 150));
  }
  const exited = new Promise<void>((r) => child.once('exit', () => r()));
  return {
    url,
    port,
    dataDir,
    async kill() {
      if (child.exitCode === null) child.kill('SIGKILL');
      await exited;
    },
    async stop() {
      if (child.exitCode === null) child.kill('SIGTERM');
      await exited;
    },
  };
}

export async function launchBrowser(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--no-first-run',
      '--autoplay-policy=no-user-gesture-required',
    ],
  });
}

/** Logs in over HTTP and returns the session cookie's value. */
export async function login(base: string, username = 'admin', password = adminPassword()): Promise<string> {
  const res = await fetch(`${base}/api/session`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ username, password }),
  });
  const m = /wr_session=([^;]+)/.exec(res.headers.get('set-cookie') ?? '');
  if (!res.ok || !m?.[1]) throw new Error(`login as ${username} failed: ${res.status}`);
  return m[1];
}

/** The admin's session per server (sessions survive a restart on the same data dir). */
const adminSessions = new Map<string, Promise<string>>();
export function adminSession(base: string): Promise<string> {
  let s = adminSessions.get(base);
  if (!s) {
    s = login(base);
    adminSessions.set(base, s);
  }
  return s;
}

/** Gives a browser context the session of `username` (logged in over HTTP), as if they had logged in. */
export async function signIn(context: BrowserContext, base: string, session: string): Promise<void> {
  await context.addCookies([
    { name: 'wr_session', value: session, url: base, httpOnly: true, sameSite: 'Lax' },
  ]);
}

/** Creates a person as the admin and returns their session. */
export async function createUser(
  base: string,
  user: {
    username: string;
    displayName: string;
    role: 'admin' | 'supervisor' | 'viewer';
    ownerRole?: string;
  },
): Promise<string> {
  const password = 'a-long-password';
  await api(base, 'POST', '/api/users', { ...user, password });
  return login(base, user.username, password);
}

/** A request as the admin (or as `session`'s owner). */
export async function api<T>(
  base: string,
  method: string,
  path: string,
  body?: unknown,
  session?: string,
): Promise<T> {
  const cookie = `wr_session=${session ?? (await adminSession(base))}`;
  const res = await fetch(base + path, {
    method,
    headers: body === undefined ? { cookie } : { 'content-type': 'application/json', cookie },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  if (!res.ok) throw new Error(`${method} ${path} → ${res.status}: ${text}`);
  return (text ? JSON.parse(text) : null) as T;
}

/** Opens a launch's wall (大屏) as the admin, at 1920×1080 unless told, once its name shows. */
export async function openWall(
  browser: Browser,
  base: string,
  launchId: string,
  viewport = { width: 1920, height: 1080 },
): Promise<Page> {
  const context = await browser.newContext({ viewport });
  await signIn(context, base, await adminSession(base));
  const page = await context.newPage();
  await page.goto(`${base}/screen/${launchId}`);
  await page.getByTestId('launch-name').waitFor();
  return page;
}

export function screenshotPath(name: string): string {
  mkdirSync(SCREENSHOTS, { recursive: true });
  return join(SCREENSHOTS, name);
}

/** The launch the browser tests plan: 180 minutes of the template for 30,000 visitors, 2,000 units. */
const TEMPLATE = { uv: 30000, units: 2000, gmv: 198000 };

/** Creates a launch as the admin with 开团 `minutesAgo` minutes ago in Beijing (negative: ahead). */
export function createLaunch(
  base: string,
  name: string,
  minutesAgo: number,
  extra: Record<string, unknown> = {},
): Promise<Launch> {
  return api<Launch>(base, 'POST', '/api/launches', {
    name,
    startAt: formatIsoInZone(Date.now() - minutesAgo * 60_000, 'Asia/Shanghai'),
    durationMinutes: 180,
    stock: 3000,
    price: 99,
    targets: TEMPLATE,
    forecast: { template: TEMPLATE },
    ...extra,
  });
}

/** Shares of the forecast a reading brings, per metric (1 = on plan; orders follow units). */
export interface Shares {
  uv?: number;
  units?: number;
  gmv?: number;
}

/** Posts readings for minutes [from, to): the launch's forecast scaled by `shares`. */
export function postReadings(base: string, launch: Launch, from: number, to: number, shares: Shares = {}) {
  const { uv = 1, units = 1, gmv = 1 } = shares;
  return api(
    base,
    'POST',
    `/api/launches/${launch.id}/readings`,
    Array.from({ length: to - from }, (_, i) => {
      const f = launch.forecast[from + i]!;
      return {
        minute: from + i,
        uv: Math.round(f.uv * uv),
        pv: Math.round(f.pv),
        orders: Math.round(f.orders * units),
        units: Math.round(f.units * units),
        gmv: Math.round(f.gmv * gmv * 100) / 100,
      };
    }),
  );
}
