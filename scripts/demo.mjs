// `npm run demo`: the server on http://localhost:3000 (embedded store in ./data) with simulated
// launches running, one of which trips a backup-plan alert within a minute of wall time.
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const port = Number(process.env.PORT ?? 3000);
const base = `http://127.0.0.1:${port}`;
const server = spawn(process.execPath, ['--import', 'tsx', 'server/src/main.ts'], {
  cwd: root,
  stdio: ['ignore', 'inherit', 'inherit'],
  env: { LOG_LEVEL: 'warn', ...process.env, PORT: String(port) },
});
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
  const res = await fetch(`${base}/api/simulations`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ scenario, speed, seed }),
  });
  if (!res.ok) throw new Error(`could not start the ${scenario} simulation: ${await res.text()}`);
  return /** @type {Promise<{ launchId: string }>} */ (res.json());
}

try {
  await waitReady();
  // 30×: 开团 after 2 s, the 15-minute checkpoint (traffic 35% under plan) about 32 s later.
  const shortfall = await simulate('traffic-shortfall', 30, 7);
  const onPlan = await simulate('on-plan', 30, 11);
  const show = (/** @type {string} */ id) => `http://localhost:${port}/screen/${id}`;
  console.log(`
War room demo is running.
  Big screen (流量不足, alert within a minute): ${show(shortfall.launchId)}
  Big screen (按计划):                          ${show(onPlan.launchId)}
  Supervisor console:                          http://localhost:${port}/console
  Launch setup / simulations:                  http://localhost:${port}/admin
Press Ctrl+C to stop. Data is kept in ${process.env.DATA_DIR ?? './data'}.
`);
} catch (e) {
  console.error(e instanceof Error ? e.message : e);
  server.kill('SIGTERM');
  process.exitCode = 1;
}
