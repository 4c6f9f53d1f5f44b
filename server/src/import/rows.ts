/**
 * One CSV record → one row: its minute, the per-minute value of each metric column (running totals
 * turned into increments), which values are missing and why, and every problem found. Rows are read
 * in file order because running totals depend on the row before.
 */
import {
  type BaseMetric,
  type TrafficChannel,
  type ChannelField,
  type ImportProblem,
  BASE_METRICS,
  MAX_METRIC_VALUE,
  MINUTE_MS,
  WHOLE_METRICS,
  zonedParts,
} from '@warroom/shared';
import type { ColumnPlan, MetricColumn } from './columns';
import type { CsvRecord } from './records';
import { type TimeReader, difference, metricProblem, parseMinuteCell, parseNumberCell } from './values';

export const METRIC_INDEX: Record<BaseMetric, number> = Object.fromEntries(
  BASE_METRICS.map((m, i) => [m, i]),
) as Record<BaseMetric, number>;

export interface Row {
  line: number;
  /** Null when the time cell could not be read. */
  minute: number | null;
  /** The time cell as written, for messages. */
  when: string;
  /** Per-minute values by BASE_METRICS index; undefined = missing (or no column). */
  values: (number | undefined)[];
  /** Why a value of a present column is missing, by BASE_METRICS index. */
  missing: (ImportProblem | undefined)[];
  problems: ImportProblem[];
  /** The same minute and running totals as the row before: a repeated line. */
  repeatsPrevious: boolean;
  /** Wide channel columns' figures (only the cells that hold a value). */
  channels?: Partial<Record<TrafficChannel, Partial<Record<ChannelField, number>>>>;
  /** A 流量来源 row: its source name and figures. */
  source?: { name: string; values: Partial<Record<ChannelField, number>> };
}

export interface RowContext {
  plan: ColumnPlan;
  times: TimeReader | null;
  /** 开团 (ms); needed for date-time cells. */
  startMs: number | null;
  /** Why a minute is out of range, or null. */
  outOfRange: (minute: number) => string | null;
  /** Counts must be whole numbers (readings); forecasts may be fractional. */
  wholeCounts: boolean;
}

interface Chain {
  last: number | null;
  decimals: number;
  line: number;
  /** The line whose total is unusable, so the next increment cannot be known. */
  brokenAt: number | null;
  started: boolean;
}

const NO_TOTALS: (number | undefined)[] = [];
const PLAIN_COUNT = /^\d{1,15}$/;

export class RowReader {
  private chains: Chain[];
  private prevMinute: number | null = null;
  private prevTotals: (number | undefined)[] = [];
  private dayOffset = 0;
  private lastTimeOfDay: number | null = null;
  private readonly startLocal: { year: number; month: number; day: number } | null;
  private readonly whole: boolean[];

  constructor(private readonly ctx: RowContext) {
    this.chains = ctx.plan.metrics.map(() => ({
      last: null,
      decimals: 0,
      line: 0,
      brokenAt: null,
      started: false,
    }));
    this.startLocal = ctx.startMs !== null && ctx.times ? zonedParts(ctx.startMs, ctx.times.zone) : null;
    this.whole = ctx.plan.metrics.map((c) => ctx.wholeCounts && WHOLE_METRICS.includes(c.metric));
  }

  read(record: CsvRecord): Row {
    const { plan } = this.ctx;
    const { line, cells } = record;
    const problems: ImportProblem[] = [];
    const values: (number | undefined)[] = new Array<number | undefined>(BASE_METRICS.length);
    const missing: (ImportProblem | undefined)[] = new Array<ImportProblem | undefined>(BASE_METRICS.length);
    if (cells.length !== plan.width) {
      const extraBlank = cells.length > plan.width && cells.slice(plan.width).every((c) => c.trim() === '');
      if (!extraBlank)
        problems.push({
          line,
          message:
            `has ${cells.length} cells but the header has ${plan.width}` +
            (cells.length > plan.width
              ? '; a number with a thousands separator must be quoted ("1,234"), or the delimiter is wrong'
              : '; fill in the missing cells (leave them empty if there is no value)'),
        });
    }
    const timeRaw = cells[plan.time.index] ?? '';
    const minute = this.minuteOf(timeRaw, line, problems);
    const totals: (number | undefined)[] = plan.cumulativeColumns.length > 0 ? [] : NO_TOTALS;
    plan.metrics.forEach((col, k) => {
      const raw = cells[col.index] ?? '';
      if (!col.cumulative && PLAIN_COUNT.test(raw)) {
        // The common case (a plain whole number) without building a cell object.
        const value = Number(raw);
        if (value <= MAX_METRIC_VALUE) {
          values[METRIC_INDEX[col.metric]] = value;
          return;
        }
      }
      const cell = parseNumberCell(raw, col.header);
      if (col.cumulative) {
        totals[k] = cell.kind === 'number' ? cell.value : undefined;
        return;
      }
      if (cell.kind === 'missing') {
        missing[METRIC_INDEX[col.metric]] = { line, column: col.header, message: `${col.header} is empty` };
      } else if (cell.kind === 'error') {
        problems.push({ line, column: col.header, message: cell.message });
      } else {
        const p = metricProblem(cell.value, col.header, this.whole[k]!, raw);
        if (p) problems.push({ line, column: col.header, message: p });
        else values[METRIC_INDEX[col.metric]] = cell.value;
      }
    });
    let repeatsPrevious = false;
    if (plan.cumulativeColumns.length > 0) {
      repeatsPrevious =
        minute !== null &&
        minute === this.prevMinute &&
        plan.metrics.every((c, k) => !c.cumulative || totals[k] === this.prevTotals[k]);
      if (!repeatsPrevious) {
        const outOfOrder = minute !== null && this.prevMinute !== null && minute <= this.prevMinute;
        if (outOfOrder) {
          problems.push({
            line,
            column: plan.time.header,
            message:
              `is minute ${minute} but the row before was minute ${this.prevMinute}; ` +
              'rows of running totals (累计) must go forward in time',
          });
        } else {
          plan.metrics.forEach((col, k) => {
            if (col.cumulative)
              this.increment(col, this.chains[k]!, cells[col.index] ?? '', line, values, missing, problems);
          });
          if (minute !== null) {
            this.prevMinute = minute;
            this.prevTotals = totals;
          }
        }
      }
    }
    const row: Row = { line, minute, when: timeRaw.trim(), values, missing, problems, repeatsPrevious };
    if (plan.channels.length > 0) {
      const channels: NonNullable<Row['channels']> = {};
      for (const col of plan.channels) {
        const v = this.channelCell(cells[col.index] ?? '', col.header, col.field, line, problems);
        if (v !== undefined) (channels[col.channel] ??= {})[col.field] = v;
      }
      row.channels = channels;
    }
    if (plan.source) {
      const name = (cells[plan.source.index] ?? '').trim();
      if (name === '')
        problems.push({
          line,
          column: plan.source.header,
          message: `${plan.source.header} is empty; every row names its source`,
        });
      const sourceValues: Partial<Record<ChannelField, number>> = {};
      for (const col of plan.sourceFields) {
        const v = this.channelCell(cells[col.index] ?? '', col.header, col.field, line, problems);
        if (v !== undefined) sourceValues[col.field] = v;
      }
      row.source = { name, values: sourceValues };
    }
    return row;
  }

  /** A channel figure's cell: a value, undefined when empty (not sent), a problem otherwise. */
  private channelCell(
    raw: string,
    header: string,
    field: ChannelField,
    line: number,
    problems: ImportProblem[],
  ): number | undefined {
    const cell = parseNumberCell(raw, header);
    if (cell.kind === 'missing') return undefined;
    if (cell.kind === 'error') {
      problems.push({ line, column: header, message: cell.message });
      return undefined;
    }
    const whole = this.ctx.wholeCounts && (field === 'uv' || field === 'orders');
    const p = metricProblem(cell.value, header, whole, raw);
    if (p) {
      problems.push({ line, column: header, message: p });
      return undefined;
    }
    return cell.value;
  }

  private increment(
    col: MetricColumn,
    chain: Chain,
    raw: string,
    line: number,
    values: (number | undefined)[],
    missing: (ImportProblem | undefined)[],
    problems: ImportProblem[],
  ): void {
    const at = METRIC_INDEX[col.metric];
    const cell = parseNumberCell(raw, col.header);
    const first = !chain.started;
    chain.started = true;
    if (cell.kind !== 'number' || cell.value < 0) {
      if (cell.kind === 'missing')
        missing[at] = { line, column: col.header, message: `${col.header} is empty (a running total)` };
      else
        problems.push({
          line,
          column: col.header,
          message:
            cell.kind === 'error' ? cell.message : `${col.header} must not be negative: '${raw.trim()}'`,
        });
      chain.last = null;
      chain.brokenAt = line;
      return;
    }
    const { value, decimals } = cell;
    if (chain.last === null && !first) {
      missing[at] = {
        line,
        column: col.header,
        message: `${col.header}: the increment for this minute is unknown because line ${chain.brokenAt} has no usable running total`,
      };
    } else if (chain.last !== null && value < chain.last) {
      problems.push({
        line,
        column: col.header,
        message: `${col.header} went down from ${chain.last} (line ${chain.line}) to ${value}; a running total (累计) never decreases`,
      });
      chain.last = null;
      chain.brokenAt = line;
      return;
    } else {
      const inc =
        chain.last === null ? value : difference(value, chain.last, Math.max(decimals, chain.decimals));
      const p = metricProblem(inc, col.header, this.whole[this.ctx.plan.metrics.indexOf(col)]!, raw);
      if (p) problems.push({ line, column: col.header, message: `${p} (increment ${inc})` });
      else values[at] = inc;
    }
    chain.last = value;
    chain.decimals = decimals;
    chain.line = line;
    chain.brokenAt = null;
  }

  private minuteOf(raw: string, line: number, problems: ImportProblem[]): number | null {
    const { plan, times, startMs } = this.ctx;
    const column = plan.time.header;
    if (raw.trim() === '') {
      problems.push({ line, column, message: `${column} is empty; every row needs its time` });
      return null;
    }
    let minute: number;
    if (plan.time.kind === 'minute') {
      const m = parseMinuteCell(raw);
      if (typeof m === 'string') {
        problems.push({ line, column, message: `${column} ${m}` });
        return null;
      }
      minute = m;
    } else {
      const t = times!.parse(raw);
      if (typeof t === 'string') {
        problems.push({ line, column, message: `${column} ${t}` });
        return null;
      }
      let ms: number;
      if (t.kind === 'instant') {
        ms = t.ms;
      } else {
        // A time of day is on 开团's local date, moving on a day when it jumps back by over 12 hours.
        if (this.lastTimeOfDay !== null && t.minuteOfDay < this.lastTimeOfDay - 12 * 60) this.dayOffset++;
        this.lastTimeOfDay = t.minuteOfDay;
        const day = new Date(
          Date.UTC(this.startLocal!.year, this.startLocal!.month - 1, this.startLocal!.day + this.dayOffset),
        );
        ms = times!.local(
          day.getUTCFullYear(),
          day.getUTCMonth() + 1,
          day.getUTCDate(),
          Math.floor(t.minuteOfDay / 60),
          t.minuteOfDay % 60,
          t.seconds,
        );
      }
      minute = Math.floor((ms - startMs!) / MINUTE_MS);
    }
    const range = this.ctx.outOfRange(minute);
    if (range) {
      problems.push({ line, column, message: `${column} '${raw.trim()}' is minute ${minute}: ${range}` });
      return null;
    }
    return minute;
  }
}
