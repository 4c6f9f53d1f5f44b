import { afterAll, describe, expect, it } from 'vitest';
import { cleanUp, createLaunch, importText, makeApp, snapshotOf } from './helpers';

afterAll(cleanUp);

describe('running totals (累计…)', () => {
  it('累计 columns become per-minute increments, amounts without float drift', async () => {
    const app = await makeApp();
    const id = await createLaunch(app);
    const text =
      '时间,累计访客数,累计支付件数,累计支付金额,浏览量\n' +
      '2025-11-11 10:00,100,3,1000.12,50\n' +
      '2025-11-11 10:01,250,5,1234.56,60\n' +
      '2025-11-11 10:02,250,9,2234.56,70\n';
    const report = await importText(app, id, text);
    expect(report.cumulativeColumns).toEqual(['累计访客数', '累计支付件数', '累计支付金额']);
    expect(report.mapping).toMatchObject({ 累计访客数: 'cumulative:uv', 浏览量: 'pv' });
    const readings = (await snapshotOf(app, id)).readings.map((r) => [r.minute, r.uv, r.units, r.gmv, r.pv]);
    expect(readings).toEqual([
      [0, 100, 3, 1000.12, 50],
      [1, 150, 2, 234.44, 60],
      [2, 0, 4, 1000, 70],
    ]);
    await app.close();
  });

  it('?cumulative=true reads every metric column as a running total', async () => {
    const app = await makeApp();
    const id = await createLaunch(app);
    const report = await importText(app, id, 'minute,uv,gmv\n0,10,100\n1,25,150\n', { cumulative: 'true' });
    expect(report.cumulativeColumns).toEqual(['uv', 'gmv']);
    expect((await snapshotOf(app, id)).readings.map((r) => [r.uv, r.gmv])).toEqual([
      [10, 100],
      [15, 50],
    ]);
    await app.close();
  });

  it('a running total that goes down is reported at its line; the next minute, whose increment is unknown, is not guessed', async () => {
    const app = await makeApp();
    const id = await createLaunch(app);
    const text = 'minute,累计访客数\n0,100\n1,180\n2,170\n3,260\n4,300\n';
    const report = await importText(app, id, text);
    expect(report.rejected).toEqual([
      {
        line: 4,
        column: '累计访客数',
        message: '累计访客数 went down from 180 (line 3) to 170; a running total (累计) never decreases',
      },
      {
        line: 5,
        column: '累计访客数',
        message:
          '累计访客数: the increment for this minute is unknown because line 4 has no usable running total, and ' +
          'minute 3 (T+00:03) has no stored reading to keep it from; write 0 if nothing happened in that minute',
      },
    ]);
    // Minutes 0, 1 and 4 are right; 2 and 3 stay missing instead of being double-counted.
    expect((await snapshotOf(app, id)).readings.map((r) => [r.minute, r.uv])).toEqual([
      [0, 100],
      [1, 80],
      [4, 40],
    ]);
    await app.close();
  });

  it('rows of running totals must go forward in time; a repeated identical row is a duplicate', async () => {
    const app = await makeApp();
    const id = await createLaunch(app);
    const report = await importText(app, id, 'minute,累计访客数\n0,10\n1,20\n1,20\n0,30\n2,40\n');
    expect(report).toMatchObject({ accepted: 3, duplicates: 1, rejectedRows: 1 });
    expect(report.rejected[0]).toMatchObject({ line: 5, column: 'minute' });
    expect((await snapshotOf(app, id)).readings.map((r) => r.uv)).toEqual([10, 10, 20]);
    await app.close();
  });
});
