/**
 * CSV records with the line a spreadsheet shows them on. csv-parse does the quoting; the lines are
 * counted here (header = line 1, a record with quoted newlines starts where it starts), because the
 * parser's own count is off for CRLF input and asking it for raw text halves its speed.
 */
import { Readable, pipeline } from 'node:stream';
import type { ImportDelimiter, ImportEncoding, ImportProblem } from '@warroom/shared';
import { type CsvError, parse } from 'csv-parse';
import { decodeText } from './decode';
import { ImportFileError } from './errors';

export interface CsvRecord {
  /** Spreadsheet line where the record starts. */
  line: number;
  cells: string[];
}

export interface CsvFile {
  encoding: ImportEncoding;
  delimiter: ImportDelimiter;
  header: string[];
  /** Data records after the header; blank rows (no cell with text) are skipped. */
  records: AsyncGenerator<CsvRecord>;
  /** Records the parser could not read (an unclosed quote), filled as `records` runs. */
  unreadable: ImportProblem[];
  warnings: string[];
}

/** A record longer than this is a runaway quote, not data. */
const MAX_RECORD_CHARS = 1024 * 1024;

/** The delimiter used most often outside quotes in the header line (ties go to the comma). */
export function sniffDelimiter(headerLine: string): ImportDelimiter | null {
  const counts: Record<ImportDelimiter, number> = { ',': 0, '\t': 0, ';': 0 };
  let quoted = false;
  for (const ch of headerLine) {
    if (ch === '"') quoted = !quoted;
    else if (!quoted && (ch === ',' || ch === '\t' || ch === ';')) counts[ch]++;
  }
  let best: ImportDelimiter | null = null;
  for (const d of [',', '\t', ';'] as const)
    if (counts[d] > 0 && (!best || counts[d] > counts[best])) best = d;
  return best;
}

function countNewlines(cells: readonly string[]): number {
  let n = 0;
  for (const c of cells) {
    let i = c.indexOf('\n');
    while (i !== -1) {
      n++;
      i = c.indexOf('\n', i + 1);
    }
  }
  return n;
}

const isBlank = (cells: readonly string[]) => cells.every((c) => c.trim() === '');

export async function openCsv(
  source: AsyncIterable<Buffer | Uint8Array | string>,
  opts: { encoding?: ImportEncoding | undefined; delimiter?: ImportDelimiter | undefined } = {},
): Promise<CsvFile> {
  const decoded = await decodeText(source, opts.encoding);
  // Read up to the end of the first line to choose the delimiter.
  const headChunks: string[] = [];
  let headText = '';
  let ended = false;
  while (!headText.includes('\n') && headText.length < MAX_RECORD_CHARS) {
    const r = await decoded.text.next();
    if (r.done) {
      ended = true;
      break;
    }
    headChunks.push(r.value);
    headText += r.value;
  }
  const firstLine = headText.replace(/^\uFEFF/, '').split('\n', 1)[0] ?? '';
  const delimiter = opts.delimiter ?? sniffDelimiter(firstLine);
  if (!delimiter) {
    throw new ImportFileError(
      firstLine.trim() === ''
        ? 'the file is empty: the first line should name the columns (时间, 访客数, 支付件数 …)'
        : `the header line has a single column ('${firstLine.slice(0, 60)}'); separate columns with commas, tabs or semicolons`,
    );
  }
  async function* text(): AsyncGenerator<string> {
    for (const c of headChunks) yield c;
    if (ended) return;
    for (;;) {
      const r = await decoded.text.next();
      if (r.done) return;
      yield r.value;
    }
  }
  const unreadable: ImportProblem[] = [];
  // Skips are reported by the parser ahead of the reader; each is placed once the reader has
  // consumed the records before it, when `cursor` is the line the skipped record starts on.
  const skips: { before: number; endLine: number; err: CsvError | undefined }[] = [];
  let cursor = 1; // the line the next record starts on
  let consumed = 0;
  const placeSkips = (upTo: number) => {
    while (skips.length > 0 && skips[0]!.before <= upTo) {
      const { endLine, err } = skips.shift()!;
      const start = Math.min(cursor, endLine);
      unreadable.push({
        line: start,
        message:
          err?.code === 'CSV_QUOTE_NOT_CLOSED' || err?.code === 'CSV_MAX_RECORD_SIZE'
            ? `a quote (") opened on line ${start} is never closed, so lines ${start}–${endLine} could not be read as rows`
            : `lines ${start}–${endLine} could not be read as CSV: ${err?.message ?? 'unknown error'}`,
      });
      cursor = endLine + 1;
    }
  };
  const parser = parse({
    delimiter,
    record_delimiter: '\n',
    relax_quotes: true,
    relax_column_count: true,
    skip_empty_lines: false,
    skip_records_with_error: true,
    max_record_size: MAX_RECORD_CHARS,
    on_skip: (err: CsvError | undefined) => {
      skips.push({ before: Number(err?.records ?? Infinity), endLine: Number(err?.lines ?? Infinity), err });
      return undefined;
    },
  });
  const input = Readable.from(text(), { objectMode: false });
  pipeline(input, parser, () => {
    // Errors reach the reader through the parser's iterator.
  });
  const it = parser[Symbol.asyncIterator]() as AsyncIterator<string[]>;
  const next = async (): Promise<CsvRecord | null> => {
    placeSkips(consumed);
    const r = await it.next();
    if (r.done) {
      placeSkips(Infinity);
      return null;
    }
    placeSkips(consumed);
    consumed++;
    const line = cursor;
    cursor += 1 + countNewlines(r.value);
    return { line, cells: r.value };
  };
  let header: string[] | null = null;
  while (!header) {
    const r = await next();
    if (!r) throw new ImportFileError('the file has no header line naming the columns');
    if (isBlank(r.cells)) continue;
    if (r.line !== 1) decoded.warnings.push(`the header is on line ${r.line}; lines before it were blank`);
    header = r.cells.map((c, i) => (i === 0 ? c.replace(/^\uFEFF/, '') : c).trim());
  }
  async function* records(): AsyncGenerator<CsvRecord> {
    for (;;) {
      const r = await next();
      if (!r) return;
      if (!isBlank(r.cells)) yield r;
    }
  }
  return {
    encoding: decoded.encoding,
    delimiter,
    header,
    records: records(),
    unreadable,
    warnings: decoded.warnings,
  };
}
