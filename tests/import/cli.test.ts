/** The import CLI against a real server process, as an operator runs it. */
import { type ChildProcess, spawn } from 'node:child_process';
import { writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import iconv from 'iconv-lite';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { storeEnv } from '../helpers/server';
import { cleanUp, tempDir } from './helpers';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const PASSWORD = 'cli-test-password';
let server: ChildProcess;
let url = '';
let cookie = '';
let output = '';

function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const srv = createServer().listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as { port: number };
      srv.close(() => resolve(port));
    });
  });
}

beforeAll(async () => {
  const dir = await tempDir();
  const port = await freePort();
  url = `http://127.0.0.1:${port}`;
  server = spawn(process.execPath, ['--import', 'tsx', 'server/src/main.ts'], {
    cwd: ROOT,
    env: {
      ...process.env,
      PORT: String(port),
      HOST: '127.0.0.1',
      DATA_DIR: dir,
      LOG_LEVEL: 'warn',
      CLIENT_DIST: join(dir, 'none'),
      WARROOM_ADMIN_PASSWORD: PASSWORD,
      ...storeEnv(dir),
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  server.stdout?.on('data', (d: Buffer) => (output += d.toString()));
  server.stderr?.on('data', (d: Buffer) => (output += d.toString()));
  for (let i = 0; ; i++) {
    const ok = await fetch(`${url}/healthz`)
      .then((r) => r.ok)
      .catch(() => false);
    if (ok) break;
    if (i > 300) throw new Error(`server did not start:\n${output}`);
    await new Promise((r) => setTimeout(r, 100));
  }
  const login = await fetch(`${url}/api/session`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ username: 'admin', password: PASSWORD }),
  });
  cookie = (login.headers.get('set-cookie') ?? '').split(';')[0]!;
}, 60_000);

afterAll(async () => {
  server?.kill('SIGTERM');
  await new Promise((r) => server?.once('exit', r));
  await cleanUp();
});

async function launch(): Promise<string> {
  const res = await fetch(`${url}/api/launches`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', cookie },
    body: JSON.stringify({
      name: 'CLI',
      startAt: '2025-11-11T10:00:00+08:00',
      durationMinutes: 60,
      forecast: { template: { uv: 6000, units: 600, gmv: 60000 } },
    }),
  });
  return ((await res.json()) as { id: string }).id;
}

function cli(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'scripts/import.ts', ...args], {
      cwd: ROOT,
      env: { ...process.env, WARROOM_PASSWORD: PASSWORD },
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('exit', (code) => resolve({ code: code ?? -1, stdout, stderr }));
  });
}

describe('npm run import', () => {
  it('streams a GB18030 file, shows progress and the report, and exits 0', async () => {
    const id = await launch();
    const dir = await tempDir();
    const path = join(dir, '生意参谋.csv');
    let text = '时间,访客数,支付件数,支付金额\r\n';
    for (let m = 0; m < 60; m++) text += `2025-11-11 10:${String(m).padStart(2, '0')},100,10,"¥1,000.00"\r\n`;
    await writeFile(path, iconv.encode(text, 'gb18030'));
    const dry = await cli([path, '--launch', id, '--server', url, '--user', 'admin', '--dry-run']);
    expect(dry.code).toBe(0);
    expect(dry.stdout).toContain(
      'Dry run (nothing written): 60 rows read: 60 accepted, 0 duplicates, 0 rejected',
    );
    const run = await cli([path, '--launch', id, '--server', url, '--user', 'admin']);
    expect(run.stderr).toContain('100%');
    expect(run.stdout).toContain('60 rows read: 60 accepted, 0 duplicates, 0 rejected');
    expect(run.stdout).toContain('encoding gb18030');
    expect(run.code).toBe(0);
    const again = await cli([path, '--launch', id, '--server', url, '--user', 'admin']);
    expect(again.stdout).toContain('60 rows read: 0 accepted, 60 duplicates, 0 rejected');
  }, 60_000);

  it('lists rejected rows by line and exits 2; an unknown launch exits 1 with the reason', async () => {
    const id = await launch();
    const path = join(await tempDir(), 'bad.csv');
    await writeFile(path, 'minute,uv,gmv\n0,1,1\n1,1,"1,2x"\n');
    const bad = await cli([path, '--launch', id, '--server', url, '--user', 'admin']);
    expect(bad.code).toBe(2);
    expect(bad.stdout).toContain("line 3: gmv is not a number: '1,2x'");
    const unknown = await cli([path, '--launch', 'nosuchlaunch', '--server', url, '--user', 'admin']);
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toContain('launch nosuchlaunch does not exist (HTTP 404)');
  }, 60_000);
});
