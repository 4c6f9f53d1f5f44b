/**
 * Cell values as platform exports and Excel write them: `1,234`, `¥1,234.50`, `12.5万`, `1.2E+05`,
 * full-width digits, a leading apostrophe (Excel's "text" marker, and our formula-injection escape).
 * Empty cells and the exports' dashes are missing values, never zero. Numbers keep their decimal
 * text so that running totals subtract without float drift.
 */
import { MAX_METRIC_VALUE, MINUTE_MS, parseDateTime } from '@warroom/shared';

export type CellValue =
  | { kind: 'missing' }
  | { kind: 'number'; value: number; decimals: number }
  | { kind: 'error'; message: string };

const MISSING = new Set(['', '-', '--', '—', '－', 'n/a', 'na', 'null', '/']);
const FULL_WIDTH = /[\uFF01-\uFF5E\u3000]/;

function halfWidth(s: string): string {
  if (!FULL_WIDTH.test(s)) return s;
  return s
    .replace(/[\uFF01-\uFF5E]/g, (c) => String.fromCharCode(c.charCodeAt(0) - 0xfee0))
    .replace(/\u3000/g, ' ');
}

const MISSING_CELL: CellValue = { kind: 'missing' };
const PLAIN = /^\d+(?:\.\d+)?$/;
const GROUPED = /^\d{1,3}(?:,\d{3})+(?:\.\d+)?$/;
const EXPONENT = /^\d+(?:\.\d+)?e[+-]?\d+$/i;

/** Shifts the decimal point `k` places right, in text, so 12.345万 is exactly 123450. */
function shift(intPart: string, fracPart: string, k: number): { text: string; decimals: number } {
  const moved = fracPart.padEnd(k, '0');
  const whole = (intPart + moved.slice(0, k)).replace(/^0+(?=\d)/, '');
  const frac = moved.slice(k);
  return { text: frac ? `${whole}.${frac}` : whole, decimals: frac.length };
}

/** A number cell: `what` names the column in messages. Negative values are returned as numbers. */
export function parseNumberCell(raw: string, what: string): CellValue {
  let s = raw.trim();
  if (MISSING.has(s.toLowerCase())) return MISSING_CELL;
  if (PLAIN.test(s)) return { kind: 'number', value: Number(s), decimals: decimalsOf(s) };
  s = halfWidth(s);
  if (s.startsWith("'")) s = s.slice(1);
  s = s.replace(/[\s\u00a0\u2009\u202f]/g, '');
  if (MISSING.has(s.toLowerCase())) return MISSING_CELL;
  if (s.endsWith('%'))
    return {
      kind: 'error',
      message: `${what} is a percentage ('${raw.trim()}'); rates are derived and not imported, counts and amounts are`,
    };
  let negative = false;
  if (s.startsWith('-') || s.startsWith('−')) {
    negative = true;
    s = s.slice(1);
  }
  s = s.replace(/^[¥￥$]/, '').replace(/元$/, '');
  let power = 0;
  if (s.endsWith('万')) power = 4;
  else if (s.endsWith('亿')) power = 8;
  if (power) s = s.slice(0, -1);
  let out: { value: number; decimals: number } | null = null;
  if (PLAIN.test(s) || GROUPED.test(s)) {
    const plain = s.replace(/,/g, '');
    if (power) {
      const [i = '0', f = ''] = plain.split('.');
      const shifted = shift(i, f, power);
      out = { value: Number(shifted.text), decimals: shifted.decimals };
    } else {
      out = { value: Number(plain), decimals: decimalsOf(plain) };
    }
  } else if (!power && EXPONENT.test(s)) {
    out = { value: Number(s), decimals: 0 };
    if (!Number.isInteger(out.value)) out.decimals = 10;
  }
  if (!out || !Number.isFinite(out.value))
    return { kind: 'error', message: `${what} is not a number: '${raw.trim()}'` };
  return { kind: 'number', value: negative ? -out.value : out.value, decimals: out.decimals };
}

function decimalsOf(s: string): number {
  const dot = s.indexOf('.');
  return dot === -1 ? 0 : s.length - dot - 1;
}

/** Checks a per-minute value against what a reading may hold. Null when it is fine. */
export function metricProblem(value: number, what: string, wholeNumber: boolean, raw: string): string | null {
  if (value < 0) return `${what} must not be negative: '${raw.trim()}'`;
  if (value > MAX_METRIC_VALUE) return `${what} is larger than ${MAX_METRIC_VALUE}: '${raw.trim()}'`;
  if (wholeNumber && !Number.isInteger(value)) return `${what} must be a whole number: '${raw.trim()}'`;
  return null;
}

/** a − b rounded to the decimals the two texts had, so 1234.56 − 1000.12 is 234.44. */
export function difference(a: number, b: number, decimals: number): number {
  const d = Math.min(decimals, 10);
  return Number((a - b).toFixed(d));
}

const WITH_OFFSET = /^(\d{4}-\d{2}-\d{2})[T ](\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?)\s*(Z|[+-]\d{2}:?\d{2})$/i;
const LOCAL =
  /^(\d{4})[-/.年](\d{1,2})[-/.月](\d{1,2})日?(?:[T\s]+|(?=\d))(\d{1,2})[:：时](\d{1,2})(?:[:：分](\d{1,2})(?:\.\d+)?秒?)?$/;
const TIME_OF_DAY = /^(\d{1,2}):(\d{2})(?::(\d{2})(?:\.\d+)?)?$/;
const MINUTE = /^[+\-−]?\d+$/;

export type TimeCell =
  { kind: 'instant'; ms: number } | { kind: 'time-of-day'; minuteOfDay: number; seconds: number };

/**
 * Local wall-clock times are read in the launch's zone. The zone's offset is looked up once per
 * local day (a year of minutes is 366 look-ups, not 525,600); a day on which the offset changes (a
 * DST switch) is read minute by minute.
 */
export class TimeReader {
  private offsets = new Map<number, number | null>();

  constructor(readonly zone: string) {}

  parse(raw: string): TimeCell | string {
    const s = halfWidth(raw.trim());
    const o = WITH_OFFSET.exec(s);
    if (o) {
      const ms = parseDateTime(`${o[1]}T${o[2]}${o[3]}`, this.zone);
      return Number.isNaN(ms) ? notDateTime(raw) : { kind: 'instant', ms };
    }
    const l = LOCAL.exec(s);
    if (l) {
      const [Y, M, D, h, m, sec] = [l[1], l[2], l[3], l[4], l[5], l[6] ?? '0'].map(Number) as number[];
      const ms = this.local(Y!, M!, D!, h!, m!, sec!);
      return Number.isNaN(ms) ? notDateTime(raw) : { kind: 'instant', ms };
    }
    const t = TIME_OF_DAY.exec(s);
    if (t) {
      const [h, m, sec] = [Number(t[1]), Number(t[2]), Number(t[3] ?? '0')];
      if (h > 23 || m > 59 || sec > 59) return `is not a time of day: '${raw.trim()}'`;
      return { kind: 'time-of-day', minuteOfDay: h * 60 + m, seconds: sec };
    }
    return notDateTime(raw);
  }

  /** Wall-clock fields in the zone → epoch ms (NaN when they are not a real date). */
  local(Y: number, M: number, D: number, h: number, m: number, s: number): number {
    if (M < 1 || M > 12 || D < 1 || D > 31 || h > 23 || m > 59 || s > 59) return NaN;
    const asUtc = Date.UTC(Y, M - 1, D, h, m, s);
    if (new Date(asUtc).getUTCDate() !== D) return NaN;
    const dayKey = Math.floor(asUtc / 86_400_000);
    let offset = this.offsets.get(dayKey);
    if (offset === undefined) {
      const day = `${String(Y).padStart(4, '0')}-${pad(M)}-${pad(D)}`;
      const first = parseDateTime(`${day}T00:00:00`, this.zone);
      const last = parseDateTime(`${day}T23:59:00`, this.zone);
      offset = last - first === 1439 * MINUTE_MS ? dayKey * 86_400_000 - first : null;
      this.offsets.set(dayKey, offset);
    }
    if (offset === null) {
      return parseDateTime(
        `${String(Y).padStart(4, '0')}-${pad(M)}-${pad(D)}T${pad(h)}:${pad(m)}:${pad(s)}`,
        this.zone,
      );
    }
    return asUtc - offset;
  }
}

const notDateTime = (raw: string) =>
  `is not a date-time: '${raw.trim()}' (write 2026-11-11 10:05, 2026/11/11 10:05 or 10:05)`;

const pad = (n: number) => String(n).padStart(2, '0');

/** A minute-offset cell: an integer, negative before 开团. */
export function parseMinuteCell(raw: string): number | string {
  const s = halfWidth(raw.trim()).replace(/^'/, '');
  if (!MINUTE.test(s)) return `is not a whole number of minutes: '${raw.trim()}'`;
  return Number(s.replace('−', '-'));
}
