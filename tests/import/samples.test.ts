import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import type { LaunchSnapshot } from '@warroom/shared';
import { cleanUp, createLaunch, inject, makeApp, postCsv } from './helpers';

afterAll(cleanUp);

const sample = (name: string) =>
  readFile(fileURLToPath(new URL(`../../docs/samples/${name}`, import.meta.url)));

describe('the samples in docs/samples import as their README says', () => {
  it('GB18030 export, running totals and the English file', async () => {
    const app = await makeApp();
    const id = await createLaunch(app, { startAt: '2026-11-11T10:00:00+08:00' });
    const zh = await postCsv(app, id, await sample('readings-zh-gb18030.csv'), { dryRun: 'true' });
    expect(zh.body).toMatchObject({ encoding: 'gb18030', accepted: 10, rejectedRows: 0 });
    expect(zh.body.ignoredColumns.map((c) => c.column)).toEqual(['支付转化率']);
    const cum = await postCsv(app, id, await sample('readings-cumulative-zh-utf8-bom.csv'), {
      dryRun: 'true',
    });
    expect(cum.body).toMatchObject({ encoding: 'utf8', accepted: 10, rejectedRows: 0 });
    const en = await postCsv(app, id, await sample('readings-en.csv'), { dryRun: 'true' });
    expect(en.body).toMatchObject({ delimiter: ';', accepted: 9, rejectedRows: 1 });
    expect(en.body.rejected[0]).toMatchObject({ line: 7, column: 'fav' });
    await postCsv(app, id, await sample('readings-zh-gb18030.csv'));
    const after = await postCsv(app, id, await sample('readings-en.csv'), { dryRun: 'true' });
    expect(after.body.rejectedRows).toBe(0);
    await app.close();
  });

  it('a 生意参谋 export with orders placed, new buyers and the preheat, into a launch planned from the preheat forecast', async () => {
    const app = await makeApp();
    // The forecast sample plans 30 minutes of preheat and orders placed: a curve from minute −30.
    const curve = await inject(app, {
      method: 'POST',
      url: '/api/forecast/import?durationMinutes=60',
      headers: { 'content-type': 'text/csv' },
      payload: await sample('forecast-preheat.csv'),
    });
    expect(curve.statusCode, curve.body).toBe(200);
    const { forecast, report } = curve.json<{
      forecast: { minute: number; fav: number; placedOrders?: number }[];
      report: { warnings: string[] };
    }>();
    expect(forecast[0]).toMatchObject({ minute: -30, fav: 35, placedOrders: 0 });
    expect(forecast.find((p) => p.minute === 0)).toMatchObject({ placedOrders: 100 });
    expect(forecast).toHaveLength(90);
    expect(report.warnings.join(' ')).toContain('preheat');
    const id = await createLaunch(app, { startAt: '2026-11-11T10:00:00+08:00', forecast });

    const bytes = await sample('readings-sycm-orders-gb18030.csv');
    const res = await postCsv(app, id, bytes);
    expect(res.body).toMatchObject({ encoding: 'gb18030', accepted: 15, rejectedRows: 0 });
    // Rates are derived from the counts: recognised and not stored.
    expect(res.body.ignoredColumns.map((c) => c.column)).toEqual(['下单转化率', '支付转化率', '客单价']);
    expect(res.body.mapping).toMatchObject({
      下单买家数: 'placedOrders',
      '下单金额(元)': 'placedGmv',
      支付新买家数: 'newBuyers',
      商品收藏人数: 'fav',
    });
    const snap = (await inject(app, { method: 'GET', url: `/api/launches/${id}` })).json<LaunchSnapshot>();
    expect(snap.launch.preheatMinutes).toBe(30);
    const at = (m: number) => snap.readings.find((r) => r.minute === m);
    // 09:55 is five minutes of preheat before 开团: favourites and carts, nothing ordered.
    expect(at(-5)).toMatchObject({ uv: 265, fav: 35, cart: 20, orders: 0, placedOrders: 0 });
    expect(at(0)).toMatchObject({
      uv: 1820,
      placedOrders: 91,
      placedGmv: 9009,
      orders: 75,
      gmv: 8109.8,
      newBuyers: 30,
    });

    // Exported, the order measures come out under their Chinese names and import back as they are.
    const exported = await inject(app, { method: 'GET', url: `/api/launches/${id}/export?what=readings` });
    const header = exported.body.replace(/^\uFEFF/, '').split('\r\n')[0];
    expect(header).toBe(
      '时间,分钟,访客数,浏览量,收藏人数,加购人数,支付买家数,支付件数,支付金额,下单买家数,下单金额,新买家数',
    );
    const again = await postCsv(app, id, Buffer.from(exported.body), { dryRun: 'true' });
    expect(again.body).toMatchObject({ accepted: 0, duplicates: 15, rejectedRows: 0 });
    await app.close();
  });

  it('the channel samples: a 流量来源 export and readings with channel columns', async () => {
    const app = await makeApp();
    const id = await createLaunch(app, { startAt: '2026-11-11T10:00:00+08:00' });
    const wide = await postCsv(app, id, await sample('readings-channels-zh-utf8-bom.csv'));
    expect(wide.body).toMatchObject({ encoding: 'utf8', accepted: 5, rejectedRows: 0 });
    expect(Object.values(wide.body.mapping).filter((t) => t.startsWith('channel:'))).toHaveLength(8);
    const sources = await postCsv(app, id, await sample('traffic-sources-sycm-gb18030.csv'));
    expect(sources.body).toMatchObject({ encoding: 'gb18030', accepted: 5, rejectedRows: 0 });
    const snap = (await inject(app, { method: 'GET', url: `/api/launches/${id}` })).json<LaunchSnapshot>();
    // The launch figures of the first file stay; the channels are the sources' now.
    expect(snap.readings[0]).toMatchObject({
      uv: 1800,
      gmv: 7425,
      channels: { ztc: { uv: 300, spend: 362.5 } },
    });
    await app.close();
  });
});
