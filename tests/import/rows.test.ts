import { afterAll, describe, expect, it } from 'vitest';
import {
  cleanUp,
  createLaunch,
  csvFile,
  importText,
  makeApp,
  postCsv,
  readingAt,
  snapshotOf,
} from './helpers';

afterAll(cleanUp);

async function fresh(overrides: Record<string, unknown> = {}) {
  const app = await makeApp();
  const id = await createLaunch(app, overrides);
  return { app, id };
}

describe('line numbers as a spreadsheet shows them', () => {
  it('a record with quoted newlines is reported on the line where it starts, and later lines keep counting', async () => {
    const { app, id } = await fresh();
    const text =
      'minute,uv,gmv,备注\n' + // line 1
      '0,10,100,"two\nline note"\n' + // lines 2–3
      '1,oops,100,ok\n' + // line 4
      '\n' + // line 5, blank
      '2,12,"1,2x","a note\nover\nthree lines"\n' + // lines 6–8
      '3,13,100,\n'; // line 9
    const report = await importText(app, id, text);
    expect(report.rejected).toEqual([
      { line: 4, column: 'uv', message: "uv is not a number: 'oops'" },
      { line: 6, column: 'gmv', message: "gmv is not a number: '1,2x'" },
    ]);
    expect(report).toMatchObject({ rowsRead: 4, accepted: 2, rejectedRows: 2 });
    await app.close();
  });

  it('ragged rows are rejected with their line and what is wrong; blank trailing cells from Excel are fine', async () => {
    const { app, id } = await fresh();
    const text = 'minute,uv,gmv\n0,1,1\n1,1,234,5\n2,1\n3,1,1,,\n';
    const report = await importText(app, id, text);
    expect(report.rejected.map((p) => [p.line, p.message])).toEqual([
      [
        3,
        'has 4 cells but the header has 3; a number with a thousands separator must be quoted ("1,234"), or the delimiter is wrong',
      ],
      [
        4,
        'has 2 cells but the header has 3; fill in the missing cells (leave them empty if there is no value)',
      ],
    ]);
    expect(report.accepted).toBe(2);
    await app.close();
  });

  it('an unclosed quote is reported where it opens; the rows before it are imported', async () => {
    const { app, id } = await fresh();
    const report = await importText(app, id, 'minute,uv\n0,1\n1,"2\n2,3\n');
    expect(report.accepted).toBe(1);
    expect(report.rejected).toEqual([
      {
        line: 3,
        message: 'a quote (") opened on line 3 is never closed, so lines 3–4 could not be read as rows',
      },
    ]);
    await app.close();
  });
});

describe('values as exports write them', () => {
  it('reads 1,234 / ¥1,234.50 / 12.5万 / 1.2E+03 / full-width digits / an Excel text apostrophe', async () => {
    const { app, id } = await fresh();
    const text =
      '分钟,访客数,浏览量,收藏人数,加购人数,支付买家数,支付件数,支付金额\n' +
      '0,"1,234",12.5万,1.2E+03,１２３,\'45,7,"¥1,234.50"\n' +
      '1,2,3,4,5,6,7,"￥12.345万"\n';
    const report = await importText(app, id, text);
    expect(report).toMatchObject({ accepted: 2, rejectedRows: 0 });
    expect(await readingAt(app, id, 0)).toEqual({
      minute: 0,
      uv: 1234,
      pv: 125000,
      fav: 1200,
      cart: 123,
      orders: 45,
      units: 7,
      gmv: 1234.5,
    });
    expect((await readingAt(app, id, 1))?.gmv).toBe(123450);
    await app.close();
  });

  it('rejects what is not a count or an amount, with a reason a person can act on', async () => {
    const { app, id } = await fresh();
    const text =
      '时间,访客数,支付件数,支付金额\n' +
      '2025-11-11 10:00,100,10,"1,2x"\n' +
      '2025-11-11 10:01,3.2%,10,100\n' +
      '2025-11-11 10:02,-5,10,100\n' +
      '2025-11-11 10:03,10.5,10,100\n' +
      '2025-11-11 25:00,10,10,100\n' +
      '2025-11-11 10:05,10,10,100\n';
    const report = await importText(app, id, text);
    expect(report.rejected).toEqual([
      { line: 2, column: '支付金额', message: "支付金额 is not a number: '1,2x'" },
      {
        line: 3,
        column: '访客数',
        message:
          "访客数 is a percentage ('3.2%'); rates are derived and not imported, counts and amounts are",
      },
      { line: 4, column: '访客数', message: "访客数 must not be negative: '-5'" },
      { line: 5, column: '访客数', message: "访客数 must be a whole number: '10.5'" },
      {
        line: 6,
        column: '时间',
        message:
          "时间 is not a date-time: '2025-11-11 25:00' (write 2026-11-11 10:05, 2026/11/11 10:05 or 10:05)",
      },
    ]);
    expect(report.accepted).toBe(1);
    await app.close();
  });
});

describe('columns', () => {
  it('rate columns are recognised and left out; unknown columns are ignored and reported', async () => {
    const { app, id } = await fresh();
    const report = await importText(
      app,
      id,
      '统计时间,访客数,支付转化率,客单价,店铺名称,支付件数\n2025-11-11 10:00,100,3.2%,99,旗舰店,3\n',
    );
    expect(report.ignoredColumns).toEqual([
      { column: '支付转化率', reason: 'a rate, derived from the counts: not stored' },
      { column: '客单价', reason: 'a rate, derived from the counts: not stored' },
      {
        column: '店铺名称',
        reason: 'not a known column name; map it with mapping={"<header>": "<metric>"} to import it',
      },
    ]);
    expect(report.mapping).toEqual({ 统计时间: 'time', 访客数: 'uv', 支付件数: 'units' });
    expect(report.accepted).toBe(1);
    await app.close();
  });

  it('an explicit mapping imports columns the dictionary does not know and overrides the ones it does', async () => {
    const { app, id } = await fresh();
    const text = '开始时间,进店人数,成交笔数,成交额,访客数\n2025-11-11 10:00,100,4,500,999\n';
    const mapping = JSON.stringify({
      开始时间: 'time',
      进店人数: 'uv',
      成交笔数: 'orders',
      成交额: 'gmv',
      访客数: 'ignore',
    });
    const report = await importText(app, id, text, { mapping });
    expect(report.mapping).toEqual({ 开始时间: 'time', 进店人数: 'uv', 成交笔数: 'orders', 成交额: 'gmv' });
    expect(await readingAt(app, id, 0)).toMatchObject({ uv: 100, orders: 4, gmv: 500 });
    await app.close();
  });

  it('a file without a time column, or a mapping naming a missing column, is refused as a whole (400)', async () => {
    const { app, id } = await fresh();
    const noTime = await postCsv(app, id, (await csvFile('访客数,支付件数\n1,2\n')).bytes);
    expect(noTime.status).toBe(400);
    expect(JSON.stringify(noTime.body)).toMatch(/no time column/);
    const badMap = await postCsv(app, id, (await csvFile('minute,uv\n0,1\n')).bytes, {
      mapping: JSON.stringify({ 成交额: 'gmv' }),
    });
    expect(badMap.status).toBe(400);
    expect(JSON.stringify(badMap.body)).toContain("the mapping names a column '成交额'");
    expect((await snapshotOf(app, id)).readings).toEqual([]);
    await app.close();
  });
});

describe('times', () => {
  it('times without an offset are read in the launch zone; times with one are absolute', async () => {
    const { app, id } = await fresh({ timezone: 'America/New_York', startAt: '2025-11-11T10:00' });
    const text =
      'at,uv\n' +
      '2025-11-11 10:05,5\n' + // New York wall clock → minute 5
      '2025/11/11 10:06:30,6\n' + // slashes and seconds: inside minute 6
      '2025-11-11T15:07:00Z,7\n' + // 15:07 UTC is 10:07 in New York (EST, −05:00)
      '2025-11-11T23:08:00+08:00,8\n'; // 23:08 in Shanghai is 10:08 in New York
    const report = await importText(app, id, text);
    expect(report).toMatchObject({ accepted: 4, firstMinute: 5, lastMinute: 8 });
    const readings = (await snapshotOf(app, id)).readings.map((r) => [r.minute, r.uv]);
    expect(readings).toEqual([
      [5, 5],
      [6, 6],
      [7, 7],
      [8, 8],
    ]);
    await app.close();
  });

  it("a bare time of day is on 开团's date and moves to the next day after midnight", async () => {
    const { app, id } = await fresh({ startAt: '2025-11-11T23:58:00+08:00', durationMinutes: 10 });
    const report = await importText(app, id, '时间,访客数\n23:58,1\n23:59,2\n00:00,3\n00:01,4\n');
    expect(report).toMatchObject({ accepted: 4, firstMinute: 0, lastMinute: 3 });
    expect((await readingAt(app, id, 2))?.uv).toBe(3);
    await app.close();
  });

  it('minutes after the launch ends are rejected with the last minute it has', async () => {
    const { app, id } = await fresh();
    const report = await importText(app, id, 'minute,uv\n59,1\n60,1\n');
    expect(report.rejected).toEqual([
      {
        line: 3,
        column: 'minute',
        message: "minute '60' is minute 60: after the launch ends (its last minute is 59)",
      },
    ]);
    await app.close();
  });
});

describe('missing values are never zero', () => {
  it('an empty cell for a minute with nothing stored rejects the row and says how to fix it', async () => {
    const { app, id } = await fresh();
    const report = await importText(app, id, '时间,访客数,支付件数,支付金额\n2025-11-11 10:03,100,,800\n');
    expect(report.rejected).toEqual([
      {
        line: 2,
        column: '支付件数',
        message:
          '支付件数 is empty, and minute 3 (T+00:03) has no stored reading to keep it from; write 0 if nothing happened in that minute',
      },
    ]);
    expect(await readingAt(app, id, 3)).toBeUndefined();
    await app.close();
  });

  it('an empty cell keeps the stored value of that minute; a traffic export then a sales export fill one reading', async () => {
    const { app, id } = await fresh();
    await importText(app, id, '时间,访客数,浏览量\n2025-11-11 10:00,100,300\n2025-11-11 10:01,90,250\n');
    const sales = await importText(
      app,
      id,
      '时间,访客数,支付件数,支付金额\n2025-11-11 10:00,,9,900\n2025-11-11 10:01,,8,800\n',
    );
    expect(sales).toMatchObject({ accepted: 2, rejectedRows: 0 });
    expect(await readingAt(app, id, 0)).toEqual({
      minute: 0,
      uv: 100,
      pv: 300,
      fav: 0,
      cart: 0,
      orders: 0,
      units: 9,
      gmv: 900,
    });
    await app.close();
  });

  it('the same minute twice in one file: identical is a duplicate, different is rejected naming the first line', async () => {
    const { app, id } = await fresh();
    const report = await importText(app, id, 'minute,uv\n0,1\n1,2\n0,1\n1,3\n');
    expect(report).toMatchObject({ rowsRead: 4, accepted: 2, duplicates: 1, rejectedRows: 1 });
    expect(report.rejected).toEqual([
      {
        line: 5,
        column: 'minute',
        message: 'minute 1 (1) is already on line 3 with different values; keep one of the two rows',
      },
    ]);
    expect((await readingAt(app, id, 1))?.uv).toBe(2);
    await app.close();
  });
});
