/**
 * The one place CSV is written (readings/forecast exports, the review export), through csv-stringify
 * with one policy, so no export can be laxer than another:
 *
 * - UTF-8 with a BOM and CRLF between records, which is what Excel needs to read Chinese text and rows;
 * - a text cell a spreadsheet would run as a formula (first character = + - @, tab or CR, or their
 *   full-width forms, which Apple Numbers folds into them) gets a leading apostrophe (OWASP CSV
 *   injection) — except a plain number such as -5 or +3.5, which is a value, not a formula, and must
 *   stay one so the importer reads its own exports back unchanged;
 * - a cell holding `,`, `;`, a quote, a tab or a line break is quoted, quotes doubled: Excel in many
 *   locales splits on `;`, so an unquoted `a;=cmd…` would put the formula in a cell of its own.
 */
import { type Options } from 'csv-stringify';
import { stringify } from 'csv-stringify/sync';

export type CsvCell = string | number | null | undefined;
export type CsvRow = readonly CsvCell[];

export const BOM = '\uFEFF';

const FORMULA_START = /^[=+\-@\t\r\uFF1D\uFF0B\uFF0D\uFF20]/;
const PLAIN_NUMBER = /^[+-]?\d+(?:\.\d+)?(?:e[+-]?\d+)?$/i;

/** The text as a spreadsheet may show it without running it (also used for the Excel workbook). */
export function neutraliseFormula(text: string): string {
  return FORMULA_START.test(text) && !PLAIN_NUMBER.test(text) ? `'${text}` : text;
}

const POLICY: Options = {
  record_delimiter: '\r\n',
  // csv-stringify quotes the delimiter and quotes by itself, and a lone CR or LF only when told to
  // (once record_delimiter is set it would look for CRLF alone); `;` and tab are ours.
  quote_record_delimiter: true,
  quoted_match: [';', '\t'],
  // Numbers are cast by the library and never neutralised: a number cannot be a formula.
  cast: { string: neutraliseFormula },
};
const WITH_BOM: Options = { ...POLICY, bom: true };

/** Rows as CSV text, each ending in CRLF; `bom` for the start of a file. */
export function csvText(rows: readonly CsvRow[], { bom = false } = {}): string {
  return stringify(rows as unknown[], bom ? WITH_BOM : POLICY);
}

/**
 * Rows per csv-stringify call. Each call keeps every record's text until it joins them at the end;
 * calls of a few dozen rows keep that garbage short-lived, which makes a year of minutes about a
 * third faster than one call per chunk of 2000.
 */
const ROWS_PER_CALL = 25;

/**
 * A file in chunks of `rowsPerChunk` records, the BOM first, so a year of minutes streams without
 * the whole text in memory.
 */
export function* csvChunks(rows: Iterable<CsvRow>, rowsPerChunk = 2000): Generator<string> {
  let batch: CsvRow[] = [];
  let chunk = '';
  let inChunk = 0;
  let bom = true;
  const flush = () => {
    chunk += csvText(batch, { bom });
    inChunk += batch.length;
    bom = false;
    batch = [];
  };
  for (const row of rows) {
    batch.push(row);
    if (batch.length < ROWS_PER_CALL && inChunk + batch.length < rowsPerChunk) continue;
    flush();
    if (inChunk >= rowsPerChunk) {
      yield chunk;
      chunk = '';
      inChunk = 0;
    }
  }
  if (batch.length > 0 || bom) flush();
  if (chunk) yield chunk;
}

/** One cell as the policy writes it (no delimiter after it). */
export function csvCell(cell: CsvCell): string {
  return stringify([[cell]], { ...POLICY, eof: false });
}
