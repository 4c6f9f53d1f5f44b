/**
 * The one CSV policy every export is written with (server/src/csv.ts): formula starts neutralised
 * with an apostrophe except plain numbers, cells with `,` `;` quotes tabs or line breaks quoted,
 * UTF-8 BOM and CRLF records, and what a CSV reader gets back is exactly the neutralised text.
 */
import { parse } from 'csv-parse/sync';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  type CsvCell,
  type CsvRow,
  csvCell,
  csvChunks,
  csvText,
  neutraliseFormula,
} from '../../server/src/csv';

describe('one cell', () => {
  it.each<[string, CsvCell, string]>([
    ['= starts a formula', '=1+2', "'=1+2"],
    ['+ starts a formula', '+A1', "'+A1"],
    ['- starts a formula unless a number', '-2+3', "'-2+3"],
    ['@ starts a function', '@SUM(A1)', "'@SUM(A1)"],
    ['a leading tab hides a formula (and is quoted)', '\t=1', `"'\t=1"`],
    ['a leading CR hides a formula (and is quoted)', '\r=1', `"'\r=1"`],
    ['full-width ＝ is folded into = by Numbers', '＝1+2', "'＝1+2"],
    ['full-width ＋', '＋1', "'＋1"],
    ['full-width －', '－1', "'－1"],
    ['full-width ＠', '＠SUM(A1)', "'＠SUM(A1)"],
    ['a formula after ; stays inside one quoted cell', "a;=cmd|' /C calc'!A0", `"a;=cmd|' /C calc'!A0"`],
    ['a formula start with ; inside is neutralised and quoted', '=cmd;x', `"'=cmd;x"`],
    ['quotes are doubled inside quotes', 'say "hi"', '"say ""hi"""'],
    ['a comma is quoted', 'a,b', '"a,b"'],
    ['a tab inside is quoted', 'a\tb', '"a\tb"'],
    ['CRLF inside is quoted', 'line\r\nnext', '"line\r\nnext"'],
    ['a lone LF inside is quoted', 'line\nnext', '"line\nnext"'],
    ['a lone CR inside is quoted', 'line\rnext', '"line\rnext"'],
    ['a negative number stays a number', -5, '-5'],
    ['a negative decimal stays a number', -0.25, '-0.25'],
    ['a number written as text -5 stays a number', '-5', '-5'],
    ['+3.5 as text stays a number', '+3.5', '+3.5'],
    ['-1e5 as text stays a number', '-1e5', '-1e5'],
    ['a lone minus is not a number', '-', "'-"],
    ['zero', 0, '0'],
    ['an empty text is an empty cell', '', ''],
    ['null is an empty cell', null, ''],
    ['undefined is an empty cell', undefined, ''],
    ['Chinese text is written as it is', '双11 开团 · 保温杯', '双11 开团 · 保温杯'],
    ['Chinese text with a full-width comma is not quoted', '已加价，观察中', '已加价，观察中'],
    ['Chinese text with a comma is quoted', '已加价 20%, 观察中', '"已加价 20%, 观察中"'],
  ])('%s: %j is written %s', (_what, cell, written) => {
    expect(csvCell(cell)).toBe(written);
  });
});

describe('rows and files', () => {
  it('records end in CRLF, empty and null cells are empty fields, a file starts with the BOM', () => {
    const rows: CsvRow[] = [
      ['时间', '分钟', '备注'],
      ['2025-11-11T10:00:00+08:00', -1, null],
      ['', 0, '=HYPERLINK("http://x")'],
      [],
    ];
    expect(csvText(rows, { bom: true })).toBe(
      '\uFEFF时间,分钟,备注\r\n' +
        '2025-11-11T10:00:00+08:00,-1,\r\n' +
        `,0,"'=HYPERLINK(""http://x"")"\r\n` +
        '\r\n',
    );
    expect(csvText(rows.slice(0, 1))).toBe('时间,分钟,备注\r\n');
  });

  it('chunks: the BOM once, at the start, and the same text as one piece', () => {
    const rows: CsvRow[] = Array.from({ length: 2_345 }, (_, i) => [
      i - 1_000,
      `第${i}行`,
      i % 7 === 0 ? '-x' : null,
    ]);
    const chunks = [...csvChunks(rows, 1_000)];
    expect(chunks).toHaveLength(3);
    expect(chunks.map((c) => c.split('\r\n').length - 1)).toEqual([1_000, 1_000, 345]);
    expect(chunks.filter((c) => c.includes('\uFEFF'))).toEqual([chunks[0]]);
    expect(chunks[0]!.startsWith('\uFEFF-1000,第0行,')).toBe(true);
    expect(chunks.join('')).toBe(csvText(rows, { bom: true }));
  });

  it('no rows: a file that holds only the BOM', () => {
    expect([...csvChunks([])]).toEqual(['\uFEFF']);
  });

  const text = fc.oneof(
    fc.string(),
    fc.string({
      unit: fc.constantFrom(
        '=',
        '+',
        '-',
        '@',
        '\t',
        '\r',
        '\n',
        ';',
        ',',
        '"',
        "'",
        '1',
        '.',
        'a',
        '开',
        '＝',
      ),
    }),
  );
  const cell = fc.oneof(text, fc.double({ noNaN: true, noDefaultInfinity: true }), fc.constant(null));

  it('a CSV reader reads back each cell as the neutralised text, and no text cell starts a formula', () => {
    fc.assert(
      fc.property(
        fc.array(fc.array(cell, { minLength: 2, maxLength: 6 }), { minLength: 1, maxLength: 8 }),
        (rows) => {
          const back = parse(csvText(rows, { bom: true }), {
            bom: true,
            relax_column_count: true,
          }) as string[][];
          expect(back).toEqual(
            rows.map((r) =>
              r.map((c) => (c === null ? '' : typeof c === 'number' ? String(c) : neutraliseFormula(c))),
            ),
          );
          for (const [i, r] of rows.entries())
            for (const [j, c] of r.entries())
              if (typeof c === 'string' && /^[=+\-@\t\r＝＋－＠]/.test(back[i]![j]!))
                expect(back[i]![j]).toMatch(/^[+-]?\d+(\.\d+)?(e[+-]?\d+)?$/i);
        },
      ),
      { numRuns: 300 },
    );
  });

  it('any cell holding ; is quoted, so a spreadsheet splitting on ; keeps it whole', () => {
    fc.assert(
      fc.property(text, (s) => {
        const written = csvCell(`${s};${s}`);
        expect(written.startsWith('"') && written.endsWith('"')).toBe(true);
      }),
    );
  });
});
