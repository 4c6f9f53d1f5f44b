/**
 * Date-times over HTTP: every one the API takes is strict ISO-8601. An impossible date, time or
 * offset is answered 400 with the field named, never rolled over into another day; CSV date cells
 * are refused line by line; a local time in a daylight-saving gap moves forward.
 */
import { afterAll, afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { FastifyInstance, LightMyRequestResponse } from 'fastify';
import type { ImportReport, IngestReport, Launch, LaunchSnapshot } from '@warroom/shared';
import { makeApp, pastLaunchInput, removeTempDirs } from '../helpers/server';

let app: FastifyInstance;

beforeEach(async () => {
  app = await makeApp({ ticking: false });
});
afterEach(async () => {
  await app.close();
});
afterAll(removeTempDirs);

function send(method: 'POST' | 'PUT', url: string, payload: unknown) {
  return app.inject({ method, url, payload: payload as object });
}

async function createLaunch(overrides: Record<string, unknown> = {}): Promise<Launch> {
  const res = await send('POST', '/api/launches', pastLaunchInput(overrides));
  expect(res.statusCode, res.body).toBe(201);
  return res.json<Launch>();
}

/** A 400 invalid_input whose issues name `path` (and say what to write there). */
function expectRefused(res: LightMyRequestResponse, path: string[]) {
  expect(res.statusCode, res.body).toBe(400);
  const { error } = res.json<{
    error: { code: string; message: string; details: { issues: { path: string[]; message: string }[] } };
  }>();
  expect(error.code).toBe('invalid_input');
  expect(error.details.issues).toContainEqual({
    path,
    message: 'must be an ISO date-time such as 2026-11-11T10:00:00+08:00',
  });
  expect(error.message).toContain(path.join('.'));
}

const IMPOSSIBLE = [
  '2026-02-30T10:00:00+08:00', // there is no 30 February
  '2026-02-29T10:00:00Z', // 2026 is not a leap year
  '2026-04-31T10:00', // nor a 31 April
  '2026-13-01T10:00:00+08:00', // month 13
  '2026-11-11T24:00:01+08:00',
  '2026-11-11T10:60:00Z', // minute 60
  '2026-11-11T10:00:60Z', // second 60
  '2026-11-11T10:00:00+25:00', // no zone is 25 hours from UTC
];

describe('POST /api/launches: startAt', () => {
  it.each(IMPOSSIBLE)('%j is refused with a 400 naming startAt, and no launch is made', async (startAt) => {
    expectRefused(await send('POST', '/api/launches', pastLaunchInput({ startAt })), ['startAt']);
    const list = await app.inject({ method: 'GET', url: '/api/launches' });
    expect(list.json()).toEqual([]);
  });

  it('a local 开团 in a spring-forward gap moves forward by the gap (New York, 8 March 02:30 → 03:30 EDT)', async () => {
    const launch = await createLaunch({ startAt: '2026-03-08T02:30', timezone: 'America/New_York' });
    expect(launch.startAt).toBe('2026-03-08T03:30:00-04:00');
  });

  it('a local 开团 that happens twice is the earlier one (Berlin, 25 October 02:30 → CEST)', async () => {
    const launch = await createLaunch({ startAt: '2026-10-25T02:30', timezone: 'Europe/Berlin' });
    expect(launch.startAt).toBe('2026-10-25T02:30:00+02:00');
  });
});

describe('PUT /api/launches/:id: startAt', () => {
  it('an impossible 开团 is refused with a 400 naming startAt, and the launch keeps its own', async () => {
    const launch = await createLaunch();
    const res = await send(
      'PUT',
      `/api/launches/${launch.id}`,
      pastLaunchInput({ startAt: '2026-02-30T10:00:00+08:00' }),
    );
    expectRefused(res, ['startAt']);
    const after = await app.inject({ method: 'GET', url: `/api/launches/${launch.id}` });
    expect(after.json<LaunchSnapshot>().launch.startAt).toBe(launch.startAt);
  });
});

describe('POST /api/launches/:id/readings: at', () => {
  it.each(IMPOSSIBLE)(
    'one reading with at %j is refused with a 400 naming at, and nothing is stored',
    async (at) => {
      const launch = await createLaunch();
      expectRefused(await send('POST', `/api/launches/${launch.id}/readings`, { at, uv: 5 }), ['at']);
      const after = await app.inject({ method: 'GET', url: `/api/launches/${launch.id}` });
      expect(after.json<LaunchSnapshot>().readings).toEqual([]);
    },
  );

  it('in a batch, the reading with an impossible at is rejected by its index and the others are stored', async () => {
    const launch = await createLaunch();
    const res = await send('POST', `/api/launches/${launch.id}/readings`, [
      { minute: 0, uv: 1 },
      { at: '2026-02-30T00:00:00Z', uv: 2 },
      { minute: 1, uv: 3 },
    ]);
    expect(res.statusCode, res.body).toBe(200);
    const report = res.json<IngestReport>();
    expect(report.accepted).toBe(2);
    expect(report.rejected).toEqual([
      { index: 1, message: 'at: must be an ISO date-time such as 2026-11-11T10:00:00+08:00' },
    ]);
  });
});

describe('forecast requests: startAt', () => {
  const targets = { uv: 30_000, units: 2_000, gmv: 198_000 };

  it('POST /api/forecast/preview refuses an impossible startAt with a 400 naming it', async () => {
    const res = await send('POST', '/api/forecast/preview', { startAt: '2026-02-30T10:00', targets });
    expectRefused(res, ['startAt']);
  });

  it('POST /api/forecast/from-launch refuses an impossible startAt with a 400 naming it', async () => {
    const launch = await createLaunch();
    const res = await send('POST', '/api/forecast/from-launch', {
      launchId: launch.id,
      targets,
      startAt: '2026-11-11T24:00:01+08:00',
    });
    expectRefused(res, ['startAt']);
  });

  it('POST /api/forecast/import refuses an impossible startAt in its query with a 400 naming it', async () => {
    const res = await app.inject({
      method: 'POST',
      url: `/api/forecast/import?startAt=${encodeURIComponent('2026-02-30T10:00:00+08:00')}`,
      headers: { 'content-type': 'text/csv' },
      payload: '时间,访客数\n10:00,1\n',
    });
    expectRefused(res, ['startAt']);
  });
});

describe('run-sheet clock times', () => {
  it.each(['24:00', '10:60', '9:00', '10:00:00'])(
    'PUT /api/launches/:id/run-sheet refuses clockTime %j with a 400 naming it',
    async (clockTime) => {
      const launch = await createLaunch();
      const res = await send('PUT', `/api/launches/${launch.id}/run-sheet`, [
        { title: '开团前检查', owner: '运营主管', offsetMinutes: -30 },
        { title: '返场', owner: '运营主管', clockTime },
      ]);
      expect(res.statusCode, res.body).toBe(400);
      const issues = res.json<{ error: { details: { issues: { path: string[] }[] } } }>().error.details
        .issues;
      expect(issues.map((i) => i.path)).toContainEqual(['1', 'clockTime']);
    },
  );
});

describe('CSV imports: date-time cells', () => {
  it('an impossible date-time, with or without an offset, is refused on its line and the good lines are stored', async () => {
    const launch = await createLaunch({ startAt: '2026-02-28T10:00:00+08:00' });
    const csv =
      'at,uv\n' +
      '2026-02-28T10:00:00+08:00,1\n' + // line 2: minute 0
      '2026-02-30T10:01:00+08:00,2\n' + // line 3: not a day; Date.parse would have made it 2 March
      '2026-02-28 10:02,3\n' + // line 4: minute 2
      '2026-02-29 10:03,4\n' + // line 5: 2026 is not a leap year
      '2026-02-28T10:04:00+25:00,5\n'; // line 6: no such offset
    const res = await app.inject({
      method: 'POST',
      url: `/api/launches/${launch.id}/imports`,
      headers: { 'content-type': 'text/csv' },
      payload: Buffer.from(csv),
    });
    expect(res.statusCode, res.body).toBe(200);
    const report = res.json<ImportReport>();
    expect(report.accepted).toBe(2);
    expect(report.rejected.map((p) => [p.line, p.column])).toEqual([
      [3, 'at'],
      [5, 'at'],
      [6, 'at'],
    ]);
    expect(report.rejected[0]!.message).toContain("is not a date-time: '2026-02-30T10:01:00+08:00'");
    const after = await app.inject({ method: 'GET', url: `/api/launches/${launch.id}` });
    expect(after.json<LaunchSnapshot>().readings.map((r) => [r.minute, r.uv])).toEqual([
      [0, 1],
      [2, 3],
    ]);
  });
});
