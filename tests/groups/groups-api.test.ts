/**
 * Launch groups over HTTP: CRUD, one group per launch (409), totals equal to the sums of each
 * launch's own readings, persistence across a restart, the merged run sheet, the group review and
 * its exports, and the simulator's batch.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FastifyInstance } from 'fastify';
import ExcelJS from 'exceljs';
import type { GroupReview, GroupRunSheetRow, GroupView, LaunchSnapshot } from '@warroom/shared';
import { makeApp, pastLaunchInput, readings, removeTempDirs, tempDir, waitFor } from '../helpers/server';

let app: FastifyInstance & { adminCookie: string };
let dataDir: string;
const ids: string[] = [];

async function createLaunch(name: string, startedMinutesAgo: number, stock: number | null = null) {
  const res = await app.inject({
    method: 'POST',
    url: '/api/launches',
    payload: pastLaunchInput(stock === null ? { name } : { name, stock }, startedMinutesAgo),
  });
  expect(res.statusCode, res.body).toBe(201);
  return res.json<{ id: string }>().id;
}

beforeAll(async () => {
  dataDir = await tempDir();
  app = (await makeApp({ dataDir, ticking: false })) as typeof app;
  await app.ready();
  ids.push(await createLaunch('10:00 保温杯', 30, 250));
  ids.push(await createLaunch('10:05 咖啡豆', 25));
  ids.push(await createLaunch('10:10 茶具', 20));
  const post = (id: string, body: object) =>
    app.inject({ method: 'POST', url: `/api/launches/${id}/readings`, payload: body });
  expect((await post(ids[0]!, readings(0, 20, 1.5))).statusCode).toBe(200);
  expect((await post(ids[1]!, readings(0, 12, 0.7))).statusCode).toBe(200);
  expect((await post(ids[2]!, readings(0, 5, 1.13))).statusCode).toBe(200);
});
afterAll(async () => {
  await app.close();
  await removeTempDirs();
});

describe('launch groups', () => {
  let groupId = '';

  it('creates a group and answers its launches and totals', async () => {
    const res = await app.inject({
      method: 'POST',
      url: '/api/groups',
      payload: { name: '聚划算 10:00 场', launchIds: ids },
    });
    expect(res.statusCode, res.body).toBe(201);
    const view = res.json<GroupView>();
    groupId = view.group.id;
    expect(view.group.launchIds).toEqual(ids);
    expect(view.launches.map((l) => l.id).sort()).toEqual([...ids].sort());
  });

  it("totals equal the sums of each launch's readings from its own API", async () => {
    const view = (await app.inject({ method: 'GET', url: `/api/groups/${groupId}` })).json<GroupView>();
    let gmv = 0;
    let units = 0;
    for (const id of ids) {
      const snap = (await app.inject({ method: 'GET', url: `/api/launches/${id}` })).json<LaunchSnapshot>();
      for (const r of snap.readings) {
        gmv += r.gmv;
        units += r.units;
      }
      const tile = view.launches.find((l) => l.id === id)!;
      expect(tile.gmv).toBeCloseTo(
        snap.readings.reduce((s, r) => s + r.gmv, 0),
        6,
      );
    }
    expect(view.totals.gmv).toBeCloseTo(gmv, 6);
    expect(view.totals.units).toBe(units);
    expect(view.totals.launches).toBe(3);
    // The plan: 60 minutes × ¥1000 per launch.
    expect(view.totals.targetGmv).toBe(3 * 60_000);
    expect(view.totals.completion).toBeCloseTo(gmv / 180_000, 9);
    // The launch with stock: 250 on hand, 20 minutes × 15 units sold → sold out in minute 16.
    const withStock = view.launches.find((l) => l.id === ids[0])!;
    expect(withStock.soldOut).toBe(true);
    expect(withStock.remaining).toBe(0);
    expect(withStock.soldOutMinute).toBe(16);
  });

  it('refuses a launch that is in another group, naming it (409), in the caller’s language', async () => {
    const res = await app.inject({
      method: 'POST',
      url: '/api/groups',
      headers: { cookie: app.adminCookie, 'accept-language': 'zh-CN' },
      payload: { name: '另一组', launchIds: [ids[1]] },
    });
    expect(res.statusCode).toBe(409);
    expect(res.json().error.message).toContain('聚划算 10:00 场');
    expect(res.json().error.message).toContain('10:05 咖啡豆');
  });

  it('refuses unknown launches, duplicates and an empty list (400)', async () => {
    for (const launchIds of [['nosuchlaunch'], [ids[0], ids[0]], []]) {
      const res = await app.inject({ method: 'POST', url: '/api/groups', payload: { name: 'x', launchIds } });
      expect(res.statusCode, JSON.stringify(launchIds)).toBe(400);
    }
  });

  it('only an admin changes groups; a viewer reads them', async () => {
    const anon = await app.inject({ method: 'GET', url: '/api/groups', headers: { cookie: '' } });
    expect(anon.statusCode).toBe(401);
    const list = await app.inject({ method: 'GET', url: '/api/groups' });
    expect(list.json()).toHaveLength(1);
  });

  it('merges every launch’s run sheet by time', async () => {
    const rows = (await app.inject({ method: 'GET', url: `/api/groups/${groupId}/run-sheet` })).json<
      GroupRunSheetRow[]
    >();
    expect(new Set(rows.map((r) => r.launchId))).toEqual(new Set(ids));
    const times = rows.map((r) => Date.parse(r.dueAt));
    expect(times).toEqual([...times].sort((a, b) => a - b));
  });

  it('reviews the launches side by side, as JSON, CSV and xlsx', async () => {
    const r = (await app.inject({ method: 'GET', url: `/api/groups/${groupId}/review` })).json<GroupReview>();
    expect(r.launches.map((l) => l.name)).toEqual(['10:00 保温杯', '10:05 咖啡豆', '10:10 茶具']);
    expect(r.launches[0]!.soldOutAt).not.toBeNull();
    expect(r.totals.actualGmv).toBeCloseTo(
      r.launches.reduce((s, l) => s + l.actualGmv, 0),
      6,
    );
    const csv = await app.inject({ method: 'GET', url: `/api/groups/${groupId}/review?format=csv` });
    expect(csv.headers['content-type']).toContain('text/csv');
    expect(csv.body).toContain('场次组总结');
    expect(csv.body).toContain('10:05 咖啡豆');
    const xlsx = await app.inject({ method: 'GET', url: `/api/groups/${groupId}/review?format=xlsx` });
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(xlsx.rawPayload as unknown as ArrayBuffer);
    expect(wb.worksheets.map((w) => w.name)).toEqual(['各场次对比', '组合计']);
    expect(wb.worksheets[0]!.rowCount).toBe(4);
  });

  it('keeps groups across a restart; PUT and DELETE change them', async () => {
    await app.close();
    app = (await makeApp({ dataDir, ticking: false })) as typeof app;
    await app.ready();
    const got = await app.inject({ method: 'GET', url: `/api/groups/${groupId}` });
    expect(got.statusCode).toBe(200);
    const put = await app.inject({
      method: 'PUT',
      url: `/api/groups/${groupId}`,
      payload: { name: '聚划算 10:00 场 (改)', launchIds: [ids[0]], target: { gmv: 50_000 } },
    });
    expect(put.statusCode, put.body).toBe(200);
    expect(put.json<GroupView>().totals.targetGmv).toBe(50_000);
    // The launches taken out are free for another group now.
    const other = await app.inject({
      method: 'POST',
      url: '/api/groups',
      payload: { name: '另一组', launchIds: [ids[1], ids[2]] },
    });
    expect(other.statusCode, other.body).toBe(201);
    const del = await app.inject({ method: 'DELETE', url: `/api/groups/${groupId}` });
    expect(del.statusCode).toBe(204);
    expect((await app.inject({ method: 'GET', url: `/api/groups/${groupId}` })).statusCode).toBe(404);
  });
});

describe('simulator batch', () => {
  it('starts N launches opening at an interval, on one clock, in a new group', async () => {
    const res = await app.inject({
      method: 'POST',
      url: '/api/simulations',
      payload: { scenario: 'on-plan', speed: 60, seed: 7, group: { count: 3, intervalMinutes: 5 } },
    });
    expect(res.statusCode, res.body).toBe(201);
    const body = res.json<{ groupId: string; simulations: { launchId: string; simulationId: string }[] }>();
    expect(body.simulations).toHaveLength(3);
    const view = (await app.inject({ method: 'GET', url: `/api/groups/${body.groupId}` })).json<GroupView>();
    const starts = body.simulations.map((s) =>
      Date.parse(view.launches.find((l) => l.id === s.launchId)!.startAt),
    );
    expect(starts[1]! - starts[0]!).toBe(5 * 60_000);
    expect(starts[2]! - starts[0]!).toBe(10 * 60_000);
    // One clock: the later launches stand 5 and 10 minutes before their 开团 as the first nears its own.
    const snaps = await waitFor(async () => {
      const s = await Promise.all(
        body.simulations.map(async (x) =>
          (await app.inject({ method: 'GET', url: `/api/launches/${x.launchId}` })).json<LaunchSnapshot>(),
        ),
      );
      return s.every((x) => x.simulation?.running) ? s : null;
    });
    const nows = snaps.map((s) => Date.parse(s.now));
    // Read one after another at 60×: within a few launch seconds of each other, far from 5 minutes.
    expect(Math.abs(nows[2]! - nows[0]!)).toBeLessThan(60_000);
    for (const s of body.simulations)
      await app.inject({ method: 'DELETE', url: `/api/simulations/${s.simulationId}` });
  });
});
