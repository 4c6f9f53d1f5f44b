/**
 * The HTTP contract through `app.inject()`: launches, readings, checkpoints and alerts, acks,
 * simulations and the event log, with the contract's error shape for every kind of bad input.
 */
import { afterAll, afterEach, beforeEach, describe, expect, it } from 'vitest';
import fc from 'fast-check';
import type { FastifyInstance, LightMyRequestResponse } from 'fastify';
import type {
  Alert,
  ForecastRange,
  IngestReport,
  Launch,
  LaunchEvent,
  LaunchSnapshot,
  LaunchSummary,
} from '@warroom/shared';
import {
  TEST_STORE,
  makeApp,
  pastLaunchInput,
  readings,
  removeTempDirs,
  userCookie,
} from '../helpers/server';
import { DocumentChecker, type Exchange, type OpenApiDocument, recordExchanges } from '../helpers/openapi';

let app: FastifyInstance;
/** Every request of a test and its answer, held to the OpenAPI document after the test. */
const exchanges: Exchange[] = [];
let checker: DocumentChecker | undefined;

beforeEach(async () => {
  app = recordExchanges(await makeApp({ ticking: false }), exchanges);
  checker ??= new DocumentChecker(
    (await app.inject({ method: 'GET', url: '/api/openapi.json' })).json<OpenApiDocument>(),
  );
  exchanges.length = 0;
});
afterEach(async () => {
  await app.close();
  const seen = exchanges.splice(0);
  // The requests the server took and all its answers are as GET /api/openapi.json describes them.
  expect(seen.flatMap((ex) => checker!.problems(ex))).toEqual([]);
});
afterAll(removeTempDirs);

function post(url: string, payload: unknown) {
  return app.inject({ method: 'POST', url, payload: payload as object });
}

async function createLaunch(overrides: Record<string, unknown> = {}): Promise<Launch> {
  const res = await post('/api/launches', pastLaunchInput(overrides));
  expect(res.statusCode, res.body).toBe(201);
  return res.json<Launch>();
}

async function getLaunch(id: string, query = ''): Promise<LaunchSnapshot> {
  const res = await app.inject({ method: 'GET', url: `/api/launches/${id}${query}` });
  expect(res.statusCode, res.body).toBe(200);
  return res.json<LaunchSnapshot>();
}

async function postReadings(id: string, body: unknown): Promise<IngestReport> {
  const res = await post(`/api/launches/${id}/readings`, body);
  expect(res.statusCode, res.body).toBe(200);
  return res.json<IngestReport>();
}

/** Asserts the contract's error shape and returns the error. */
function expectError(res: LightMyRequestResponse, status: number, code: string) {
  expect(res.statusCode, res.body).toBe(status);
  const body = res.json<{ error: { code: string; message: string; details?: unknown } }>();
  expect(body.error.code).toBe(code);
  expect(typeof body.error.message).toBe('string');
  expect(body.error.message.length).toBeGreaterThan(0);
  return body.error;
}

describe('health', () => {
  it('answers 200 once ready, with the store kind and no problems on a clean data dir', async () => {
    const res = await app.inject({ method: 'GET', url: '/healthz' });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toMatchObject({ status: 'ok', store: TEST_STORE, launches: 0, problems: [] });
  });
});

describe('creating a launch', () => {
  it('answers 201 with an id and every default resolved from a template forecast', async () => {
    const res = await post('/api/launches', {
      name: '聚划算 · 保温杯',
      startAt: '2026-11-11T10:00:00+08:00',
      forecast: { template: { uv: 30_000, units: 2_000, gmv: 198_000 } },
    });
    expect(res.statusCode, res.body).toBe(201);
    const launch = res.json<Launch>();
    expect(launch.id).toMatch(/^[a-z0-9]+$/);
    expect(launch).toMatchObject({
      name: '聚划算 · 保温杯',
      startAt: '2026-11-11T10:00:00+08:00',
      durationMinutes: 180,
      timezone: 'Asia/Shanghai',
      checkpoints: [5, 15, 25, 45, 60, 90, 120, 150, 180],
      checkpointMetrics: [{ at: 5, metrics: ['fav', 'cart', 'units'] }],
      tolerance: 0.2,
      metrics: ['uv', 'units', 'gmv'],
      graceSeconds: 60,
      clock: 'wall',
      targets: { uv: 30_000, units: 2_000, gmv: 198_000 },
    });
    expect(launch.forecast).toHaveLength(180);
    expect(launch.forecast.map((p) => p.minute)).toEqual(Array.from({ length: 180 }, (_, i) => i));
    // The template spreads the targets over the launch: the totals come back, the spike comes first.
    const total = (k: 'uv' | 'units' | 'gmv') => launch.forecast.reduce((s, p) => s + p[k], 0);
    expect(total('uv')).toBeCloseTo(30_000, 0);
    expect(total('units')).toBeCloseTo(2_000, 0);
    expect(total('gmv')).toBeCloseTo(198_000, 0);
    expect(launch.forecast[0]!.uv).toBeGreaterThan(launch.forecast[90]!.uv);
    // The default playbook: traffic under goes to 推广主管, a data gap to 运营主管.
    const trafficUnder = launch.playbook.find((e) => e.metric === 'uv' && e.direction === 'under');
    expect(trafficUnder?.owners[0]?.role).toBe('推广主管');
    const gap = launch.playbook.find((e) => e.metric === 'data-gap');
    expect(gap?.owners[0]?.role).toBe('运营主管');
  });

  it('takes a per-minute forecast array, filling omitted metrics and minutes with 0', async () => {
    const res = await post('/api/launches', {
      name: '预热测试',
      startAt: '2026-11-11T10:00:00',
      durationMinutes: 3,
      checkpoints: [2],
      tolerance: 0.1,
      forecast: [
        { minute: 0, uv: 100, gmv: 12.5 },
        { minute: 2, units: 3 },
      ],
    });
    expect(res.statusCode, res.body).toBe(201);
    const launch = res.json<Launch>();
    expect(launch.startAt).toBe('2026-11-11T10:00:00+08:00');
    expect(launch).toMatchObject({ durationMinutes: 3, checkpoints: [2], tolerance: 0.1, targets: null });
    expect(launch.forecast).toEqual([
      { minute: 0, uv: 100, pv: 0, fav: 0, cart: 0, orders: 0, units: 0, gmv: 12.5 },
      { minute: 1, uv: 0, pv: 0, fav: 0, cart: 0, orders: 0, units: 0, gmv: 0 },
      { minute: 2, uv: 0, pv: 0, fav: 0, cart: 0, orders: 0, units: 3, gmv: 0 },
    ]);
  });

  it('lists created launches and returns one with its (empty) readings, checkpoints and alerts', async () => {
    const a = await createLaunch({ name: 'A' });
    const b = await createLaunch({ name: 'B' });
    const list = await app.inject({ method: 'GET', url: '/api/launches' });
    expect(list.statusCode).toBe(200);
    const summaries = list.json<LaunchSummary[]>();
    expect(summaries.map((s) => s.id).sort()).toEqual([a.id, b.id].sort());
    expect(summaries.find((s) => s.id === a.id)).toMatchObject({ name: 'A', readings: 0, openAlerts: 0 });
    const snap = await getLaunch(a.id);
    // Without its per-minute curve unless asked for it.
    const { forecast, ...head } = a;
    expect(snap.launch).toEqual(head);
    expect(snap).toMatchObject({ readings: [], checkpoints: [], alerts: [] });
    expect((await getLaunch(a.id, '?include=forecast')).launch).toEqual(a);
    expect(forecast).toHaveLength(60);
    expectError(
      await app.inject({ method: 'GET', url: `/api/launches/${a.id}?include=everything` }),
      400,
      'invalid_input',
    );
  });

  it('serves a part of the curve, preheat included, and a month-long launch without it in a few KB', async () => {
    const month = 30 * 24 * 60;
    const launch = await createLaunch({
      durationMinutes: month,
      checkpoints: [15, 60, 1440],
      preheatMinutes: 60,
      forecast: { template: { uv: 3_000_000, units: 200_000, gmv: 19_800_000 } },
    });
    expect(launch.forecast).toHaveLength(month);
    const range = async (q: string) =>
      app.inject({ method: 'GET', url: `/api/launches/${launch.id}/forecast${q}` });
    const day = (await range('')).json<ForecastRange>();
    expect(day).toMatchObject({
      launchId: launch.id,
      from: 0,
      to: 1440,
      durationMinutes: month,
      preheatMinutes: 60,
    });
    expect(day.points).toEqual(launch.forecast.slice(0, 1440));
    const around = (await range('?from=-2&to=3')).json<ForecastRange>();
    expect(around.points.map((p) => p.minute)).toEqual([-2, -1, 0, 1, 2]);
    expect(around.points.slice(0, 2)).toEqual(launch.preheatForecast!.slice(58));
    const end = (await range(`?from=${month - 2}&to=${month + 100}`)).json<ForecastRange>();
    expect(end.points).toEqual(launch.forecast.slice(month - 2));
    expectError(await range('?from=10&to=10'), 400, 'invalid_input');
    expectError(await range(`?from=0&to=${7 * 1440 + 1}`), 400, 'invalid_input');
    expectError(await range('?from=zero'), 400, 'invalid_input');
    const head = await app.inject({ method: 'GET', url: `/api/launches/${launch.id}` });
    expect(head.statusCode).toBe(200);
    expect(Buffer.byteLength(head.body)).toBeLessThan(50 * 1024);
    const whole = await app.inject({ method: 'GET', url: `/api/launches/${launch.id}?include=forecast` });
    expect(Buffer.byteLength(whole.body)).toBeGreaterThan(month * 50);
  });

  it('answers 404 in the error shape for a launch that does not exist', async () => {
    expectError(await app.inject({ method: 'GET', url: '/api/launches/nosuchlaunch' }), 404, 'not_found');
    expectError(
      await app.inject({ method: 'GET', url: '/api/launches/nosuchlaunch/events' }),
      404,
      'not_found',
    );
    expectError(await post('/api/launches/nosuchlaunch/readings', { minute: 0, uv: 1 }), 404, 'not_found');
  });

  const valid = () => pastLaunchInput();
  const without = (key: string) => {
    const v = valid();
    delete v[key];
    return v;
  };
  const badInputs: [string, unknown][] = [
    ['a missing name', without('name')],
    ['an empty name', { ...valid(), name: '   ' }],
    ['a missing startAt', without('startAt')],
    ['a startAt that is not a date', { ...valid(), startAt: 'next tuesday' }],
    ['a startAt that is a number', { ...valid(), startAt: 1_700_000_000_000 }],
    ['a missing forecast', without('forecast')],
    ['a checkpoint after the end', { ...valid(), checkpoints: [15, 61] }],
    ['a checkpoint listed twice', { ...valid(), checkpoints: [15, 15] }],
    ['a checkpoint at minute 0', { ...valid(), checkpoints: [0] }],
    ['a negative duration', { ...valid(), durationMinutes: -5 }],
    ['a fractional duration', { ...valid(), durationMinutes: 1.5 }],
    ['a negative tolerance', { ...valid(), tolerance: -0.2 }],
    ['a negative grace period', { ...valid(), graceSeconds: -1 }],
    ['negative stock', { ...valid(), stock: -1 }],
    ['a negative forecast value', { ...valid(), forecast: [{ minute: 0, uv: -1 }] }],
    ['a negative template target', { ...valid(), forecast: { template: { uv: -1, units: 1, gmv: 1 } } }],
    ['a template missing a target', { ...valid(), forecast: { template: { uv: 1, units: 1 } } }],
    ['a forecast minute after the end', { ...valid(), forecast: [{ minute: 60, uv: 1 }] }],
    // Minutes before 开团 are the preheat's plan — but not more than a day before.
    ['a forecast minute more than a day before 开团', { ...valid(), forecast: [{ minute: -1441, uv: 1 }] }],
    ['a forecast minute listed twice', { ...valid(), forecast: [{ minute: 1 }, { minute: 1 }] }],
    ['an empty forecast array', { ...valid(), forecast: [] }],
    ['an unknown key', { ...valid(), colour: 'red' }],
    ['an unknown key in a forecast point', { ...valid(), forecast: [{ minute: 0, visitors: 5 }] }],
    ['an unknown metric', { ...valid(), metrics: ['uv', 'likes'] }],
    ['an unknown time zone', { ...valid(), timezone: 'Mars/Olympus' }],
    ['a string where a number belongs', { ...valid(), durationMinutes: '60' }],
    ['an array body', [valid()]],
    ['a JSON string body', 'launch'],
    ['a JSON null body', null],
  ];
  it.each(badInputs)('refuses %s with 400 invalid_input and details', async (_what, body) => {
    const res = await app.inject({
      method: 'POST',
      url: '/api/launches',
      headers: { 'content-type': 'application/json' },
      payload: JSON.stringify(body),
    });
    const error = expectError(res, 400, 'invalid_input');
    expect(error.details).toBeDefined();
    // Nothing was created.
    const list = await app.inject({ method: 'GET', url: '/api/launches' });
    expect(list.json()).toEqual([]);
  });

  it('names the offending field in the message', async () => {
    const res = await post('/api/launches', { ...valid(), checkpoints: [15, 61] });
    const error = expectError(res, 400, 'invalid_input');
    expect(error.message).toContain('checkpoints');
    expect(error.message).toContain('61');
  });

  it('refuses a body that is not JSON with 400 invalid_json', async () => {
    for (const payload of ['{"name": ', 'not json at all', '{"a":1}}']) {
      const res = await app.inject({
        method: 'POST',
        url: '/api/launches',
        headers: { 'content-type': 'application/json' },
        payload,
      });
      expectError(res, 400, 'invalid_json');
    }
  });

  it('refuses an empty JSON body with 400', async () => {
    const res = await app.inject({
      method: 'POST',
      url: '/api/launches',
      headers: { 'content-type': 'application/json' },
      payload: '',
    });
    expect(res.statusCode).toBe(400);
    expect(res.json<{ error: { code: string } }>().error.code).toMatch(/^invalid_(json|input)$/);
  });

  it('refuses a body that is not JSON by content type with 415', async () => {
    for (const type of ['application/xml', 'application/x-www-form-urlencoded', 'text/plain']) {
      const res = await app.inject({
        method: 'POST',
        url: '/api/launches',
        headers: { 'content-type': type },
        payload: JSON.stringify(valid()),
      });
      expectError(res, 415, 'unsupported_media_type');
    }
  });

  it('refuses a body over the size limit with 413', async () => {
    const res = await app.inject({
      method: 'POST',
      url: '/api/launches',
      headers: { 'content-type': 'application/json' },
      payload: JSON.stringify({ ...valid(), name: 'x'.repeat(2 * 1024 * 1024) }),
    });
    expectError(res, 413, 'payload_too_large');
  });

  it('refuses prototype pollution attempts without a 500', async () => {
    const res = await app.inject({
      method: 'POST',
      url: '/api/launches',
      headers: { 'content-type': 'application/json' },
      payload: '{"name":"x","__proto__":{"admin":true}}',
    });
    expect(res.statusCode).toBe(400);
    expect(res.json<{ error: { code: string } }>().error.code).toMatch(/^invalid_/);
  });
});

describe('posting readings', () => {
  it('accepts one reading or an array and reports accepted, duplicates and rejected', async () => {
    const launch = await createLaunch();
    expect(await postReadings(launch.id, { minute: 0, uv: 100, units: 10, gmv: 1000 })).toEqual({
      accepted: 1,
      duplicates: 0,
      rejected: [],
    });
    expect(await postReadings(launch.id, readings(1, 4))).toEqual({
      accepted: 3,
      duplicates: 0,
      rejected: [],
    });
    const snap = await getLaunch(launch.id);
    expect(snap.readings.map((r) => r.minute)).toEqual([0, 1, 2, 3]);
    // An omitted metric is 0.
    expect(snap.readings[0]).toEqual({
      minute: 0,
      uv: 100,
      pv: 0,
      fav: 0,
      cart: 0,
      orders: 0,
      units: 10,
      gmv: 1000,
    });
  });

  it('places a reading given by time ("at") in its minute', async () => {
    const launch = await createLaunch();
    const at = new Date(Date.parse(launch.startAt) + 5 * 60_000 + 30_000).toISOString();
    expect(await postReadings(launch.id, { at, uv: 7 })).toMatchObject({ accepted: 1 });
    const snap = await getLaunch(launch.id);
    expect(snap.readings).toEqual([expect.objectContaining({ minute: 5, uv: 7 })]);
  });

  it('counts an identical re-send as a duplicate and a changed re-send replaces the reading', async () => {
    const launch = await createLaunch();
    await postReadings(launch.id, readings(0, 3));
    const before = await getLaunch(launch.id);
    expect(await postReadings(launch.id, readings(0, 3))).toEqual({
      accepted: 0,
      duplicates: 3,
      rejected: [],
    });
    const after = await getLaunch(launch.id);
    expect(after.offset).toBe(before.offset); // nothing recorded
    expect(
      await postReadings(launch.id, [{ minute: 1, uv: 55, units: 5, gmv: 500 }, ...readings(2, 3)]),
    ).toEqual({
      accepted: 1,
      duplicates: 1,
      rejected: [],
    });
    const snap = await getLaunch(launch.id);
    expect(snap.readings).toHaveLength(3);
    expect(snap.readings[1]).toMatchObject({ minute: 1, uv: 55, units: 5, gmv: 500 });
  });

  it('rejects readings from the launch clock’s future, and bad items by index, accepting the rest', async () => {
    const launch = await createLaunch(); // started 20 minutes ago: minute 19 is now
    const report = await postReadings(launch.id, [
      { minute: 0, uv: 1 },
      { minute: 30, uv: 1 }, // ten minutes ahead: a clock error
      { minute: 1, uv: -5 },
      { minute: 2, visitors: 3 },
      { uv: 3 },
      { minute: 3, uv: 1.5 },
      'reading',
      { minute: 60, uv: 1 }, // after the launch ends
      { minute: 4, uv: 2 },
    ]);
    expect(report.accepted).toBe(2);
    expect(report.duplicates).toBe(0);
    expect(report.rejected.map((r) => r.index)).toEqual([1, 2, 3, 4, 5, 6, 7]);
    for (const r of report.rejected) expect(r.message.length).toBeGreaterThan(0);
    expect(report.rejected[0]!.message).toContain('future');
    const snap = await getLaunch(launch.id);
    expect(snap.readings.map((r) => r.minute)).toEqual([0, 4]);
  });

  it('refuses a single invalid reading and an empty batch with 400', async () => {
    const launch = await createLaunch();
    expectError(await post(`/api/launches/${launch.id}/readings`, { uv: 1 }), 400, 'invalid_input');
    expectError(
      await post(`/api/launches/${launch.id}/readings`, { minute: 0, at: launch.startAt }),
      400,
      'invalid_input',
    );
    expectError(await post(`/api/launches/${launch.id}/readings`, []), 400, 'invalid_input');
    expectError(
      await app.inject({
        method: 'POST',
        url: `/api/launches/${launch.id}/readings`,
        headers: { 'content-type': 'application/json' },
        payload: '[{"minute": 0',
      }),
      400,
      'invalid_json',
    );
    expect((await getLaunch(launch.id)).readings).toEqual([]);
  });

  it('a batch that completes checkpoint 15 with a breach shows the checkpoint and a planned alert', async () => {
    const launch = await createLaunch();
    // Traffic at 60% of plan, sales on plan: uv exactly 40% under is a warning (critical is beyond 40%).
    const batch = readings(0, 15).map((r) => ({ ...r, uv: 60 }));
    expect(await postReadings(launch.id, batch)).toMatchObject({ accepted: 15 });
    const snap = await getLaunch(launch.id);
    expect(snap.checkpoints).toHaveLength(1);
    const cp = snap.checkpoints[0]!;
    expect(cp).toMatchObject({ checkpoint: 15, complete: true });
    const byMetric = Object.fromEntries(cp.metrics.map((m) => [m.metric, m]));
    expect(byMetric.uv).toMatchObject({ actual: 900, forecast: 1500, deviation: -0.4, breach: 'under' });
    expect(byMetric.units).toMatchObject({ actual: 150, forecast: 150, deviation: 0, breach: null });
    expect(byMetric.gmv).toMatchObject({ breach: null });

    expect(snap.alerts).toHaveLength(1);
    const alert = snap.alerts[0]!;
    expect(alert).toMatchObject({
      launchId: launch.id,
      kind: 'breach',
      checkpoint: 15,
      metric: 'uv',
      direction: 'under',
      severity: 'warning',
      deviation: -0.4,
      actual: 900,
      forecast: 1500,
      status: 'open',
      ackedBy: null,
      ackedAt: null,
      owner: '推广主管',
    });
    expect(alert.plan).toMatchObject({ metric: 'uv', direction: 'under' });
    expect(alert.plan.owners[0]!.role).toBe('推广主管');
    expect(alert.plan.owners[0]!.actions.join(' ')).toContain('直通车');

    const list = await app.inject({ method: 'GET', url: '/api/launches' });
    expect(list.json<LaunchSummary[]>()[0]).toMatchObject({ id: launch.id, openAlerts: 1, readings: 15 });
  });

  it('exactly 20% under is inside the tolerance; beyond 40% is critical; sales over goes to 运营主管', async () => {
    const inside = await createLaunch();
    await postReadings(inside.id, readings(0, 15, 0.8));
    const snapInside = await getLaunch(inside.id);
    expect(snapInside.checkpoints[0]!.metrics.every((m) => m.breach === null)).toBe(true);
    expect(snapInside.alerts).toEqual([]);

    const over = await createLaunch();
    await postReadings(
      over.id,
      readings(0, 15).map((r) => ({ ...r, units: 15, gmv: 1500 })),
    );
    const alerts = (await getLaunch(over.id)).alerts;
    expect(alerts.map((a) => a.metric).sort()).toEqual(['gmv', 'units']);
    for (const a of alerts) {
      expect(a).toMatchObject({ direction: 'over', severity: 'critical', deviation: 0.5, owner: '运营主管' });
      expect(a.plan.owners.map((o) => o.role)).toEqual(['运营主管', '仓储主管']);
    }
  });

  it('a late reading re-evaluates the checkpoint and clears its alert in place, never duplicating it', async () => {
    const launch = await createLaunch();
    await postReadings(
      launch.id,
      readings(0, 15).map((r) => ({ ...r, uv: 60 })),
    );
    const [raised] = (await getLaunch(launch.id)).alerts;
    // Corrected figures for every minute: traffic was on plan after all.
    await postReadings(launch.id, readings(0, 15));
    const snap = await getLaunch(launch.id);
    expect(snap.alerts).toHaveLength(1);
    expect(snap.alerts[0]).toMatchObject({ id: raised!.id, status: 'cleared' });
    expect(snap.checkpoints[0]!.revision).toBe(2);
  });
});

describe('acknowledging alerts', () => {
  async function launchWithAlert(): Promise<{ launch: Launch; alert: Alert }> {
    const launch = await createLaunch();
    await postReadings(
      launch.id,
      readings(0, 15).map((r) => ({ ...r, uv: 60 })),
    );
    const alert = (await getLaunch(launch.id)).alerts[0]!;
    return { launch, alert };
  }

  it('records the logged-in supervisor, when, the action and the note', async () => {
    const { launch, alert } = await launchWithAlert();
    const cookie = await userCookie(app as FastifyInstance & { adminCookie: string }, {
      username: 'lina',
      displayName: '李娜',
      role: 'supervisor',
    });
    const res = await app.inject({
      method: 'POST',
      url: `/api/alerts/${alert.id}/ack`,
      headers: { cookie },
      payload: { action: '直通车加价', note: '已加价 20%' },
    });
    expect(res.statusCode, res.body).toBe(200);
    const acked = res.json<Alert>();
    expect(acked).toMatchObject({
      id: alert.id,
      status: 'acknowledged',
      ackedBy: '李娜',
      action: '直通车加价',
      note: '已加价 20%',
    });
    expect(Number.isNaN(Date.parse(acked.ackedAt!))).toBe(false);
    expect((await getLaunch(launch.id)).alerts[0]).toEqual(acked);
  });

  it('a second acknowledgement returns the first unchanged and records nothing', async () => {
    const { launch, alert } = await launchWithAlert();
    const first = (await post(`/api/alerts/${alert.id}/ack`, { by: '李娜' })).json<Alert>();
    const offset = (await getLaunch(launch.id)).offset;
    const res = await post(`/api/alerts/${alert.id}/ack`, { by: '王强', note: '我也看到了' });
    expect(res.statusCode).toBe(200);
    expect(res.json<Alert>()).toEqual(first);
    expect((await getLaunch(launch.id)).offset).toBe(offset);
  });

  it('a typed name is not trusted: the acknowledgement names who is logged in', async () => {
    const { alert } = await launchWithAlert();
    const res = await post(`/api/alerts/${alert.id}/ack`, { by: '别人' });
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json<Alert>().ackedBy).toBe('admin');
  });

  it('answers 404 for an unknown alert and 400 for a malformed acknowledgement', async () => {
    const { alert } = await launchWithAlert();
    expectError(await post('/api/alerts/nosuchlaunch-t15-uv/ack', { by: '李娜' }), 404, 'not_found');
    expectError(await post('/api/alerts/nonsense/ack', { by: '李娜' }), 404, 'not_found');
    expectError(
      await post(`/api/alerts/${alert.id.replace('-uv', '-pv')}/ack`, { by: '李娜' }),
      404,
      'not_found',
    );
    expectError(await post(`/api/alerts/${alert.id}/ack`, { by: '  ' }), 400, 'invalid_input');
    expectError(await post(`/api/alerts/${alert.id}/ack`, { by: '李娜', extra: 1 }), 400, 'invalid_input');
    expectError(await post(`/api/alerts/${alert.id}/ack`, { by: 42 }), 400, 'invalid_input');
    // Still open after all that.
    const alerts = (await app.inject({ method: 'GET', url: '/api/alerts' })).json<Alert[]>();
    expect(alerts[0]).toMatchObject({ id: alert.id, status: 'open', ackedBy: null });
  });

  it('lists alerts across launches, filtered by status and launch', async () => {
    const a = await launchWithAlert();
    const b = await launchWithAlert();
    await post(`/api/alerts/${a.alert.id}/ack`, { by: '李娜' });
    const get = async (query: string) =>
      (await app.inject({ method: 'GET', url: `/api/alerts${query}` })).json<Alert[]>().map((x) => x.id);
    expect((await get('')).sort()).toEqual([a.alert.id, b.alert.id].sort());
    expect(await get('?status=open')).toEqual([b.alert.id]);
    expect(await get('?status=acknowledged')).toEqual([a.alert.id]);
    expect(await get('?status=cleared')).toEqual([]);
    expect(await get(`?launchId=${a.launch.id}`)).toEqual([a.alert.id]);
    expect(await get(`?launchId=${b.launch.id}&status=acknowledged`)).toEqual([]);
    expectError(await app.inject({ method: 'GET', url: '/api/alerts?status=bogus' }), 400, 'invalid_input');
  });
});

describe('simulations', () => {
  it('refuses an unknown scenario, a bad speed and unknown keys with 400', async () => {
    for (const body of [
      { scenario: 'alien-invasion', speed: 10 },
      { scenario: 'on-plan' },
      { scenario: 'on-plan', speed: 0 },
      { scenario: 'on-plan', speed: -5 },
      { scenario: 'on-plan', speed: 10, seed: 1.5 },
      { scenario: 'on-plan', speed: 10, colour: 'red' },
    ]) {
      expectError(await post('/api/simulations', body), 400, 'invalid_input');
    }
    expect((await app.inject({ method: 'GET', url: '/api/simulations' })).json()).toEqual([]);
  });

  it('answers 404 when stopping a simulation that does not exist', async () => {
    expectError(await app.inject({ method: 'DELETE', url: '/api/simulations/nosuchsim' }), 404, 'not_found');
  });

  it('starts a simulation on a new simulated launch and stops it', async () => {
    const res = await post('/api/simulations', { scenario: 'on-plan', speed: 10, seed: 7 });
    expect(res.statusCode, res.body).toBe(201);
    const { simulationId, launchId } = res.json<{ simulationId: string; launchId: string }>();
    const snap = await getLaunch(launchId);
    expect(snap.launch.clock).toBe('simulated');
    expect(snap.simulation).toMatchObject({ simulationId, scenario: 'on-plan', seed: 7, running: true });
    const stop = await app.inject({ method: 'DELETE', url: `/api/simulations/${simulationId}` });
    expect(stop.statusCode).toBe(204);
    expect((await getLaunch(launchId)).simulation).toMatchObject({ running: false });
  });
});

describe('the event log over HTTP', () => {
  it('returns the durable events after an offset, in order', async () => {
    const launch = await createLaunch();
    await postReadings(
      launch.id,
      readings(0, 15).map((r) => ({ ...r, uv: 60 })),
    );
    const all = (await app.inject({ method: 'GET', url: `/api/launches/${launch.id}/events` })).json<{
      offset: number;
      events: LaunchEvent[];
    }>();
    expect(all.events[0]).toMatchObject({ type: 'launch.created', offset: 1, launchId: launch.id });
    expect(all.events.map((e) => e.offset)).toEqual(Array.from({ length: all.offset }, (_, i) => i + 1));
    const types = all.events.map((e) => e.type);
    expect(types.filter((t) => t === 'reading.ingested')).toHaveLength(15);
    expect(types).toContain('checkpoint.evaluated');
    expect(types).toContain('alert.raised');

    const after = (
      await app.inject({ method: 'GET', url: `/api/launches/${launch.id}/events?after=10` })
    ).json<{ offset: number; events: LaunchEvent[] }>();
    expect(after.offset).toBe(all.offset);
    expect(after.events).toEqual(all.events.slice(10));
    const beyond = (
      await app.inject({ method: 'GET', url: `/api/launches/${launch.id}/events?after=${all.offset + 5}` })
    ).json<{ events: LaunchEvent[] }>();
    expect(beyond.events).toEqual([]);
    for (const q of ['after=-1', 'after=abc', 'after=1.5']) {
      expectError(
        await app.inject({ method: 'GET', url: `/api/launches/${launch.id}/events?${q}` }),
        400,
        'invalid_input',
      );
    }
  });
});

it('unknown routes answer 404 in the error shape', async () => {
  expectError(await app.inject({ method: 'GET', url: '/api/nothing-here' }), 404, 'not_found');
});

describe('bad input never gets a 500', () => {
  const LAUNCH_KEYS = [
    'name',
    'startAt',
    'durationMinutes',
    'timezone',
    'checkpoints',
    'tolerance',
    'metrics',
    'graceSeconds',
    'escalateAfterSeconds',
    'stock',
    'price',
    'targets',
    'playbook',
    'forecast',
  ];
  const anyJson = fc.jsonValue({ maxDepth: 3 });

  async function expectAnswered(url: string, body: unknown, method: 'POST' | 'GET' = 'POST') {
    const res = await app.inject({
      method,
      url,
      headers: { 'content-type': 'application/json' },
      ...(method === 'POST' ? { payload: JSON.stringify(body) ?? 'null' } : {}),
    });
    expect(res.statusCode, `${url} ${res.body.slice(0, 300)}`).toBeLessThan(500);
    if (res.statusCode >= 400) {
      const parsed = res.json<{ error: { code: string; message: string } }>();
      expect(typeof parsed.error.code).toBe('string');
      expect(typeof parsed.error.message).toBe('string');
    }
    return res;
  }

  it('for launches: any JSON, and a valid launch with any one field replaced by any JSON', async () => {
    await fc.assert(
      fc.asyncProperty(anyJson, async (body) => {
        await expectAnswered('/api/launches', body);
      }),
      { numRuns: 150 },
    );
    await fc.assert(
      fc.asyncProperty(fc.constantFrom(...LAUNCH_KEYS), anyJson, async (key, value) => {
        await expectAnswered('/api/launches', { ...pastLaunchInput(), [key]: value });
      }),
      { numRuns: 300 },
    );
  });

  it('for readings, acknowledgements, simulations and queries', async () => {
    const launch = await createLaunch();
    await postReadings(
      launch.id,
      readings(0, 15).map((r) => ({ ...r, uv: 60 })),
    );
    const alertId = `${launch.id}-t15-uv`;
    const readingField = fc.constantFrom('minute', 'at', 'uv', 'pv', 'fav', 'cart', 'orders', 'units', 'gmv');
    await fc.assert(
      fc.asyncProperty(
        anyJson,
        readingField,
        anyJson,
        fc.string({ maxLength: 30 }),
        fc.constantFrom(...LAUNCH_KEYS),
        async (body, field, value, text, launchKey) => {
          await expectAnswered(`/api/launches/${launch.id}/readings`, body);
          await expectAnswered(`/api/launches/${launch.id}/readings`, [
            { minute: 16, uv: 1, [field]: value },
          ]);
          await expectAnswered(`/api/launches/${launch.id}/readings`, { minute: 16, [field]: value });
          await expectAnswered(`/api/alerts/${encodeURIComponent(text)}/ack`, { by: '李娜' });
          await expectAnswered(`/api/alerts/${alertId}/ack`, body);
          await expectAnswered('/api/simulations', body);
          await expectAnswered('/api/simulations', {
            scenario: 'on-plan',
            speed: 1,
            launch: { [launchKey]: value },
          });
          await expectAnswered(`/api/alerts?status=${encodeURIComponent(text)}`, undefined, 'GET');
          await expectAnswered(
            `/api/launches/${launch.id}/events?after=${encodeURIComponent(text)}`,
            undefined,
            'GET',
          );
          await expectAnswered(`/api/launches/${encodeURIComponent(text)}`, undefined, 'GET');
        },
      ),
      { numRuns: 150 },
    );
    // Simulations that did start are stopped so they do not outlive the test.
    for (const sim of (await app.inject({ method: 'GET', url: '/api/simulations' })).json<
      { simulationId: string }[]
    >())
      await app.inject({ method: 'DELETE', url: `/api/simulations/${sim.simulationId}` });
  });
});

describe('channels on the wire', () => {
  it('stores a reading’s channel breakdown and refuses an unknown channel by name', async () => {
    const launch = await createLaunch({
      channelShares: { ztc: 0.3 },
      budgets: { total: 500, channels: { ztc: 300 } },
    });
    expect(launch).toMatchObject({
      channelShares: { ztc: 0.3 },
      budgets: { total: 500, channels: { ztc: 300 } },
    });
    expect(
      await postReadings(launch.id, { minute: 0, uv: 10, channels: { ztc: { uv: 3, spend: 4.5 } } }),
    ).toMatchObject({
      accepted: 1,
    });
    expect((await getLaunch(launch.id)).readings[0]!.channels).toEqual({ ztc: { uv: 3, spend: 4.5 } });
    const one = expectError(
      await post(`/api/launches/${launch.id}/readings`, { minute: 1, uv: 1, channels: { tmall: { uv: 1 } } }),
      400,
      'invalid_input',
    );
    expect(one.message + JSON.stringify(one.details)).toContain('tmall');
    const many = await postReadings(launch.id, [
      { minute: 1, channels: { constructor: { uv: 1 } } },
      { minute: 2, uv: 1 },
    ]);
    expect(many.accepted).toBe(1);
    expect(many.rejected[0]!.message).toContain('constructor');
    const zh = await app.inject({
      method: 'POST',
      url: `/api/launches/${launch.id}/readings`,
      headers: { 'accept-language': 'zh-CN' },
      payload: { minute: 3, channels: { tv: {} } },
    });
    expect(zh.statusCode).toBe(400);
    expect(zh.body).toContain('未知的流量渠道');
    expectError(
      await post('/api/launches', pastLaunchInput({ budgets: { channels: { tv: 1 } } })),
      400,
      'invalid_input',
    );
  });
});
