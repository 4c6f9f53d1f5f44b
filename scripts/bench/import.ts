/**
 * `npm run bench:import`: one year of minute readings (525,600 rows, about 25 MB) generated into a
 * temporary file and imported through the real HTTP route into a real server process (event log
 * on disk, fdatasync on every write), validated and stored. Prints the time and the server's peak
 * memory. Target: ≤ 5 s.
 *
 * Options: --rows N (default 525600), --keep (leave the data directory), --json.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { createWriteStream } from 'node:fs';
import { mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import { request } from 'node:http';
import { createServer } from 'node:net';
import { cpus, loadavg, tmpdir, totalmem } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import type { ImportReport, ImportStreamLine } from '@warroom/shared';
import { serverNodeArgs, serverRoot } from './lib';

const MINUTE_MS = 60_000;
const { values } = parseArgs({
  options: {
    rows: { type: 'string', default: '525600' },
    keep: { type: 'boolean', default: false },
    json: { type: 'boolean', default: false },
  },
});
const ROWS = Number(values.rows);
const PASSWORD = 'bench-import';

function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const srv = createServer().listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as { port: number };
      srv.close(() => resolve(port));
    });
  });
}

/** Local wall-clock text in Asia/Shanghai (UTC+8, no DST), as a platform export writes it. */
function shanghai(ms: number): string {
  const d = new Date(ms + 8 * 3_600_000);
  const p = (n: number) => String(n).padStart(2, '0');
  return `${d.getUTCFullYear()}-${p(d.getUTCMonth() + 1)}-${p(d.getUTCDate())} ${p(d.getUTCHours())}:${p(d.getUTCMinutes())}`;
}

async function writeYear(path: string, startMs: number): Promise<number> {
  const out = createWriteStream(path);
  out.write('时间,访客数,浏览量,收藏人数,加购人数,支付买家数,支付件数,支付金额\n');
  let chunk = '';
  for (let m = 0; m < ROWS; m++) {
    const uv = 20 + ((m * 7919) % 180);
    const units = (m * 31) % 13;
    chunk += `${shanghai(startMs + m * MINUTE_MS)},${uv},${uv * 3},${m % 5},${units * 2},${units},${units + (m % 3)},${(units * 99.9).toFixed(2)}\n`;
    if (chunk.length > 1 << 20) {
      if (!out.write(chunk)) await new Promise<void>((r) => out.once('drain', () => r()));
      chunk = '';
    }
  }
  out.end(chunk);
  await new Promise<void>((r) => out.once('finish', () => r()));
  return (await stat(path)).size;
}

async function json<T>(url: string, init: RequestInit): Promise<T> {
  const res = await fetch(url, init);
  if (!res.ok)
    throw new Error(`${init.method ?? 'GET'} ${url}: ${res.status} ${(await res.text()).slice(0, 300)}`);
  return (await res.json()) as T;
}

function importFile(url: string, path: string, size: number, cookie: string): Promise<ImportReport> {
  return new Promise((resolve, reject) => {
    const req = request(
      url,
      { method: 'POST', headers: { cookie, 'content-type': 'text/csv', 'content-length': size } },
      (res) => {
        let partial = '';
        let final: ImportStreamLine | null = null;
        res.setEncoding('utf8');
        res.on('data', (s: string) => {
          partial += s;
          let nl;
          while ((nl = partial.indexOf('\n')) !== -1) {
            const line = JSON.parse(partial.slice(0, nl)) as ImportStreamLine;
            partial = partial.slice(nl + 1);
            if (line.type !== 'progress') final = line;
          }
        });
        res.on('end', () => {
          const done = final as ImportStreamLine | null;
          if (res.statusCode !== 200 || done?.type !== 'report')
            reject(new Error(`import failed: ${res.statusCode} ${JSON.stringify(done) ?? partial}`));
          else resolve(done.report);
        });
      },
    );
    req.on('error', reject);
    import('node:fs').then(({ createReadStream }) =>
      createReadStream(path, { highWaterMark: 256 * 1024 }).pipe(req),
    );
  });
}

async function peakRssMiB(pid: number): Promise<number | null> {
  const status = await readFile(`/proc/${pid}/status`, 'utf8').catch(() => null);
  const kb = status && /VmHWM:\s+(\d+) kB/.exec(status)?.[1];
  return kb ? Math.round(Number(kb) / 1024) : null;
}

async function main(): Promise<void> {
  const dir = await mkdtemp(join(tmpdir(), 'warroom-bench-import-'));
  const port = await freePort();
  const base = `http://127.0.0.1:${port}`;
  let server: ChildProcess | null = null;
  try {
    server = spawn(process.execPath, serverNodeArgs(), {
      cwd: serverRoot(),
      env: {
        ...process.env,
        PORT: String(port),
        HOST: '127.0.0.1',
        DATA_DIR: join(dir, 'data'),
        LOG_LEVEL: 'warn',
        CLIENT_DIST: join(dir, 'none'),
        WARROOM_ADMIN_PASSWORD: PASSWORD,
      },
      stdio: ['ignore', 'inherit', 'inherit'],
    });
    for (
      let i = 0;
      !(await fetch(`${base}/healthz`)
        .then((r) => r.ok)
        .catch(() => false));
      i++
    ) {
      if (i > 300) throw new Error('the server did not start');
      await new Promise((r) => setTimeout(r, 100));
    }
    const login = await fetch(`${base}/api/session`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ username: 'admin', password: PASSWORD }),
    });
    const cookie = (login.headers.get('set-cookie') ?? '').split(';')[0]!;

    // A year-long launch that is over, so every minute is in the past; checkpoints once a day.
    const startMs = Math.floor((Date.now() - (ROWS + 1440) * MINUTE_MS) / 86_400_000) * 86_400_000;
    const t0 = performance.now();
    const launch = await json<{ id: string }>(`${base}/api/launches`, {
      method: 'POST',
      // The planner's form asks for the saved launch without its curves (tens of MB for a year).
      headers: { 'content-type': 'application/json', cookie, prefer: 'return=minimal' },
      body: JSON.stringify({
        name: 'bench: a year of minutes',
        startAt: new Date(startMs).toISOString(),
        durationMinutes: ROWS,
        // Once a day (a `--rows` under a day: one checkpoint at its end).
        checkpoints: Array.from({ length: Math.max(1, Math.floor(ROWS / 1440)) }, (_, d) =>
          Math.min(ROWS, (d + 1) * 1440),
        ),
        forecast: { template: { uv: ROWS * 100, units: ROWS * 6, gmv: ROWS * 600 } },
      }),
    });
    const createMs = performance.now() - t0;
    const createdLogBytes = (await stat(join(dir, 'data', 'launches', `${launch.id}.jsonl`))).size;
    const headBytes = Buffer.byteLength(
      await fetch(`${base}/api/launches/${launch.id}`, { headers: { cookie } }).then((r) => r.text()),
    );

    const file = join(dir, 'year.csv');
    const size = await writeYear(file, startMs);

    const t1 = performance.now();
    const report = await importFile(
      `${base}/api/launches/${launch.id}/imports?progress=true`,
      file,
      size,
      cookie,
    );
    const importMs = performance.now() - t1;

    const summary = (
      await json<{ id: string; readings: number }[]>(`${base}/api/launches`, { headers: { cookie } })
    ).find((l) => l.id === launch.id);
    if (report.accepted !== ROWS || report.rejectedRows !== 0 || summary?.readings !== ROWS)
      throw new Error(
        `not all rows stored: ${JSON.stringify({ ...report, rejected: report.rejected.slice(0, 3) })}`,
      );
    const logBytes = (await stat(join(dir, 'data', 'launches', `${launch.id}.jsonl`))).size;
    const result = {
      rows: ROWS,
      fileMiB: +(size / 1024 / 1024).toFixed(1),
      importSeconds: +(importMs / 1000).toFixed(2),
      rowsPerSecond: Math.round(ROWS / (importMs / 1000)),
      checkpointsEvaluated: report.checkpointsEvaluated,
      logMiB: +(logBytes / 1024 / 1024).toFixed(1),
      serverPeakRssMiB: server.pid ? await peakRssMiB(server.pid) : null,
      createLaunchSeconds: +(createMs / 1000).toFixed(2),
      createdLogKiB: Math.round(createdLogBytes / 1024),
      getWithoutCurveKiB: +(headBytes / 1024).toFixed(1),
      loadAverage: loadavg().map((x) => +x.toFixed(2)),
      machine: `${cpus().length} × ${cpus()[0]?.model ?? 'cpu'}, ${Math.round(totalmem() / 1024 ** 3)} GiB, node ${process.version}`,
    };
    if (values.json) console.log(JSON.stringify(result));
    else {
      console.log(
        `import: ${result.rows} rows (${result.fileMiB} MiB) imported, validated and stored in ${result.importSeconds} s ` +
          `(${result.rowsPerSecond} rows/s; target ≤ 5 s) — ${result.checkpointsEvaluated} checkpoints evaluated, ` +
          `log ${result.logMiB} MiB, server peak RSS ${result.serverPeakRssMiB} MiB`,
      );
      console.log(
        `creating the year-long launch: ${result.createLaunchSeconds} s (target ≤ 0.5 s), its log ${result.createdLogKiB} KiB ` +
          `(target ≤ 5 MB), GET of it without the curve ${result.getWithoutCurveKiB} KiB (target ≤ 50 KB)`,
      );
      console.log(`machine: ${result.machine}; load average ${result.loadAverage.join(' ')}`);
    }
    if (importMs > 5000) process.exitCode = 1;
  } finally {
    server?.kill('SIGTERM');
    if (server) await new Promise((r) => server!.once('exit', r));
    if (!values.keep) await rm(dir, { recursive: true, force: true });
  }
}

await main();
