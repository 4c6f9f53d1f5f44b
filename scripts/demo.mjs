// `npm run demo`: the server on http://localhost:3000 with simulated launches running, one of which
// trips a backup-plan alert within a minute of wall time. It starts from its own fresh data folder
// (.data-demo, emptied at every start) so a newcomer sees the demo as described, not the launches
// and open alerts of a previous run; DATA_DIR=… keeps a folder of one's own instead.
import { spawn } from 'node:child_process';
import { mkdirSync, rmSync } from 'node:fs';
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { SERVER_ARGS } from './server-args.mjs';
import { ensurePortFree, portFrom } from './port.mjs';

const root = fileURLToPath(new URL('..', import.meta.url));
const port = portFrom(process.env.PORT);
const host = process.env.HOST ?? '127.0.0.1';
const base = `http://127.0.0.1:${port}`;
const ownDataDir = process.env.DATA_DIR;
const dataDir = ownDataDir ?? '.data-demo';
await ensurePortFree(port, host, 'npm run demo');
if (!ownDataDir) rmSync(resolve(root, dataDir), { recursive: true, force: true });
mkdirSync(resolve(root, dataDir), { recursive: true });
// The demo's admin password unless one is set: printed below, so change it for real use.
const adminPassword = process.env.WARROOM_ADMIN_PASSWORD ?? 'warroom-demo';
const server = spawn(process.execPath, SERVER_ARGS, {
  cwd: root,
  stdio: ['ignore', 'inherit', 'inherit'],
  env: {
    LOG_LEVEL: 'warn',
    ...process.env,
    PORT: String(port),
    DATA_DIR: dataDir,
    WARROOM_ADMIN_PASSWORD: adminPassword,
  },
});
/** @type {string} */
let cookie = '';
for (const signal of /** @type {const} */ (['SIGINT', 'SIGTERM']))
  process.on(signal, () => server.kill(signal));
server.on('exit', (code) => process.exit(code ?? 0));

async function waitReady() {
  for (let i = 0; i < 100; i++) {
    try {
      if ((await fetch(`${base}/healthz`)).ok) return;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error('the server did not become ready');
}

/**
 * @param {string} scenario
 * @param {number} speed
 * @param {number} seed
 * @returns {Promise<{ launchId: string }>}
 */
async function simulate(scenario, speed, seed) {
  return /** @type {Promise<{ launchId: string }>} */ (api('/api/simulations', { scenario, speed, seed }));
}

/**
 * A POST as the admin.
 * @param {string} path
 * @param {unknown} body
 * @returns {Promise<unknown>}
 */
async function api(path, body) {
  const res = await fetch(`${base}${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', cookie },
    body: JSON.stringify(body),
  });
  if (!res.ok) throw new Error(`${path} failed: ${res.status} ${await res.text()}`);
  return res.json();
}

async function login() {
  const res = await fetch(`${base}/api/session`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ username: 'admin', password: adminPassword }),
  });
  const m = /wr_session=([^;]+)/.exec(res.headers.get('set-cookie') ?? '');
  if (!res.ok || !m) throw new Error(`could not log in as admin (${res.status})`);
  cookie = `wr_session=${m[1]}`;
}

try {
  await waitReady();
  await login();
  // A kiosk token, so the wall screens need no login.
  const { token } = /** @type {{ token: string }} */ (
    await api('/api/tokens', { name: '大屏 demo', scope: 'screen' })
  );
  // 30×: 开团 after 2 s, the 15-minute checkpoint (traffic 35% under plan) about 32 s later.
  const shortfall = await simulate('traffic-shortfall', 30, 7);
  const onPlan = await simulate('on-plan', 30, 11);
  const show = (/** @type {string} */ id) => `http://localhost:${port}/screen/${id}?token=${token}`;
  console.log(`
War room demo is running.
  Big screen (流量不足, alert within a minute): ${show(shortfall.launchId)}
  Big screen (按计划):                          ${show(onPlan.launchId)}
  Supervisor console:                          http://localhost:${port}/console
  Launch setup / simulations:                  http://localhost:${port}/admin
  Log in as admin / ${adminPassword}${process.env.WARROOM_ADMIN_PASSWORD ? '' : ' (set WARROOM_ADMIN_PASSWORD to choose another)'}
Press Ctrl+C to stop. ${
    ownDataDir
      ? `Data is kept in ${ownDataDir}.`
      : `This run's data is in ${dataDir}, emptied at the next npm run demo (DATA_DIR=… keeps your own).`
  }
`);
} catch (e) {
  console.error(e instanceof Error ? e.message : e);
  server.kill('SIGTERM');
  process.exitCode = 1;
}
