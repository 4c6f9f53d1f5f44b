/** What the screens show, computed from a launch's state. Pure; no React, no store. */
import {
  MINUTE_MS,
  defaultRunSheet,
  parseDateTime,
  runSheetDueMs,
  runSheetOf,
  type RunSheetTick,
  type Alert,
  type CheckpointResult,
  type CheckpointState,
  type Metric,
  type MetricComparison,
  type OwnerRole,
} from '@warroom/shared';
import type { LaunchState } from './store/launchFold';
import type { MessageKey } from './i18n';

export type Level = 'ok' | 'warning' | 'critical';

/** Severity of a deviation against the launch's tolerance (strictly beyond is outside). */
export function levelOf(deviation: number | null, tolerance: number): Level {
  if (deviation === null) return 'ok';
  const abs = Math.abs(deviation);
  if (abs > 2 * tolerance + 1e-9) return 'critical';
  if (abs > tolerance + 1e-9) return 'warning';
  return 'ok';
}

/** The last minute (≥ 0) that has a reading, or −1. */
export function lastMinute(state: LaunchState): number {
  let last = -1;
  for (const m of state.readings.keys()) if (m > last && m < state.launch.durationMinutes) last = m;
  return last;
}

export interface Totals {
  uv: number;
  orders: number;
  units: number;
  gmv: number;
}

export interface Kpis {
  actual: Totals;
  /** Forecast over the same minutes as the actuals (0 … last minute with data). */
  forecastSoFar: Totals;
  forecastTotal: Totals;
  deviation: Record<'uv' | 'units' | 'gmv', number | null>;
  conversion: number | null;
  aov: number | null;
  targetReached: number | null;
  targetGmv: number;
  sellThrough: number | null;
  remaining: number | null;
}

const ratio = (a: number, b: number) => (b > 0 ? a / b : null);

export function kpisOf(state: LaunchState): Kpis {
  const { launch } = state;
  const last = lastMinute(state);
  const actual: Totals = { uv: 0, orders: 0, units: 0, gmv: 0 };
  for (const r of state.readings.values()) {
    if (r.minute < 0 || r.minute >= launch.durationMinutes) continue;
    actual.uv += r.uv;
    actual.orders += r.orders;
    actual.units += r.units;
    actual.gmv += r.gmv;
  }
  const forecastSoFar: Totals = { uv: 0, orders: 0, units: 0, gmv: 0 };
  const forecastTotal: Totals = { uv: 0, orders: 0, units: 0, gmv: 0 };
  for (const p of launch.forecast) {
    for (const k of ['uv', 'orders', 'units', 'gmv'] as const) {
      forecastTotal[k] += p[k];
      if (p.minute <= last) forecastSoFar[k] += p[k];
    }
  }
  const dev = (k: 'uv' | 'units' | 'gmv') =>
    last < 0 || forecastSoFar[k] <= 0 ? null : actual[k] / forecastSoFar[k] - 1;
  const targetGmv = launch.targets?.gmv ?? forecastTotal.gmv;
  return {
    actual,
    forecastSoFar,
    forecastTotal,
    deviation: { uv: dev('uv'), units: dev('units'), gmv: dev('gmv') },
    conversion: ratio(actual.orders, actual.uv),
    aov: ratio(actual.gmv, actual.orders),
    targetReached: ratio(actual.gmv, targetGmv),
    targetGmv,
    sellThrough: launch.stock ? actual.units / launch.stock : null,
    remaining: launch.stock !== null ? Math.max(0, launch.stock - actual.units) : null,
  };
}

export interface Series {
  minutes: number[];
  actual: (number | null)[];
  forecast: number[];
  lower: number[];
  bandWidth: number[];
}

/** Cumulative actual (up to the last minute with data) and forecast with its ±tolerance band. */
export function cumulativeSeries(state: LaunchState, metric: Metric): Series {
  const { launch } = state;
  const last = lastMinute(state);
  const n = launch.durationMinutes;
  const out: Series = { minutes: [], actual: [], forecast: [], lower: [], bandWidth: [] };
  let a = 0;
  let f = 0;
  for (let m = 0; m < n; m++) {
    a += state.readings.get(m)?.[metric] ?? 0;
    f += launch.forecast[m]?.[metric] ?? 0;
    // The value at index m is the cumulative total over [0, m + 1): what a checkpoint at T = m + 1 compares.
    out.minutes.push(m + 1);
    out.actual.push(m <= last ? a : null);
    out.forecast.push(f);
    out.lower.push(f * Math.max(0, 1 - launch.tolerance));
    out.bandWidth.push(f * (1 + launch.tolerance) - f * Math.max(0, 1 - launch.tolerance));
  }
  return out;
}

export interface PerMinute {
  minutes: number[];
  uv: (number | null)[];
  units: (number | null)[];
  forecastUv: number[];
  forecastUnits: number[];
}

/** Minutes shown by the per-minute chart: a sliding hour, so bars stay readable on a long launch. */
export const MINUTE_WINDOW = 60;

export function perMinuteSeries(state: LaunchState): PerMinute {
  const out: PerMinute = { minutes: [], uv: [], units: [], forecastUv: [], forecastUnits: [] };
  const duration = state.launch.durationMinutes;
  const end = Math.min(duration, Math.max(MINUTE_WINDOW, lastMinute(state) + 6));
  for (let m = Math.max(0, end - MINUTE_WINDOW); m < end; m++) {
    const r = state.readings.get(m);
    out.minutes.push(m);
    out.uv.push(r ? r.uv : null);
    out.units.push(r ? r.units : null);
    out.forecastUv.push(state.launch.forecast[m]?.uv ?? 0);
    out.forecastUnits.push(state.launch.forecast[m]?.units ?? 0);
  }
  return out;
}

export interface CheckpointView {
  t: number;
  state: CheckpointState;
  dueAtMs: number;
  /** The comparison furthest from forecast (the one to show on the timeline). */
  worst: MetricComparison | null;
  result: CheckpointResult | null;
}

export function startMs(state: LaunchState): number {
  return parseDateTime(state.launch.startAt, state.launch.timezone);
}

export function checkpointViews(state: LaunchState): CheckpointView[] {
  const start = startMs(state);
  return state.launch.checkpoints.map((t) => {
    const result = state.checkpoints.get(t) ?? null;
    let worst: MetricComparison | null = null;
    for (const m of result?.metrics ?? []) {
      if (m.deviation === null) continue;
      if (!worst || Math.abs(m.deviation) > Math.abs(worst.deviation ?? 0)) worst = m;
    }
    const breached = result?.metrics.some((m) => m.breach !== null) ?? false;
    const cpState: CheckpointState = !result
      ? 'pending'
      : breached
        ? 'breached'
        : !result.complete
          ? 'incomplete'
          : 'within';
    return { t, state: cpState, dueAtMs: start + t * MINUTE_MS, worst, result };
  });
}

export const CHECKPOINT_MARK: Record<CheckpointState, string> = {
  pending: '◌',
  within: '✓',
  breached: '✗',
  incomplete: '?',
};

const SEVERITY_RANK = { critical: 2, warning: 1 } as const;

/** Open alerts first by escalation, severity and recency: the first is the one to show large. */
export function rankAlerts(alerts: Iterable<Alert>): Alert[] {
  return [...alerts].sort(
    (a, b) =>
      Number(b.status === 'open') - Number(a.status === 'open') ||
      Number(b.escalated) - Number(a.escalated) ||
      SEVERITY_RANK[b.severity] - SEVERITY_RANK[a.severity] ||
      b.raisedAt.localeCompare(a.raisedAt),
  );
}

/** The alert for the big screen: the top open one, else the latest acknowledged one. */
export function featuredAlert(state: LaunchState): Alert | null {
  const ranked = rankAlerts(state.alerts.values());
  const open = ranked.find((a) => a.status === 'open');
  if (open) return open;
  const acked = ranked
    .filter((a) => a.status === 'acknowledged')
    .sort((a, b) => (b.ackedAt ?? '').localeCompare(a.ackedAt ?? ''));
  return acked[0] ?? null;
}

export interface RunSheetItem {
  key: string;
  atMs: number;
  /** The task's own title, and the dictionary key of a default task (for English). */
  title: string;
  task: MessageKey | null;
  owner: OwnerRole;
  /** Shown as T±m when relative to 开团; clock items show their time; T+1 day its own label. */
  label: { kind: 'relative'; minutes: number } | { kind: 'clock' } | { kind: 'nextDay' };
  tick: RunSheetTick | null;
}

/** The default tasks' ids and their dictionary keys. */
const DEFAULT_TASK_KEYS: Record<string, MessageKey> = {
  'pre-check': 'rsPreCheck',
  'swap-pages': 'rsSwapPages',
  'follow-sales-5': 'rsFollowSales',
  'follow-sales-15': 'rsFollowSales',
  'decide-plan': 'rsDecidePlan',
  'customer-issues': 'rsCustomerIssues',
  'hour-review': 'rsHourReview',
  logistics: 'rsLogistics',
  reorder: 'rsReorder',
  retro: 'rsRetro',
};
const DEFAULT_TITLES = new Map(defaultRunSheet().map((t) => [t.id, t.title]));

/** The launch's run sheet (作战时间表), placed on the launch's day, in time order. */
export function runSheet(state: LaunchState): RunSheetItem[] {
  const start = startMs(state);
  const zone = state.launch.timezone;
  return runSheetOf(state.launch)
    .map((t): RunSheetItem => {
      const minutes = t.offsetMinutes;
      return {
        key: t.id,
        atMs: runSheetDueMs(t, start, zone),
        title: t.title,
        // An edited title is the planner's own words; only untouched defaults are translated.
        task: DEFAULT_TITLES.get(t.id) === t.title ? (DEFAULT_TASK_KEYS[t.id] ?? null) : null,
        owner: t.owner,
        label:
          minutes === null
            ? { kind: 'clock' }
            : minutes === 24 * 60
              ? { kind: 'nextDay' }
              : { kind: 'relative', minutes },
        tick: state.runSheetDone.get(t.id) ?? null,
      };
    })
    .sort((a, b) => a.atMs - b.atMs);
}
