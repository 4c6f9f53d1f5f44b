// `npm run metrics:demo`: the compiled server on a free port (a fresh data dir), Debian's
// `prometheus` scraping its /metrics with a metrics token (deploy/prometheus.yml's job, pointed at
// this server), some readings pushed, then the ingest counter queried through Prometheus' HTTP
// API. Prints what the query returned and exits 0 once Prometheus has the readings; 1 if it never
// does. PROMETHEUS_BIN names the binary (default: prometheus on PATH). Builds the server if needed.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { SERVER_ARGS, SERVER_ENTRY } from './server-args.mjs';

const root = fileURLToPath(new URL('..', import.meta.url));
const prometheusBin = process.env.PROMETHEUS_BIN ?? 'prometheus';
const ADMIN_PASSWORD = 'metrics-demo-password';
const READINGS = 12;
/** @type {import('node:child_process').ChildProcess[]} */
const children = [];
const work = await mkdtemp(join(tmpdir(), 'warroom-metrics-demo-'));

/** @returns {Promise<number>} */
function freePort() {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const addr = srv.address();
      srv.close(() => resolve(typeof addr === 'object' && addr ? addr.port : 0));
    });
  });
}

/**
 * @param {() => Promise<boolean>} ok
 * @param {string} what
 * @param {number} timeoutMs
 */
async function waitFor(ok, what, timeoutMs = 60_000) {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await ok().catch(() => false)) return;
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error(`timed out waiting for ${what}`);
}

async function stop() {
  for (const c of children) if (c.exitCode === null) c.kill('SIGTERM');
  await Promise.all(
    children.map((c) => (c.exitCode === null ? new Promise((r) => c.once('exit', r)) : null)),
  );
  await rm(work, { recursive: true, force: true });
}

async function main() {
  if (!existsSync(join(root, SERVER_ENTRY))) {
    console.log('building the server (npm run build:server)…');
    const built = spawnSync(process.execPath, ['scripts/build-server.mjs'], { cwd: root, stdio: 'inherit' });
    if (built.status !== 0) throw new Error('the server did not build');
  }
  const [appPort, promPort] = [await freePort(), await freePort()];
  const base = `http://127.0.0.1:${appPort}`;
  const server = spawn(process.execPath, SERVER_ARGS, {
    cwd: root,
    stdio: ['ignore', 'ignore', 'inherit'],
    env: {
      ...process.env,
      PORT: String(appPort),
      HOST: '127.0.0.1',
      DATA_DIR: join(work, 'data'),
      REDIS_URL: '',
      LOG_LEVEL: 'warn',
      WARROOM_ADMIN_PASSWORD: ADMIN_PASSWORD,
    },
  });
  children.push(server);
  await waitFor(async () => (await fetch(`${base}/healthz`)).ok, 'the server');

  const login = await fetch(`${base}/api/session`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ username: 'admin', password: ADMIN_PASSWORD }),
  });
  const cookie = /wr_session=[^;]+/.exec(login.headers.get('set-cookie') ?? '')?.[0] ?? '';
  /**
   * @param {string} path
   * @param {unknown} body
   * @returns {Promise<any>}
   */
  const post = async (path, body) => {
    const res = await fetch(`${base}${path}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', cookie },
      body: JSON.stringify(body),
    });
    if (!res.ok) throw new Error(`${path}: ${res.status} ${await res.text()}`);
    return res.json();
  };
  const token = await post('/api/tokens', { name: 'prometheus', scope: 'metrics' });
  const launch = await post('/api/launches', {
    name: 'metrics demo',
    startAt: new Date(Date.now() - 30 * 60_000).toISOString(),
    durationMinutes: 60,
    forecast: { template: { uv: 6000, units: 600, gmv: 60000 } },
  });
  for (let minute = 0; minute < READINGS; minute++)
    await post(`/api/launches/${launch.id}/readings`, { minute, uv: 100, units: 10, gmv: 1000 });

  // deploy/prometheus.yml's job, pointed at this server and scraping every second.
  const tokenFile = join(work, 'metrics-token');
  await writeFile(tokenFile, token.token, { mode: 0o600 });
  const deployed = await readFile(join(root, 'deploy/prometheus.yml'), 'utf8');
  const config = deployed
    .replace(/scrape_interval: \S+/g, 'scrape_interval: 1s')
    .replace('/etc/prometheus/metrics-token', tokenFile)
    .replace(/targets: \[.*\]/, `targets: ['127.0.0.1:${appPort}']`);
  await writeFile(join(work, 'prometheus.yml'), config);
  const prometheus = spawn(
    prometheusBin,
    [
      `--config.file=${join(work, 'prometheus.yml')}`,
      `--storage.tsdb.path=${join(work, 'tsdb')}`,
      `--web.listen-address=127.0.0.1:${promPort}`,
    ],
    { stdio: ['ignore', 'ignore', 'pipe'] },
  );
  children.push(prometheus);
  let promLog = '';
  prometheus.stderr?.on('data', (d) => (promLog += d));
  const promBase = `http://127.0.0.1:${promPort}`;
  await waitFor(async () => (await fetch(`${promBase}/-/ready`)).ok, 'Prometheus');

  const query = 'sum(warroom_readings_total{source="http",outcome="accepted"})';
  /** @type {number | null} */
  let value = null;
  await waitFor(
    async () => {
      const res = await fetch(`${promBase}/api/v1/query?query=${encodeURIComponent(query)}`);
      const body = /** @type {{ data: { result: { value: [number, string] }[] } }} */ (await res.json());
      const v = body.data.result[0]?.value[1];
      value = v === undefined ? null : Number(v);
      return value === READINGS;
    },
    `Prometheus to scrape ${READINGS} accepted readings`,
    60_000,
  ).catch((e) => {
    throw new Error(`${/** @type {Error} */ (e).message} (last value: ${value})\n${promLog.slice(-2000)}`);
  });
  console.log(`METRICS_DEMO query=${query} value=${value}`);
  console.log(`Prometheus scraped ${base}/metrics: ${value} readings accepted over HTTP.`);
}

try {
  await main();
  await stop();
} catch (e) {
  console.error(`metrics demo failed: ${/** @type {Error} */ (e).message}`);
  await stop();
  process.exit(1);
}
