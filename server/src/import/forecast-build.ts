/**
 * Forecast curves built from what planners have: a per-minute (or running-total) CSV, or a past
 * launch's actual curve scaled to new targets. Both are shown before they are saved: they return
 * points ready for `forecast` in POST /api/launches and store nothing.
 */
import {
  type ForecastPoint,
  type ImportReport,
  type Metric,
  type MetricValues,
  type OrderMetric,
  type Targets,
  BASE_METRICS,
  MAX_DURATION_MINUTES,
  METRICS,
  PREHEAT_MINUTES,
  isCoreMetric,
  zeroMetrics,
} from '@warroom/shared';
import type { LaunchState } from '@warroom/shared';
import type { ColumnPlan } from './columns';
import { ImportFileError } from './errors';
import type { CsvFile } from './records';
import { ReportBuilder } from './report';
import { RowReader } from './rows';
import { TimeReader } from './values';

type CurvePoint = ForecastPoint & MetricValues & Partial<Record<OrderMetric, number>>;

export interface Curve {
  /** From the preheat's first minute (negative) when the file plans one, else from 开团. */
  forecast: CurvePoint[];
  /** Over the launch itself (minute 0 on): what the targets are compared with. */
  totals: Record<Metric, number>;
}

function totalsOf(points: readonly CurvePoint[]): Record<Metric, number> {
  const t = zeroMetrics();
  for (const p of points) if (p.minute >= 0) for (const m of METRICS) t[m] += p[m];
  for (const m of METRICS) t[m] = Math.round(t[m] * 10_000) / 10_000;
  return t;
}

export async function importForecast(
  file: CsvFile,
  plan: ColumnPlan,
  opts: { startMs: number | null; timezone: string; durationMinutes?: number | undefined },
): Promise<Curve & { report: ImportReport }> {
  if (plan.time.kind === 'time' && opts.startMs === null)
    throw new ImportFileError(
      `the forecast gives times ('${plan.time.header}'); say when 开团 is with ?startAt=2026-11-11T10:00 ` +
        '(or give a minute column: minutes from 开团)',
    );
  // A forecast curve has no channel breakdown: a channel plan is the launch's channelShares (or its
  // forecast points' channels), so a channel column is said to be left out rather than mapped.
  if (plan.source)
    throw new ImportFileError(
      `a 流量来源 export ('${plan.source.header}') is readings, not a forecast; plan channels with the launch's channelShares`,
    );
  for (const c of plan.channels) {
    delete plan.mapping[c.header];
    plan.ignored.push({
      column: c.header,
      reason: "a forecast curve carries no channels: plan them with the launch's channelShares",
    });
  }
  plan.channels = [];
  const limit = opts.durationMinutes ?? MAX_DURATION_MINUTES;
  const reader = new RowReader({
    plan,
    times: new TimeReader(opts.timezone),
    startMs: opts.startMs,
    wholeCounts: false,
    outOfRange: (m) =>
      m < -PREHEAT_MINUTES
        ? `a forecast starts at most ${PREHEAT_MINUTES} minutes before 开团 (the preheat, 预热)`
        : m >= limit
          ? `after the launch ends (its last minute is ${limit - 1})`
          : null,
  });
  const warnings: string[] = [];
  const report = new ReportBuilder(file, plan, true, warnings);
  const points = new Map<number, { line: number; values: Omit<CurvePoint, 'minute'> }>();
  const absent = new Set(plan.absent);
  const given = new Set(plan.metrics.map((c) => c.metric));
  for await (const record of file.records) {
    report.rowsRead++;
    const row = reader.read(record);
    if (row.problems.length > 0 || row.minute === null) {
      report.reject(row.problems);
      continue;
    }
    if (row.repeatsPrevious) {
      report.duplicates++;
      continue;
    }
    const values: Omit<CurvePoint, 'minute'> = zeroMetrics();
    const problems = [];
    for (let i = 0; i < BASE_METRICS.length; i++) {
      const m = BASE_METRICS[i]!;
      const v = row.values[i];
      if (v !== undefined) values[m] = v;
      // Order measures are planned only when the file has a column for them.
      else if (isCoreMetric(m) ? !absent.has(m) : given.has(m)) {
        const why = row.missing[i];
        problems.push({
          line: row.line,
          column: why?.column,
          message: `${why?.message ?? `${m} is missing`}; a forecast needs a value for every minute (write 0)`,
        });
      }
    }
    if (problems.length > 0) {
      report.reject(problems);
      continue;
    }
    const seen = points.get(row.minute);
    if (seen) {
      if (BASE_METRICS.every((m) => seen.values[m] === values[m])) report.duplicates++;
      else
        report.reject([
          {
            line: row.line,
            column: plan.time.header,
            message: `minute ${row.minute} (${row.when}) is already on line ${seen.line} with different values; keep one of the two rows`,
          },
        ]);
      continue;
    }
    points.set(row.minute, { line: row.line, values });
    report.accepted++;
    report.covered(row.minute);
  }
  const length = opts.durationMinutes ?? (report.lastMinute === null ? 0 : report.lastMinute + 1);
  const first = Math.min(0, report.firstMinute ?? 0);
  const orderColumns = [...given].filter((m) => !isCoreMetric(m));
  const forecast: CurvePoint[] = Array.from({ length: length - first }, (_, i) => {
    const minute = first + i;
    const values = points.get(minute)?.values;
    if (values) return { minute, ...values };
    const empty: CurvePoint = { minute, ...zeroMetrics() };
    for (const m of orderColumns) empty[m as OrderMetric] = 0;
    return empty;
  });
  const gaps = forecast.filter((p) => !points.has(p.minute));
  if (gaps.length > 0)
    warnings.push(
      `${gaps.length} minute(s) between ${first} and ${length - 1} are not in the file (the first is minute ` +
        `${gaps[0]!.minute}); they are 0 in the curve`,
    );
  if (first < 0)
    warnings.push(
      `minutes ${first} to -1 plan the preheat (预热, ${-first} minutes before 开团); the launch takes ` +
        'them as its preheat forecast',
    );
  return { forecast, totals: totalsOf(forecast), report: report.build() };
}

/**
 * Splits `target` over minutes in proportion to `weights`, in steps of 0.0001, so the parts sum to
 * the target exactly at four decimals (largest remainders get the leftover steps).
 */
export function apportion(target: number, weights: readonly number[]): number[] {
  const ticks = Math.round(target * 10_000);
  const total = weights.reduce((a, b) => a + b, 0);
  const quotas = weights.map((w) => (ticks * w) / total);
  const floors = quotas.map(Math.floor);
  let left = ticks - floors.reduce((a, b) => a + b, 0);
  const order = quotas.map((q, i) => ({ i, rem: q - floors[i]! })).sort((a, b) => b.rem - a.rem || a.i - b.i);
  for (let k = 0; left > 0; k = (k + 1) % order.length, left--) floors[order[k]!.i]! += 1;
  for (let k = order.length - 1; left < 0; k = (k - 1 + order.length) % order.length) {
    const i = order[k]!.i;
    if (floors[i]! > 0) {
      floors[i]! -= 1;
      left++;
    }
  }
  return floors.map((f) => f / 10_000);
}

const round4 = (x: number) => Math.round(x * 10_000) / 10_000;

/** Which target scales each metric: traffic follows uv, the sales funnel follows units. */
const FOLLOWS: Record<Metric, keyof Targets> = {
  uv: 'uv',
  pv: 'uv',
  fav: 'uv',
  cart: 'units',
  orders: 'units',
  units: 'units',
  gmv: 'gmv',
};

export class CurveError extends Error {}

/**
 * The past launch's actual minutes 0 … duration − 1, scaled so uv, units and gmv sum to the new
 * targets (exactly, at four decimals); pv and fav scale with uv, cart and orders with units.
 * A minute without a reading counts as 0.
 */
export function curveFromLaunch(
  past: LaunchState,
  targets: Targets,
  durationMinutes?: number,
): Curve & { scale: Record<keyof Targets, number>; durationMinutes: number } {
  const duration = durationMinutes ?? past.launch.durationMinutes;
  if (duration > past.launch.durationMinutes)
    throw new CurveError(
      `launch ${past.launch.id} covers ${past.launch.durationMinutes} minutes; ask for at most that many`,
    );
  const actual = Array.from(
    { length: duration },
    (_, m) => past.readings.get(m) ?? { minute: m, ...zeroMetrics() },
  );
  const sums = totalsOf(actual);
  const scale = { uv: 0, units: 0, gmv: 0 };
  for (const k of ['uv', 'units', 'gmv'] as const) {
    if (!(sums[k] > 0))
      throw new CurveError(
        `launch ${past.launch.id} has no ${k} in its first ${duration} minutes, so there is no curve to scale; ` +
          'use the template from targets instead',
      );
    scale[k] = targets[k] / sums[k];
  }
  const exact = {
    uv: apportion(
      targets.uv,
      actual.map((r) => r.uv),
    ),
    units: apportion(
      targets.units,
      actual.map((r) => r.units),
    ),
    gmv: apportion(
      targets.gmv,
      actual.map((r) => r.gmv),
    ),
  };
  const forecast = actual.map((r, minute) => {
    const p = { minute } as ForecastPoint & MetricValues;
    for (const m of METRICS) {
      const key = FOLLOWS[m];
      p[m] = m === key ? exact[key][minute]! : round4(r[m] * scale[key]);
    }
    return p;
  });
  return { forecast, totals: totalsOf(forecast), scale, durationMinutes: duration };
}
