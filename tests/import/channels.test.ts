/**
 * Channel imports: a 生意参谋 流量来源 export (one row per source per minute) into readings'
 * `channels`, the wide channel columns the readings export writes, and the round trip.
 */
import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { LaunchInput, type Reading, initialState } from '@warroom/shared';
import { createLaunch as resolveLaunch } from '../../server/src/engine/index';
import { importReadings, minutesCsv, openCsv, planColumns } from '../../server/src/import/index';
import { cleanUp, createLaunch, importText, inject, makeApp, postCsv, snapshotOf } from './helpers';

afterAll(cleanUp);

const sample = (name: string) =>
  readFile(fileURLToPath(new URL(`../../docs/samples/${name}`, import.meta.url)));

describe('a 生意参谋 流量来源 export', () => {
  it('maps each source to its channel, adds up the sources of a channel, and counts spend', async () => {
    const app = await makeApp();
    const id = await createLaunch(app, { startAt: '2026-11-11T10:00:00+08:00' });
    const res = await postCsv(app, id, await sample('traffic-sources-sycm-gb18030.csv'));
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ encoding: 'gb18030', rowsRead: 35, accepted: 5, rejectedRows: 0 });
    expect(res.body.mapping).toMatchObject({
      统计时间: 'time',
      流量来源: 'source',
      访客数: 'source:uv',
      支付买家数: 'source:orders',
      '支付金额(元)': 'source:gmv',
      '花费(元)': 'source:spend',
    });
    expect(res.body.ignoredColumns.map((c) => c.column)).toEqual(['支付转化率']);
    expect(res.body.warnings.join(' ')).toContain('品牌合作专区');
    const snap = await snapshotOf(app, id);
    expect(snap.readings).toHaveLength(5);
    // 10:00: 手淘搜索 420 + 聚划算 610 are 站内免费; 直通车; 引力魔方 (钻展); 淘宝客; 抖音 (站外); 品牌合作专区 (其他).
    expect(snap.readings[0]!.channels).toEqual({
      organic: { uv: 1030, orders: 49, gmv: 4849.2, spend: 0 },
      ztc: { uv: 300, orders: 12, gmv: 1188, spend: 362.5 },
      display: { uv: 95, orders: 3, gmv: 297, spend: 71.2 },
      affiliate: { uv: 88, orders: 5, gmv: 495, spend: 39.6 },
      offsite: { uv: 40, orders: 1, gmv: 99, spend: 0 },
      other: { uv: 12, orders: 0, gmv: 0, spend: 0 },
    });
    // The launch's own figures are not the sources' (into an empty launch they are 0 until its export comes).
    expect(snap.readings[0]).toMatchObject({ uv: 0, gmv: 0 });
    // The same file again: every minute is a duplicate (a 流量来源 export counts minutes).
    const again = await postCsv(app, id, await sample('traffic-sources-sycm-gb18030.csv'));
    expect(again.body).toMatchObject({ accepted: 0, duplicates: 5, rejectedRows: 0 });
    await app.close();
  });

  it('keeps the launch figures already stored, and refuses a source twice in a minute', async () => {
    const app = await makeApp();
    const id = await createLaunch(app);
    await importText(app, id, 'minute,uv,units,gmv\n0,500,20,2000\n1,400,10,1000\n');
    const report = await importText(
      app,
      id,
      'minute,流量来源,访客数,花费\n0,直通车,120,30.5\n0,手淘搜索,200,\n1,直通车,90,22\n1,直通车,91,22\n',
    );
    expect(report).toMatchObject({ accepted: 2, rejectedRows: 1 });
    expect(report.rejected[0]!.message).toContain('already on line 4');
    const snap = await snapshotOf(app, id);
    expect(snap.readings[0]).toMatchObject({
      uv: 500,
      units: 20,
      gmv: 2000,
      channels: { organic: { uv: 200 }, ztc: { uv: 120, spend: 30.5 } },
    });
    expect(snap.readings[1]!.channels).toEqual({ ztc: { uv: 90, spend: 22 } });
    await app.close();
  });
});

describe('a forecast curve', () => {
  it('says it leaves channel columns out, and refuses a 流量来源 export', async () => {
    const app = await makeApp();
    const post = (text: string) =>
      inject(app, {
        method: 'POST',
        url: '/api/forecast/import?durationMinutes=2',
        headers: { 'content-type': 'text/csv' },
        payload: text,
      });
    const curve = await post('minute,uv,直通车访客数\n0,100,30\n1,100,30\n');
    expect(curve.statusCode, curve.body).toBe(200);
    const body = curve.json<{
      report: { mapping: Record<string, string>; ignoredColumns: { column: string }[] };
    }>();
    expect(body.report.mapping).not.toHaveProperty('直通车访客数');
    expect(body.report.ignoredColumns.map((c) => c.column)).toContain('直通车访客数');
    const sources = await post('minute,流量来源,访客数\n0,直通车,30\n');
    expect(sources.statusCode).toBe(400);
    expect(sources.body).toContain('channelShares');
    await app.close();
  });
});

describe('wide channel columns and the export', () => {
  it('reads 直通车访客数 / 直通车花费 and ztc.uv beside the launch figures; 花费 without a channel is reported', async () => {
    const app = await makeApp();
    const id = await createLaunch(app);
    const zh = await importText(
      app,
      id,
      '分钟,访客数,支付金额,直通车访客数,直通车花费,钻展/引力魔方访客数,花费\n0,500,2000,120,30,40,99\n',
    );
    expect(zh.mapping).toMatchObject({
      直通车访客数: 'channel:ztc:uv',
      直通车花费: 'channel:ztc:spend',
      '钻展/引力魔方访客数': 'channel:display:uv',
    });
    expect(zh.ignoredColumns.find((c) => c.column === '花费')!.reason).toContain('直通车花费');
    const en = await importText(app, id, 'minute,uv,gmv,ztc.uv,organic.gmv\n1,400,1500,80,700.5\n');
    expect(en.accepted).toBe(1);
    const snap = await snapshotOf(app, id);
    expect(snap.readings[0]!.channels).toEqual({ ztc: { uv: 120, spend: 30 }, display: { uv: 40 } });
    expect(snap.readings[1]!.channels).toEqual({ organic: { gmv: 700.5 }, ztc: { uv: 80 } });
    const exported = await inject(app, { method: 'GET', url: `/api/launches/${id}/export?what=readings` });
    expect(exported.body.split('\r\n')[0]).toBe(
      '\uFEFF时间,分钟,访客数,浏览量,收藏人数,加购人数,支付买家数,支付件数,支付金额,站内免费支付金额,直通车访客数,直通车花费,钻展/引力魔方访客数',
    );
    // The channel export imports back into another launch unchanged.
    const other = await createLaunch(app);
    const back = await postCsv(app, other, exported.rawPayload);
    expect(back.body).toMatchObject({ accepted: 2, rejectedRows: 0 });
    expect((await snapshotOf(app, other)).readings).toEqual(snap.readings);
    await app.close();
  });

  const launch = resolveLaunch(
    LaunchInput.parse({
      name: 'channels round trip',
      startAt: '2025-11-11T10:00:00+08:00',
      durationMinutes: 120,
      forecast: { template: { uv: 10_000, units: 500, gmv: 50_000 } },
    }),
    'roundtrip-ch',
    Date.parse('2025-12-01T00:00:00Z'),
  );
  const count = fc.integer({ min: 0, max: 1e9 });
  const money = fc.integer({ min: 0, max: 1e9 }).map((f) => f / 100);
  const values = fc.record({ uv: count, orders: count, gmv: money, spend: money }, { requiredKeys: [] });
  const channels = fc.record(
    { organic: values, ztc: values, display: values, affiliate: values, offsite: values, other: values },
    { requiredKeys: [] },
  );
  // The seven figures as one tuple (uv, pv, fav, cart, orders, units; gmv), the breakdown maybe.
  const reading = fc
    .tuple(
      fc.integer({ min: -60, max: 119 }),
      fc.array(count, { minLength: 6, maxLength: 6 }),
      money,
      fc.option(channels, { nil: undefined }),
    )
    .map(([minute, [uv, pv, fav, cart, orders, units], gmv, ch]) => ({
      minute,
      ...{ uv: uv!, pv: pv!, fav: fav!, cart: cart!, orders: orders!, units: units!, gmv },
      channels: ch,
    }));

  it('any channel export imports back to the same readings', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.uniqueArray(reading, { selector: (r) => r.minute, maxLength: 30 }),
        fc.constantFrom('zh' as const, 'en' as const),
        async (generated, headers) => {
          // A stored breakdown leaves out what was not sent, channels included.
          const sorted = generated
            .map(({ channels: ch, ...r }) => {
              const kept =
                ch && Object.fromEntries(Object.entries(ch).filter(([, v]) => Object.keys(v).length > 0));
              return (kept && Object.keys(kept).length > 0 ? { ...r, channels: kept } : r) as Reading;
            })
            .sort((a, b) => a.minute - b.minute);
          const csv = [...minutesCsv(launch, sorted, headers)].join('');
          const state = initialState(launch);
          async function* one(): AsyncGenerator<Buffer> {
            yield Buffer.from(csv, 'utf8');
          }
          const file = await openCsv(one());
          const report = await importReadings(
            file,
            planColumns(file.header, {}),
            {
              state: () => state,
              driven: () => false,
              execute: async (decide) =>
                Promise.resolve(decide(state, Date.parse('2026-01-01T00:00:00Z')).result),
            },
            { dryRun: false },
          );
          expect(report).toMatchObject({ accepted: sorted.length, rejectedRows: 0 });
          const back = [...state.readings.values()].sort((a, b) => a.minute - b.minute);
          expect(back).toEqual(sorted);
        },
      ),
      { numRuns: 100 },
    );
  });
});
