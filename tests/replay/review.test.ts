/**
 * The post-launch review against sums computed here from the readings, its CSV (BOM, formula cells
 * escaped) and Excel exports, and the run sheet: defaults, edit, tick-off by its owner, overdue.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import ExcelJS from 'exceljs';
import {
  type Alert,
  type LaunchReview,
  type LaunchSnapshot,
  type RunSheetTask,
  type RunSheetTick,
  defaultRunSheet,
  runSheetDueMs,
  runSheetStatus,
  RUNSHEET_OVERDUE_AFTER_MS,
} from '@warroom/shared';
import { escapeFormula } from '../../server/src/review/export';
import { recordedLaunch, START_MS } from './record';
import { appWithLaunches, type TestApp } from './app';

const recorded = recordedLaunch({ scenario: 'conversion-drop', seed: 8, durationMinutes: 120 });
const id = recorded.launch.id;

describe('the post-launch review', () => {
  let t: TestApp;
  let snap: LaunchSnapshot;
  let acked: Alert;

  beforeAll(async () => {
    t = await appWithLaunches([recorded.events]);
    snap = (await t.call<LaunchSnapshot>('GET', `/api/launches/${id}`)).body;
    const first = snap.alerts.find((a) => a.status === 'open')!;
    acked = (
      await t.call<Alert>('POST', `/api/alerts/${first.id}/ack`, {
        by: '王芳',
        action: '=HYPERLINK("http://x","点我")',
        note: '+1, "urgent"\n@ops',
      })
    ).body;
  });
  afterAll(() => t.app.close());

  it('targets, actuals and completion rates match sums of the readings', async () => {
    const r = (await t.call<LaunchReview>('GET', `/api/launches/${id}/review`)).body;
    const sum = (k: 'uv' | 'orders' | 'units' | 'gmv') =>
      snap.readings.filter((x) => x.minute >= 0 && x.minute < 120).reduce((s, x) => s + x[k], 0);
    const plan = (k: 'uv' | 'orders' | 'units' | 'gmv') =>
      recorded.launch.forecast.reduce((s, p) => s + p[k], 0);
    const kpi = Object.fromEntries(r.kpis.map((k) => [k.key, k]));
    expect(kpi.uv!.actual).toBe(sum('uv'));
    expect(kpi.units!.actual).toBe(sum('units'));
    expect(kpi.gmv!.actual).toBeCloseTo(sum('gmv'), 6);
    expect(kpi.uv!.target).toBe(30_000);
    expect(kpi.units!.completion).toBeCloseTo(sum('units') / 2000, 12);
    expect(kpi.gmv!.completion).toBeCloseTo(sum('gmv') / 198_000, 9);
    expect(kpi.conversion!.actual).toBeCloseTo(sum('orders') / sum('uv'), 12);
    expect(kpi.conversion!.target).toBeCloseTo(plan('orders') / plan('uv'), 9);
    expect(kpi.aov!.actual).toBeCloseTo(sum('gmv') / sum('orders'), 9);
    expect(kpi.sellThrough!.actual).toBeCloseTo(sum('units') / 3000, 12);
    // Checkpoints: every compared metric of every evaluated checkpoint.
    expect(r.checkpoints).toHaveLength(snap.checkpoints.length * 3);
    const cp45 = r.checkpoints.find((c) => c.checkpoint === 45 && c.metric === 'units')!;
    const units45 = snap.readings
      .filter((x) => x.minute >= 0 && x.minute < 45)
      .reduce((s, x) => s + x.units, 0);
    expect(cp45.actual).toBe(units45);
    // Alerts: who acknowledged, how fast, with what action.
    const row = r.alerts.find((a) => a.alertId === acked.id)!;
    expect(row.ackedBy).toBe(acked.ackedBy);
    expect(row.action).toBe('=HYPERLINK("http://x","点我")');
    expect(row.responseSeconds).toBe((Date.parse(acked.ackedAt!) - Date.parse(acked.raisedAt)) / 1000);
    expect(r.alerts).toHaveLength(snap.alerts.length);
    // Curves: cumulative, the last point is the total.
    expect(r.curves).toHaveLength(120);
    expect(r.curves.at(-1)!.actualUnits).toBe(sum('units'));
    expect(r.curves.at(-1)!.forecastUv).toBeCloseTo(plan('uv'), 6);
    // Top deviations: the largest |deviation| first.
    const devs = r.topDeviations.map((c) => Math.abs(c.deviation!));
    expect(devs).toEqual([...devs].sort((a, b) => b - a));
    expect(devs[0]).toBe(Math.max(...r.checkpoints.map((c) => Math.abs(c.deviation ?? 0))));
  });

  it('CSV: UTF-8 with a BOM, one block per section, formula cells escaped', async () => {
    const res = await t.app.inject({
      method: 'GET',
      url: `/api/launches/${id}/review?format=csv`,
      headers: t.cookie ? { cookie: t.cookie } : {},
    });
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toContain('text/csv');
    const bytes = res.rawPayload;
    expect([...bytes.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    const text = bytes.toString('utf8');
    for (const section of ['目标达成', '检查点', '告警', '作战时间表', '预估与实际曲线', '最大偏差'])
      expect(text).toContain(`\r\n${section}\r\n`);
    expect(text).toContain(`"'=HYPERLINK(""http://x"",""点我"")"`);
    expect(text).toContain(`"'+1, ""urgent""\n@ops"`);
    expect(text).not.toMatch(/,=HYPERLINK/);
    expect(escapeFormula('-2+3')).toBe("'-2+3");
    expect(escapeFormula('@SUM(A1)')).toBe("'@SUM(A1)");
    expect(escapeFormula('\t=1')).toBe("'\t=1");
    expect(escapeFormula('王芳')).toBe('王芳');
  });

  it('xlsx: opens with exceljs, one sheet per section, the figures in their cells', async () => {
    const res = await t.app.inject({
      method: 'GET',
      url: `/api/launches/${id}/review?format=xlsx`,
      headers: t.cookie ? { cookie: t.cookie } : {},
    });
    expect(res.statusCode).toBe(200);
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(res.rawPayload as unknown as ArrayBuffer);
    expect(wb.worksheets.map((w) => w.name)).toEqual([
      '目标达成',
      '检查点',
      '告警',
      '作战时间表',
      '预估与实际曲线',
      '最大偏差',
      '事件',
      '库存与订单',
      '销售额归因',
      '收藏加购',
    ]);
    const r = (await t.call<LaunchReview>('GET', `/api/launches/${id}/review`)).body;
    const kpis = wb.getWorksheet('目标达成')!;
    expect(kpis.getRow(1).values).toEqual([undefined, '指标', '目标', '实际', '完成率']);
    expect(kpis.getRow(3).getCell(1).value).toBe('销量');
    expect(kpis.getRow(3).getCell(3).value).toBe(r.kpis[1]!.actual);
    expect(kpis.getRow(4).getCell(3).value).toBe(r.kpis[2]!.actual);
    const alerts = wb.getWorksheet('告警')!;
    expect(alerts.rowCount).toBe(r.alerts.length + 1);
    const ackRow = alerts.getRows(2, r.alerts.length)!.find((row) => row.getCell(1).value === acked.id)!;
    expect(ackRow.getCell(14).value).toBe(`'=HYPERLINK("http://x","点我")`);
    expect(wb.getWorksheet('预估与实际曲线')!.rowCount).toBe(121);
  });
});

describe('the run sheet', () => {
  let t: TestApp;
  const fresh = recordedLaunch({ scenario: 'on-plan', seed: 2, durationMinutes: 60 });
  beforeAll(async () => {
    t = await appWithLaunches([fresh.events]);
  });
  afterAll(() => t.app.close());

  it('a new launch gets the team’s schedule: T−60 … 15:00, 16:00 … T+1 day', () => {
    const sheet = fresh.launch.runSheet!;
    expect(sheet).toEqual(defaultRunSheet());
    const due = (taskId: string) =>
      runSheetDueMs(
        sheet.find((x) => x.id === taskId)!,
        START_MS,
        'Asia/Shanghai',
      );
    expect(due('pre-check')).toBe(START_MS - 60 * 60_000);
    expect(due('swap-pages')).toBe(START_MS - 3 * 60_000);
    expect(due('decide-plan')).toBe(START_MS + 25 * 60_000);
    expect(new Date(due('logistics')).toISOString()).toBe('2026-11-11T07:00:00.000Z'); // 15:00 Beijing
    expect(due('retro')).toBe(START_MS + 24 * 60 * 60_000);
  });

  it('status: upcoming, due, overdue after five minutes, done or done late', () => {
    const due = START_MS;
    expect(runSheetStatus(due, undefined, due - 1)).toBe('upcoming');
    expect(runSheetStatus(due, undefined, due)).toBe('due');
    expect(runSheetStatus(due, undefined, due + RUNSHEET_OVERDUE_AFTER_MS)).toBe('overdue');
    const tick = (atMs: number): RunSheetTick => ({ taskId: 'x', by: 'a', at: new Date(atMs).toISOString() });
    expect(runSheetStatus(due, tick(due + 60_000), due + 3_600_000)).toBe('done');
    expect(runSheetStatus(due, tick(due + RUNSHEET_OVERDUE_AFTER_MS + 1), due + 3_600_000)).toBe('late');
  });

  it('is edited by the admin and ticked off by its owner; the review says done or missed', async () => {
    const bad = await t.call('PUT', `/api/launches/${fresh.launch.id}/run-sheet`, [
      { title: '开团前检查', owner: '运营主管', offsetMinutes: -30, clockTime: '09:00' },
    ]);
    expect(bad.status).toBe(400);
    const put = await t.call<{ runSheet: RunSheetTask[] }>(
      'PUT',
      `/api/launches/${fresh.launch.id}/run-sheet`,
      {
        tasks: [
          { id: 'brief', title: '开团前动员会', owner: '电商经理', offsetMinutes: -30 },
          { title: '跟进物流打单打包', owner: '仓储主管', clockTime: '15:00' },
          { title: '客服话术更新', owner: '客服主管', offsetMinutes: 10 },
        ],
      },
    );
    expect(put.status).toBe(200);
    expect(put.body.runSheet.map((x) => x.id)).toEqual(['brief', 't1', 't2']);
    const done = await t.call<RunSheetTick>('POST', `/api/launches/${fresh.launch.id}/run-sheet/t2/done`, {
      by: '客服 小张',
    });
    expect(done.status).toBe(200);
    expect(done.body.taskId).toBe('t2');
    const twice = await t.call<RunSheetTick>('POST', `/api/launches/${fresh.launch.id}/run-sheet/t2/done`, {
      by: '别人',
    });
    expect(twice.body).toEqual(done.body);
    expect(
      (await t.call('POST', `/api/launches/${fresh.launch.id}/run-sheet/nope/done`, { by: 'x' })).status,
    ).toBe(404);
    const snap = (await t.call<LaunchSnapshot>('GET', `/api/launches/${fresh.launch.id}`)).body;
    expect(snap.launch.runSheet!.map((x) => x.title)).toEqual([
      '开团前动员会',
      '跟进物流打单打包',
      '客服话术更新',
    ]);
    expect(snap.runSheetDone).toEqual([done.body]);
    const r = (await t.call<LaunchReview>('GET', `/api/launches/${fresh.launch.id}/review`)).body;
    const byId = Object.fromEntries(r.runSheet.map((x) => [x.taskId, x]));
    // Nobody ticked the briefing off: overdue once its time is five minutes past (a wall-clock launch).
    expect(byId.brief!.status).toBe(runSheetStatus(START_MS - 30 * 60_000, undefined, Date.now()));
    expect(['done', 'late']).toContain(byId.t2!.status);
    expect(byId.t2!.doneBy).toBe(done.body.by);
  });
});
