/**
 * Readings and forecasts back out as CSV that Excel opens correctly (UTF-8 with a BOM, CRLF) and
 * that this importer reads back unchanged: the same header dictionary, a time and a minute column.
 * A cell that a spreadsheet would run as a formula (= + - @, tab, CR first) gets a leading
 * apostrophe; plain numbers such as -5 stay numbers.
 */
import { type Launch, type Metric, METRICS, MINUTE_MS, zoneOffsetMinutes } from '@warroom/shared';

export const EXPORT_HEADERS: Record<'zh' | 'en', Record<Metric | 'time' | 'minute', string>> = {
  zh: {
    time: '时间',
    minute: '分钟',
    uv: '访客数',
    pv: '浏览量',
    fav: '收藏人数',
    cart: '加购人数',
    orders: '支付买家数',
    units: '支付件数',
    gmv: '支付金额',
  },
  en: {
    time: 'at',
    minute: 'minute',
    uv: 'uv',
    pv: 'pv',
    fav: 'fav',
    cart: 'cart',
    orders: 'orders',
    units: 'units',
    gmv: 'gmv',
  },
};

export const BOM = '\uFEFF';
const FORMULA_START = /^[=+\-@\t\r]/;
const NUMBER = /^[+-]?\d+(?:\.\d+)?(?:e[+-]?\d+)?$/i;
const NEEDS_QUOTES = /[",\n\r;\t]/;

/** One CSV cell: guarded against formula injection, quoted when it holds a delimiter or newline. */
export function csvCell(text: string): string {
  let s = text;
  if (FORMULA_START.test(s) && !NUMBER.test(s)) s = `'${s}`;
  return NEEDS_QUOTES.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

export function csvLine(cells: readonly string[]): string {
  return cells.map(csvCell).join(',') + '\r\n';
}

/** ISO text with the zone's offset; the offset is looked up once per hour. */
function isoFormatter(zone: string): (ms: number) => string {
  const offsets = new Map<number, number>();
  const pad = (n: number, w = 2) => String(n).padStart(w, '0');
  return (ms) => {
    const hour = Math.floor(ms / 3_600_000);
    let off = offsets.get(hour);
    if (off === undefined) {
      off = zoneOffsetMinutes(hour * 3_600_000, zone);
      offsets.set(hour, off);
    }
    const d = new Date(ms + off * MINUTE_MS);
    const sign = off >= 0 ? '+' : '-';
    const abs = Math.abs(off);
    return (
      `${pad(d.getUTCFullYear(), 4)}-${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())}T` +
      `${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())}` +
      `${sign}${pad(Math.floor(abs / 60))}:${pad(abs % 60)}`
    );
  };
}

/** The CSV in chunks of about `rowsPerChunk` lines, BOM first. */
export function* minutesCsv(
  launch: Pick<Launch, 'startAt' | 'timezone'>,
  rows: Iterable<{ minute: number } & Record<Metric, number>>,
  headers: 'zh' | 'en',
  rowsPerChunk = 2000,
): Generator<string> {
  const names = EXPORT_HEADERS[headers];
  const iso = isoFormatter(launch.timezone);
  const startMs = Date.parse(launch.startAt);
  let chunk = BOM + csvLine([names.time, names.minute, ...METRICS.map((m) => names[m])]);
  let n = 0;
  for (const r of rows) {
    chunk += csvLine([
      iso(startMs + r.minute * MINUTE_MS),
      String(r.minute),
      ...METRICS.map((m) => String(r[m])),
    ]);
    if (++n % rowsPerChunk === 0) {
      yield chunk;
      chunk = '';
    }
  }
  if (chunk) yield chunk;
}
