/**
 * `npm run bench:startup`: start-up time and memory of the compiled server (`node
 * server/dist/main.js`, as `npm start` runs it) beside the TypeScript source through tsx (`node
 * --import tsx server/src/main.ts`, as before). Each round starts both on a fresh data directory,
 * in alternating order: time from spawn to the first 200 from GET /healthz, and the resident set
 * size (VmRSS) then and after 2 s idle. Prints the median and range of each, with the load average
 * before and after (the figures are only as quiet as the machine). Builds the server first.
 *
 * Options: --rounds N (default 7), --json.
 */
import { spawn, spawnSync } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { loadavg } from 'node:os';
import { parseArgs } from 'node:util';
import { SERVER_ARGS, SERVER_TS_ARGS } from '../server-args.mjs';
import { HOST, ROOT, cleanupAll, fmt, freePort, serverEnv, sleep, stopChild, tempDir } from './lib';

const { values } = parseArgs({
  options: { rounds: { type: 'string', default: '7' }, json: { type: 'boolean', default: false } },
});
const ROUNDS = Number(values.rounds);

interface Sample {
  readyMs: number;
  rssReadyMiB: number;
  rssIdleMiB: number;
}

const VARIANTS = { compiled: SERVER_ARGS, tsx: SERVER_TS_ARGS } as const;
type Variant = keyof typeof VARIANTS;

async function rssMiB(pid: number): Promise<number> {
  const status = await readFile(`/proc/${pid}/status`, 'utf8');
  const kb = Number(/^VmRSS:\s+(\d+) kB$/m.exec(status)?.[1]);
  return kb / 1024;
}

async function once(variant: Variant): Promise<Sample> {
  const dataDir = await tempDir(`warroom-bench-startup-${variant}-`);
  const port = await freePort();
  const started = performance.now();
  const child = spawn(process.execPath, VARIANTS[variant], {
    cwd: ROOT,
    env: { ...serverEnv(port, dataDir), REDIS_URL: '' },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  try {
    for (;;) {
      if (child.exitCode !== null) throw new Error(`${variant}: the server exited with ${child.exitCode}`);
      const ok = await fetch(`http://${HOST}:${port}/healthz`).then(
        (r) => r.ok,
        () => false,
      );
      if (ok) break;
      if (performance.now() - started > 30_000) throw new Error(`${variant}: not ready within 30 s`);
      await sleep(5);
    }
    const readyMs = performance.now() - started;
    const rssReadyMiB = await rssMiB(child.pid!);
    await sleep(2000);
    return { readyMs, rssReadyMiB, rssIdleMiB: await rssMiB(child.pid!) };
  } finally {
    await stopChild(child);
  }
}

function summary(xs: number[]) {
  const sorted = [...xs].sort((a, b) => a - b);
  return { median: sorted[Math.floor(sorted.length / 2)]!, min: sorted[0]!, max: sorted.at(-1)! };
}

async function main() {
  const built = spawnSync(process.execPath, ['scripts/build-server.mjs'], { cwd: ROOT, stdio: 'inherit' });
  if (built.status !== 0) throw new Error('the server did not build');
  const loadBefore = loadavg();
  const samples: Record<Variant, Sample[]> = { compiled: [], tsx: [] };
  // One unmeasured start of each, so neither pays for a cold file cache alone.
  await once('compiled');
  await once('tsx');
  for (let round = 0; round < ROUNDS; round++) {
    const order: Variant[] = round % 2 === 0 ? ['compiled', 'tsx'] : ['tsx', 'compiled'];
    for (const v of order) samples[v].push(await once(v));
  }
  const loadAfter = loadavg();
  const result = Object.fromEntries(
    (Object.keys(samples) as Variant[]).map((v) => [
      v,
      {
        readyMs: summary(samples[v].map((s) => s.readyMs)),
        rssReadyMiB: summary(samples[v].map((s) => s.rssReadyMiB)),
        rssIdleMiB: summary(samples[v].map((s) => s.rssIdleMiB)),
      },
    ]),
  ) as Record<Variant, Record<keyof Sample, ReturnType<typeof summary>>>;
  const load = (l: number[]) => l.map((x) => x.toFixed(2)).join(' ');
  if (values.json) {
    console.log(JSON.stringify({ rounds: ROUNDS, loadBefore, loadAfter, result }));
    return;
  }
  console.log(`startup: ${ROUNDS} rounds, load average ${load(loadBefore)} → ${load(loadAfter)}`);
  const range = (s: ReturnType<typeof summary>, digits: number) =>
    `${fmt(s.median, digits)} (${fmt(s.min, digits)}–${fmt(s.max, digits)})`;
  for (const v of Object.keys(result) as Variant[]) {
    const r = result[v];
    console.log(
      `${v.padEnd(9)} ready ${range(r.readyMs, 0)} ms · RSS at ready ${range(r.rssReadyMiB, 1)} MiB · ` +
        `after 2 s idle ${range(r.rssIdleMiB, 1)} MiB`,
    );
  }
}

try {
  await main();
} finally {
  await cleanupAll();
}
