/**
 * Start-up refuses a weak admin password: WARROOM_ADMIN_PASSWORD must meet the same minimum as a
 * password set through POST /api/users, or the process exits non-zero saying which variable and
 * what the minimum is, before it listens or touches DATA_DIR.
 */
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { PASSWORD_MIN_LENGTH } from '@warroom/shared';
import { ROOT, freePort, removeTempDirs, storeEnv, tempDir } from '../helpers/server';

afterAll(removeTempDirs);

/** Runs the real server with `env` until it exits by itself (or is killed after `timeoutMs`). */
async function runServer(
  env: Record<string, string>,
  timeoutMs = 30_000,
): Promise<{ code: number | null; stderr: string; timedOut: boolean }> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'server/src/main.ts'], {
    cwd: ROOT,
    env: { ...process.env, LOG_LEVEL: 'warn', HOST: '127.0.0.1', ...env },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let stderr = '';
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  let timedOut = false;
  const timer = setTimeout(() => {
    timedOut = true;
    child.kill('SIGKILL');
  }, timeoutMs);
  const code = await new Promise<number | null>((resolve) => child.once('exit', (c) => resolve(c)));
  clearTimeout(timer);
  return { code, stderr, timedOut };
}

describe('WARROOM_ADMIN_PASSWORD', () => {
  it('shorter than the users’ minimum: the server refuses to start and says why', async () => {
    const dataDir = await tempDir('warroom-proc-');
    const run = await runServer({
      ...storeEnv(dataDir),
      PORT: String(await freePort()),
      DATA_DIR: dataDir,
      WARROOM_ADMIN_PASSWORD: 'a',
    });
    expect(run.timedOut, 'the server kept running').toBe(false);
    expect(run.code).not.toBe(0);
    expect(run.stderr).toContain('WARROOM_ADMIN_PASSWORD');
    expect(run.stderr).toContain(`at least ${PASSWORD_MIN_LENGTH} characters`);
    // Said in one line, not as a stack trace.
    expect(run.stderr).not.toMatch(/\n\s+at /);
    expect(existsSync(join(dataDir, 'accounts'))).toBe(false);
  }, 60_000);
});
