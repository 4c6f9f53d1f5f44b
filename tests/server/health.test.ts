/**
 * GET /healthz needs no login, so it says only `ok` or `degraded` (HTTP 200 either way: the server
 * serves); the store, the launch count and the problems with their paths are for admins. A launch
 * whose log is corrupt is not loaded, and that makes the server degraded; a torn last line that was
 * cut off and kept beside the log is reported, but the launch loaded, so the server is ok.
 */
import { appendFile, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { FastifyInstance } from 'fastify';
import type { Launch } from '@warroom/shared';
import {
  TEST_STORE,
  makeApp,
  pastLaunchInput,
  readings,
  removeTempDirs,
  tempDir,
  userCookie,
} from '../helpers/server';

afterAll(removeTempDirs);

interface Problem {
  launchId: string;
  kind: string;
  message: string;
  savedTo?: string;
}
interface Details {
  status: string;
  store: string;
  launches: number;
  problems: Problem[];
  notLoaded: string[];
}

/** A data dir with two launches that have readings, and the app closed again. */
async function dataDirWithLaunches(): Promise<{ dataDir: string; launches: Launch[] }> {
  const dataDir = await tempDir();
  const app = await makeApp({ dataDir, ticking: false });
  const launches: Launch[] = [];
  for (const name of ['开团 A', '开团 B']) {
    const launch = (
      await app.inject({ method: 'POST', url: '/api/launches', payload: pastLaunchInput({ name }) })
    ).json<Launch>();
    const res = await app.inject({
      method: 'POST',
      url: `/api/launches/${launch.id}/readings`,
      payload: readings(0, 5),
    });
    expect(res.statusCode, res.body).toBe(200);
    launches.push(launch);
  }
  await app.close();
  return { dataDir, launches };
}

const logPath = (dataDir: string, id: string) => join(dataDir, 'launches', `${id}.jsonl`);

type AdminApp = FastifyInstance & { adminCookie: string };

async function anonymous(app: FastifyInstance) {
  return app.inject({ method: 'GET', url: '/healthz', headers: { cookie: '' } });
}

async function asAdmin(app: FastifyInstance): Promise<Details> {
  const res = await app.inject({ method: 'GET', url: '/healthz' });
  expect(res.statusCode).toBe(200);
  return res.json<Details>();
}

// Corrupting a file is the embedded store's failure mode (a Redis append is one atomic script).
describe.skipIf(TEST_STORE === 'redis')('/healthz', () => {
  it('answers anyone with only {"status":"ok"} when every launch loaded', async () => {
    const { dataDir } = await dataDirWithLaunches();
    const app = await makeApp({ dataDir, ticking: false });
    const res = await anonymous(app);
    expect(res.statusCode).toBe(200);
    expect(res.json()).toEqual({ status: 'ok' });
    expect(await asAdmin(app)).toEqual({
      status: 'ok',
      store: 'file',
      launches: 2,
      problems: [],
      notLoaded: [],
    });
    await app.close();
  });

  it('is degraded when a launch could not be loaded, and tells only an admin which and where', async () => {
    const { dataDir, launches } = await dataDirWithLaunches();
    const corrupt = launches[0]!;
    const lines = (await readFile(logPath(dataDir, corrupt.id), 'utf8')).split('\n');
    lines[1] = '{"offset": 2, "type": "reading.ingested", "reading": {';
    await writeFile(logPath(dataDir, corrupt.id), lines.join('\n'));

    const app = (await makeApp({ dataDir, ticking: false })) as AdminApp;
    expect((await app.inject({ method: 'GET', url: `/api/launches/${corrupt.id}` })).statusCode).toBe(404);

    // Nobody logged in, and a supervisor: neither is told more than the state.
    const supervisor = await userCookie(app, { username: 'lina', role: 'supervisor' });
    for (const cookie of ['', supervisor]) {
      const res = await app.inject({ method: 'GET', url: '/healthz', headers: { cookie } });
      expect(res.statusCode).toBe(200);
      expect(res.json()).toEqual({ status: 'degraded' });
      expect(res.body).not.toContain(dataDir);
      expect(res.body).not.toContain(corrupt.id);
    }

    const details = await asAdmin(app);
    expect(details).toMatchObject({ status: 'degraded', store: 'file', launches: 1 });
    expect(details.notLoaded).toEqual([corrupt.id]);
    expect(details.problems).toHaveLength(1);
    expect(details.problems[0]).toMatchObject({ launchId: corrupt.id, kind: 'corrupt' });
    expect(details.problems[0]!.message).toContain(logPath(dataDir, corrupt.id));
    await app.close();
  });

  it('stays ok after a torn last line was cut and kept; an admin sees where it was kept', async () => {
    const { dataDir, launches } = await dataDirWithLaunches();
    const torn = launches[1]!;
    await appendFile(logPath(dataDir, torn.id), '{"offset": 99, "type": "reading.in');

    const app = await makeApp({ dataDir, ticking: false });
    expect((await anonymous(app)).json()).toEqual({ status: 'ok' });
    const details = await asAdmin(app);
    expect(details).toMatchObject({ status: 'ok', launches: 2, notLoaded: [] });
    expect(details.problems).toHaveLength(1);
    expect(details.problems[0]).toMatchObject({ launchId: torn.id, kind: 'torn-tail' });
    expect(details.problems[0]!.savedTo).toContain(join(dataDir, 'launches'));
    await app.close();
  });
});
