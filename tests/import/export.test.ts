import fc from 'fast-check';
import { LaunchInput, type Reading, initialState } from '@warroom/shared';
import { afterAll, describe, expect, it } from 'vitest';
import { createLaunch as resolveLaunch } from '../../server/src/engine/index';
import { csvCell, importReadings, minutesCsv, openCsv, planColumns } from '../../server/src/import/index';
import { cleanUp, createLaunch, importText, makeApp, inject } from './helpers';

afterAll(cleanUp);

describe('export', () => {
  it('readings come out as UTF-8 with a BOM, Chinese headers by default, English on request', async () => {
    const app = await makeApp();
    const id = await createLaunch(app);
    await importText(app, id, 'minute,uv,gmv\n0,5,12.5\n1,6,0\n');
    const zh = await inject(app, { method: 'GET', url: `/api/launches/${id}/export?what=readings` });
    expect(zh.headers['content-type']).toBe('text/csv; charset=utf-8');
    expect(zh.headers['content-disposition']).toBe(`attachment; filename="${id}-readings.csv"`);
    expect(zh.rawPayload.subarray(0, 3)).toEqual(Buffer.from([0xef, 0xbb, 0xbf]));
    expect(zh.body).toBe(
      '\uFEFF时间,分钟,访客数,浏览量,收藏人数,加购人数,支付买家数,支付件数,支付金额\r\n' +
        '2025-11-11T10:00:00+08:00,0,5,0,0,0,0,0,12.5\r\n' +
        '2025-11-11T10:01:00+08:00,1,6,0,0,0,0,0,0\r\n',
    );
    const en = await inject(app, {
      method: 'GET',
      url: `/api/launches/${id}/export?what=forecast&headers=en`,
    });
    const lines = en.body.split('\r\n');
    expect(lines[0]).toBe('\uFEFFat,minute,uv,pv,fav,cart,orders,units,gmv');
    expect(lines[1]).toBe('2025-11-11T10:00:00+08:00,0,100,0,0,0,0,10,1000');
    expect(lines).toHaveLength(62); // header, 60 minutes, the empty string after the last CRLF
    await app.close();
  });

  it.each([
    ['=HYPERLINK("http://x")', `"'=HYPERLINK(""http://x"")"`],
    ['+1+2', "'+1+2"],
    ['-2+3', "'-2+3"],
    ['@SUM(A1)', "'@SUM(A1)"],
    ['\tcmd', `"'\tcmd"`],
    ['\rcmd', `"'\rcmd"`],
    ['-5', '-5'],
    ['+3.5', '+3.5'],
    ['a,b', '"a,b"'],
    ['普通', '普通'],
  ])('a cell %j is written as %s', (text, written) => {
    expect(csvCell(text)).toBe(written);
  });

  it('any text cell written by the exporter never starts a formula in a spreadsheet', () => {
    fc.assert(
      fc.property(fc.string(), (s) => {
        const cell = csvCell(s);
        const shown = cell.startsWith('"') ? cell.slice(1, -1).replace(/""/g, '"') : cell;
        return !/^[=+\-@\t\r]/.test(shown) || /^[+-]?\d+(\.\d+)?(e[+-]?\d+)?$/i.test(shown);
      }),
    );
  });
});

async function* chunks(text: string, size: number): AsyncGenerator<Buffer> {
  const bytes = Buffer.from(text, 'utf8');
  for (let i = 0; i < bytes.length; i += size) yield bytes.subarray(i, i + size);
}

describe('export → import', () => {
  const launch = resolveLaunch(
    LaunchInput.parse({
      name: 'round trip',
      startAt: '2025-03-30T00:30:00',
      timezone: 'Europe/London', // a DST switch at 01:00 on that day
      durationMinutes: 300,
      forecast: { template: { uv: 10_000, units: 500, gmv: 50_000 } },
    }),
    'roundtrip1',
    Date.parse('2025-04-01T00:00:00Z'),
  );
  const count = fc.integer({ min: 0, max: 1e9 });
  const reading = fc.record({
    minute: fc.integer({ min: -1440, max: 299 }),
    uv: count,
    pv: count,
    fav: count,
    cart: count,
    orders: count,
    units: count,
    gmv: fc.oneof(
      fc.double({ min: 0, max: 1e12, noNaN: true }),
      fc.integer({ min: 0, max: 1e7 }).map((f) => f / 100),
    ),
  });

  it('any CSV the exporter writes imports back to the same readings', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.uniqueArray(reading, { selector: (r) => r.minute, maxLength: 40 }),
        fc.constantFrom('zh' as const, 'en' as const),
        fc.integer({ min: 1, max: 64 }),
        async (readings, headers, chunkSize) => {
          const sorted = [...readings].sort((a, b) => a.minute - b.minute);
          const csv = [...minutesCsv(launch, sorted, headers)].join('');
          const state = initialState(launch);
          const file = await openCsv(chunks(csv, chunkSize));
          const plan = planColumns(file.header, {});
          const report = await importReadings(
            file,
            plan,
            {
              state: () => state,
              driven: () => false,
              execute: async (decide) =>
                Promise.resolve(decide(state, Date.parse('2026-01-01T00:00:00Z')).result),
            },
            { dryRun: false },
          );
          expect(report).toMatchObject({ accepted: sorted.length, rejectedRows: 0, encoding: 'utf8' });
          const back: Reading[] = [...state.readings.values()].sort((a, b) => a.minute - b.minute);
          expect(back).toEqual(sorted);
        },
      ),
      { numRuns: 150 },
    );
  });
});
