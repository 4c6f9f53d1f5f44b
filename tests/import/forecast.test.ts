import type { ForecastFromLaunchResult, ForecastImportResult } from '@warroom/shared';
import { afterAll, describe, expect, it } from 'vitest';
import { cleanUp, createLaunch, csvFile, importText, makeApp, inject } from './helpers';

afterAll(cleanUp);

async function postForecast(app: Awaited<ReturnType<typeof makeApp>>, text: string, query = '') {
  const { bytes } = await csvFile(text, { encoding: 'gb18030' });
  const res = await inject(app, {
    method: 'POST',
    url: `/api/forecast/import${query}`,
    headers: { 'content-type': 'text/csv' },
    payload: bytes,
  });
  return { status: res.statusCode, body: res.json() as ForecastImportResult };
}

describe('forecast from a CSV', () => {
  it('a per-minute plan becomes one point per minute, shown and not stored', async () => {
    const app = await makeApp();
    const res = await postForecast(
      app,
      '分钟,访客数,支付件数,支付金额\n0,500,20,2000.5\n1,300,12,1200\n3,100,4,400\n',
    );
    expect(res.status).toBe(200);
    expect(res.body.forecast).toEqual([
      { minute: 0, uv: 500, pv: 0, fav: 0, cart: 0, orders: 0, units: 20, gmv: 2000.5 },
      { minute: 1, uv: 300, pv: 0, fav: 0, cart: 0, orders: 0, units: 12, gmv: 1200 },
      { minute: 2, uv: 0, pv: 0, fav: 0, cart: 0, orders: 0, units: 0, gmv: 0 },
      { minute: 3, uv: 100, pv: 0, fav: 0, cart: 0, orders: 0, units: 4, gmv: 400 },
    ]);
    expect(res.body.totals).toMatchObject({ uv: 900, units: 36, gmv: 3600.5 });
    expect(res.body.report.warnings).toContain(
      '1 minute(s) between 0 and 3 are not in the file (the first is minute 2); they are 0 in the curve',
    );
    expect((await inject(app, { method: 'GET', url: '/api/launches' })).json()).toEqual([]);
    // The points are what POST /api/launches takes as `forecast`.
    const created = await inject(app, {
      method: 'POST',
      url: '/api/launches',
      payload: {
        name: 'from csv',
        startAt: '2025-11-11T10:00',
        durationMinutes: 4,
        forecast: res.body.forecast,
      },
    });
    expect(created.statusCode).toBe(201);
    await app.close();
  });

  it('running totals with times need 开团 (startAt) and give fractional per-minute values', async () => {
    const app = await makeApp();
    const text = '时间,累计访客数,累计支付金额\n10:00,100.5,1000\n10:01,250,1500.25\n';
    const missing = await postForecast(app, text);
    expect(missing.status).toBe(400);
    expect(JSON.stringify(missing.body)).toContain('startAt');
    const res = await postForecast(app, text, '?startAt=2025-11-11T10:00&durationMinutes=3');
    expect(res.body.forecast.map((p) => [p.minute, p.uv, p.gmv])).toEqual([
      [0, 100.5, 1000],
      [1, 149.5, 500.25],
      [2, 0, 0],
    ]);
    await app.close();
  });
});

describe('forecast from a past launch', () => {
  it("scales the past launch's actual curve to the new targets, summing to them exactly", async () => {
    const app = await makeApp();
    const past = await createLaunch(app, { durationMinutes: 4 });
    await importText(
      app,
      past,
      'minute,uv,pv,units,orders,gmv\n0,100,300,10,8,1000\n1,50,150,5,4,500\n3,50,100,5,5,500\n',
    );
    const res = await inject(app, {
      method: 'POST',
      url: '/api/forecast/from-launch',
      payload: { launchId: past, targets: { uv: 1000, units: 30, gmv: 10001 }, startAt: '2026-06-18T20:00' },
    });
    expect(res.statusCode).toBe(200);
    const body = res.json() as ForecastFromLaunchResult;
    expect(body).toMatchObject({ launchId: past, startAt: '2026-06-18T20:00', durationMinutes: 4 });
    expect(body.scale).toEqual({ uv: 5, units: 1.5, gmv: 5.0005 });
    expect(body.forecast.map((p) => [p.uv, p.pv, p.units, p.orders, p.gmv])).toEqual([
      [500, 1500, 15, 12, 5000.5],
      [250, 750, 7.5, 6, 2500.25],
      [0, 0, 0, 0, 0],
      [250, 500, 7.5, 7.5, 2500.25],
    ]);
    expect(body.totals).toMatchObject({ uv: 1000, units: 30, gmv: 10001 });
    await app.close();
  });

  it('says what is wrong when there is nothing to scale or no such launch', async () => {
    const app = await makeApp();
    const empty = await createLaunch(app, { durationMinutes: 4 });
    const res = await inject(app, {
      method: 'POST',
      url: '/api/forecast/from-launch',
      payload: { launchId: empty, targets: { uv: 1000, units: 30, gmv: 10000 } },
    });
    expect(res.statusCode).toBe(400);
    expect(res.json().error.message).toContain('has no uv in its first 4 minutes');
    const none = await inject(app, {
      method: 'POST',
      url: '/api/forecast/from-launch',
      payload: { launchId: 'nosuchlaunch', targets: { uv: 1, units: 1, gmv: 1 } },
    });
    expect(none.statusCode).toBe(404);
    await app.close();
  });
});
