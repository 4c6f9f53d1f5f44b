/** What the screens show, computed from a launch's state. Pure; no React, no store. */
import {
  type Comparison,
  type Cause,
  type Direction,
  type Incident,
  type PlaybookKey,
  type Severity,
  type StockStatus,
  type UnpaidStatus,
  DEFAULT_PAYMENT_WINDOW_MINUTES,
  MINUTE_MS,
  compare,
  forecastAt,
  isSituation,
  fromMicro,
  paymentLedger,
  preheatOf,
  stockStatus,
  compareRatio,
  defaultRunSheet,
  openedAtMs,
  toMicro,
  parseDateTime,
  runSheetDueMs,
  runSheetOf,
  runSheetStatus,
  type RunSheetStatus,
  type RunSheetTick,
  type Alert,
  type CheckpointResult,
  type CheckpointState,
  type Metric,
  type MetricComparison,
  type OwnerRole,
} from '@warroom/shared';
import type { LaunchView } from './store/launchFold';
import type { MessageKey } from './i18n';

export type Level = 'ok' | 'warning' | 'critical';

/** The colour of a severity the engine's exact rule decided (shared `compare`); none is within. */
export function levelOf(severity: Severity | null | undefined): Level {
  return severity ?? 'ok';
}

/** The last minute (≥ 0) that has a reading, or −1. */
export function lastMinute(state: LaunchView): number {
  return Math.max(-1, lastAnyMinute(state));
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
  /** Actual so far against the forecast so far, by the checkpoints' exact rule. */
  deviation: Record<'uv' | 'units' | 'gmv' | 'conversion' | 'aov', Comparison>;
  conversion: number | null;
  aov: number | null;
  targetReached: number | null;
  targetGmv: number;
  sellThrough: number | null;
  remaining: number | null;
}

const ratio = (a: number, b: number) => (b > 0 ? a / b : null);
const SUMMED = ['uv', 'orders', 'units', 'gmv'] as const;

export function kpisOf(state: LaunchView): Kpis {
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
  const exactActual = { uv: 0n, orders: 0n, units: 0n, gmv: 0n };
  const exactForecast = { uv: 0n, orders: 0n, units: 0n, gmv: 0n };
  for (const r of state.readings.values()) {
    if (r.minute < 0 || r.minute >= launch.durationMinutes) continue;
    for (const k of SUMMED) exactActual[k] += toMicro(r[k]);
  }
  for (const p of launch.forecast) {
    for (const k of SUMMED) {
      forecastTotal[k] += p[k];
      if (p.minute <= last) {
        forecastSoFar[k] += p[k];
        exactForecast[k] += toMicro(p[k]);
      }
    }
  }
  const tol = toMicro(launch.tolerance);
  const none: Comparison = { deviation: null, breach: null, severity: null };
  const dev = (k: 'uv' | 'units' | 'gmv') =>
    last < 0 ? none : compare(exactActual[k], exactForecast[k], tol);
  const ratio2 = (n: 'orders' | 'gmv', d: 'uv' | 'orders') =>
    last < 0 ? none : compareRatio(exactActual[n], exactActual[d], exactForecast[n], exactForecast[d], tol);
  const targetGmv = launch.targets?.gmv ?? forecastTotal.gmv;
  return {
    actual,
    forecastSoFar,
    forecastTotal,
    deviation: {
      uv: dev('uv'),
      units: dev('units'),
      gmv: dev('gmv'),
      conversion: ratio2('orders', 'uv'),
      aov: ratio2('gmv', 'orders'),
    },
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

/**
 * Cumulative actual (up to the last minute with data) and forecast with its ±tolerance band. 收藏 and
 * 加购 start at the preheat (预热), so the T−45 screen shows them against plan; the others at 开团.
 */
export function cumulativeSeries(state: LaunchView, metric: Metric): Series {
  const { launch } = state;
  const fromPreheat = metric === 'fav' || metric === 'cart';
  const from = fromPreheat ? -preheatOf(launch) : 0;
  const last = fromPreheat ? lastAnyMinute(state) : lastMinute(state);
  const n = launch.durationMinutes;
  const out: Series = { minutes: [], actual: [], forecast: [], lower: [], bandWidth: [] };
  let a = 0;
  let f = 0;
  for (let m = from; m < n; m++) {
    a += state.readings.get(m)?.[metric] ?? 0;
    f += forecastAt(launch, m, metric);
    // The value at index m is the cumulative total over [from, m + 1): what a checkpoint at T = m + 1 compares.
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

/**
 * Per-minute visitors and units over the whole launch, on the cumulative chart's axis: index m is
 * minute m, drawn at T+(m + 1) where the cumulative chart shows the total that minute completes, so
 * the two charts line up minute for minute (they once showed T+0–57 beside T+1–180).
 */
export function perMinuteSeries(state: LaunchView): PerMinute {
  const out: PerMinute = { minutes: [], uv: [], units: [], forecastUv: [], forecastUnits: [] };
  for (let m = 0; m < state.launch.durationMinutes; m++) {
    const r = state.readings.get(m);
    out.minutes.push(m + 1);
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

export function startMs(state: LaunchView): number {
  return parseDateTime(state.launch.startAt, state.launch.timezone);
}

export function checkpointViews(state: LaunchView): CheckpointView[] {
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

/** The checkpoint marks drawn on the chart's canvas: characters every CJK font has (no ✗). */
export const CHECKPOINT_MARK: Record<CheckpointState, string> = {
  pending: '◌',
  within: '✓',
  breached: '×',
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

/**
 * The one item the big screen shows large — the rule, in one place (README "The featured alert"):
 *
 * 1. Of the open (unacknowledged) alerts, the most severe: critical before warning.
 * 2. Among equally severe ones, the most recent: the one that opened last (raised, or reopened),
 *    then the later checkpoint. Escalation does not outrank recency: an older alert that went to
 *    the manager must not hide a newer breach (the T+150 shown while T+180 had breached too); the
 *    escalated one stays marked on the screen's "n more open" line and in the console.
 * 3. With nothing open, the most recently acknowledged alert, so the room sees who took it on.
 *
 * Incidents (another issue) join as candidates here, ranked by the same two keys.
 */
export function featuredAlert(state: LaunchView): Alert | null {
  let best: Alert | null = null;
  for (const a of state.alerts.values()) {
    if (a.status !== 'open') continue;
    if (!best || featuredBefore(a, best)) best = a;
  }
  if (best) return best;
  let acked: Alert | null = null;
  for (const a of state.alerts.values())
    if (a.status === 'acknowledged' && (!acked || (a.ackedAt ?? '') > (acked.ackedAt ?? ''))) acked = a;
  return acked;
}

/** Whether open alert `a` is featured before `b`: severity, then when it opened, then checkpoint. */
function featuredBefore(a: Alert, b: Alert): boolean {
  return (
    (SEVERITY_RANK[a.severity] - SEVERITY_RANK[b.severity] ||
      openedAtMs(a) - openedAtMs(b) ||
      a.checkpoint - b.checkpoint) > 0
  );
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

/** The default tasks' ids and their dictionary keys (a Map: task ids are typed by the admin). */
export const DEFAULT_TASK_KEYS = new Map<string, MessageKey>([
  ['pre-check', 'rsPreCheck'],
  ['swap-pages', 'rsSwapPages'],
  ['follow-sales-5', 'rsFollowSales'],
  ['follow-sales-15', 'rsFollowSales'],
  ['decide-plan', 'rsDecidePlan'],
  ['customer-issues', 'rsCustomerIssues'],
  ['hour-review', 'rsHourReview'],
  ['logistics', 'rsLogistics'],
  ['reorder', 'rsReorder'],
  ['retro', 'rsRetro'],
]);
const DEFAULT_TITLES = new Map(defaultRunSheet().map((t) => [t.id, t.title]));

/** The launch's run sheet (作战时间表), placed on the launch's day, in time order. */
export function runSheet(state: LaunchView): RunSheetItem[] {
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
        task: DEFAULT_TITLES.get(t.id) === t.title ? (DEFAULT_TASK_KEYS.get(t.id) ?? null) : null,
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

/** Where a run-sheet task stands on the screens: the shared status, or 未记录 (not recorded). */
export type RunSheetView = RunSheetStatus | 'unrecorded';

/**
 * A task's status at launch-clock `nowMs`. A task that was due before the launch was set up (a
 * launch created after the fact, or minutes before 开团) was never in anyone's hands here: it is
 * 未记录, not overdue, unless someone ticked it off anyway.
 */
export function runSheetView(state: LaunchView, item: RunSheetItem, nowMs: number): RunSheetView {
  if (!item.tick && item.atMs < Date.parse(state.launch.createdAt)) return 'unrecorded';
  return runSheetStatus(item.atMs, item.tick ?? undefined, nowMs);
}

// --- launch day: stock, 待付款, 收藏/加购 from the preheat on, incidents and who is on them ---------

/** Stock as the wall shows it (shared rule, the engine's low-stock and sold-out alerts use it too). */
export function stockView(state: LaunchView): StockStatus | null {
  return stockStatus(state);
}

/** Orders placed and not yet paid (待付款) through the run of minutes with data from 开团. */
export function unpaidView(state: LaunchView): UnpaidStatus | null {
  const through = Math.min(state.firstMissing, state.launch.durationMinutes) - 1;
  const window = state.launch.paymentWindowMinutes ?? DEFAULT_PAYMENT_WINDOW_MINUTES;
  return paymentLedger(state.readings, window, through).status();
}

/** The last minute with a reading, the preheat's included (−Infinity before any). */
function lastAnyMinute(state: LaunchView): number {
  let last = -Infinity;
  for (const m of state.readings.keys()) if (m > last && m < state.launch.durationMinutes) last = m;
  return last;
}

export interface Engagement {
  actual: number;
  /** The plan over the same minutes: the preheat's start through the last minute with data. */
  forecast: number;
  comparison: Comparison;
  /** The last reading is in the preheat (before 开团). */
  preheat: boolean;
}

/** 收藏 or 加购 from the preheat on, against the plan of the same minutes (exact rule). */
export function engagementOf(state: LaunchView, metric: 'fav' | 'cart'): Engagement {
  const { launch } = state;
  const last = lastAnyMinute(state);
  const from = -preheatOf(launch);
  let actual = 0n;
  let forecast = 0n;
  for (const r of state.readings.values())
    if (r.minute >= from && r.minute <= last) actual += toMicro(r[metric]);
  for (let m = from; m <= last; m++) forecast += toMicro(forecastAt(launch, m, metric));
  const none: Comparison = { deviation: null, breach: null, severity: null };
  return {
    actual: fromMicro(actual),
    forecast: fromMicro(forecast),
    comparison: last === -Infinity ? none : compare(actual, forecast, toMicro(launch.tolerance)),
    preheat: last < 0,
  };
}

/**
 * The alert as the wall shows it: an alert raised into an incident that already went to the manager
 * is shown escalated with it (the story was escalated, whichever checkpoint's alert is featured).
 */
export function withIncidentEscalation(alert: Alert, incident: Incident | null): Alert {
  if (alert.escalated || alert.status !== 'open' || !incident?.escalated || incident.status !== 'open')
    return alert;
  return { ...alert, escalated: true, escalatedAt: incident.escalatedAt, escalatedTo: incident.escalatedTo };
}

/** The incident a featured alert belongs to, when it has one. */
export function incidentOf(state: LaunchView, alert: Alert | null): Incident | null {
  return alert?.incidentId ? (state.incidents.get(alert.incidentId) ?? null) : null;
}

/** The story an alert tells: its incident, else the alert alone (logs from before incidents). */
const storyKey = (a: Alert) => a.incidentId ?? a.id;

/** Open stories other than the featured alert's, and how many of them went to the manager. */
export function otherOpenStories(
  state: LaunchView,
  featured: Alert | null,
): { n: number; escalated: number } {
  const stories = new Map<string, boolean>();
  for (const a of state.alerts.values()) {
    if (a.status !== 'open' || (featured && storyKey(a) === storyKey(featured))) continue;
    stories.set(storyKey(a), (stories.get(storyKey(a)) ?? false) || a.escalated);
  }
  return { n: stories.size, escalated: [...stories.values()].filter(Boolean).length };
}

export interface AckView {
  key: string;
  /** What was taken on: the incident's (or alert's) metric or situation, and its direction. */
  what: PlaybookKey;
  /** A sales or traffic story's cause (流量 / 转化 / 客单价), which names it better than its lead metric. */
  cause: Cause | null;
  direction: Direction | null;
  by: string;
  atMs: number;
  action: string | null;
  /** The story got better since (back within plan): still shown, as handled. */
  resolved: boolean;
}

/**
 * The latest acknowledgements (who, action, when), newest first, other than the featured story's:
 * a calm incident someone took on stays visible as handled while another is featured.
 */
export function latestAcks(state: LaunchView, featured: Alert | null, max = 3): AckView[] {
  const skip = featured ? storyKey(featured) : null;
  const out: AckView[] = [];
  for (const i of state.incidents.values()) {
    if (!i.ackedBy || !i.ackedAt || i.id === skip) continue;
    out.push({
      key: i.id,
      what: i.metric ?? situationOf(i),
      cause: i.cause,
      direction: i.direction,
      by: i.ackedBy,
      atMs: Date.parse(i.ackedAt),
      action: i.action,
      resolved: i.status === 'resolved',
    });
  }
  // Alerts acknowledged outside any incident (logs from before incidents).
  for (const a of state.alerts.values()) {
    if (a.incidentId || !a.ackedBy || !a.ackedAt || a.id === skip) continue;
    out.push({
      key: a.id,
      what: a.metric ?? situationOf(a),
      cause: null,
      direction: a.direction,
      by: a.ackedBy,
      atMs: Date.parse(a.ackedAt),
      action: a.action,
      resolved: a.status === 'cleared',
    });
  }
  return out.sort((x, y) => y.atMs - x.atMs || x.key.localeCompare(y.key)).slice(0, max);
}

/** The situation an incident or alert without a metric is about. */
function situationOf(x: { kind: string; severity: Severity }): PlaybookKey {
  if (x.kind === 'stock') return x.severity === 'critical' ? 'sold-out' : 'low-stock';
  return isSituation(x.kind) ? x.kind : 'data-gap';
}
