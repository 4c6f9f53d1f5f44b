/**
 * The post-launch review (活动总结): the launch afterwards against its plan. Pure: a launch's state
 * and the launch-clock time in, the review out. Sums are exact (micro-units), like the checkpoints.
 */
import {
  type Alert,
  type BaseMetric,
  type Incident,
  type LaunchReview,
  type LaunchState,
  type ReviewBuyers,
  type ReviewCheckpointRow,
  type ReviewEngagementRow,
  type ReviewIncidentRow,
  type ReviewKpi,
  type ReviewOrders,
  type ReviewStock,
  DEFAULT_PAYMENT_WINDOW_MINUTES,
  MINUTE_MS,
  forecastAt,
  fromMicro,
  launchTime,
  paymentLedger,
  preheatOf,
  realMs,
  runSheetDueMs,
  runSheetOf,
  runSheetStatus,
  stockStatus,
  toMicro,
} from '@warroom/shared';
import { diagnose, funnel } from '../engine/index';

import { channelReview } from './channels';

const TOP_DEVIATIONS = 5;
type Summed = 'uv' | 'orders' | 'units' | 'gmv';
const SUMMED: readonly Summed[] = ['uv', 'orders', 'units', 'gmv'];

const ratio = (a: number | null, b: number | null) => (a === null || b === null || b <= 0 ? null : a / b);

function totals(rows: Iterable<Partial<Record<Summed, number>> & { minute: number }>, duration: number) {
  const acc: Record<Summed, bigint> = { uv: 0n, orders: 0n, units: 0n, gmv: 0n };
  for (const r of rows) {
    if (r.minute < 0 || r.minute >= duration) continue;
    for (const k of SUMMED) acc[k] += toMicro(r[k] ?? 0);
  }
  return Object.fromEntries(SUMMED.map((k) => [k, fromMicro(acc[k])])) as Record<Summed, number>;
}

function kpis(state: LaunchState): ReviewKpi[] {
  const { launch } = state;
  const actual = totals(state.readings.values(), launch.durationMinutes);
  const planned = totals(launch.forecast, launch.durationMinutes);
  const target = {
    uv: launch.targets?.uv ?? planned.uv,
    units: launch.targets?.units ?? planned.units,
    gmv: launch.targets?.gmv ?? planned.gmv,
  };
  const kpi = (key: ReviewKpi['key'], t: number | null, a: number | null): ReviewKpi => ({
    key,
    target: t,
    actual: a,
    completion: ratio(a, t),
  });
  return [
    kpi('uv', target.uv, actual.uv),
    kpi('units', target.units, actual.units),
    kpi('gmv', target.gmv, actual.gmv),
    kpi('conversion', ratio(planned.orders, planned.uv), ratio(actual.orders, actual.uv)),
    kpi('aov', ratio(target.gmv, planned.orders), ratio(actual.gmv, actual.orders)),
    kpi('sellThrough', ratio(target.units, launch.stock), ratio(actual.units, launch.stock)),
    ...payRateKpi(state),
    ...(['fav', 'cart'] as const).map((k) => {
      const all = engagement(state).reduce(
        (acc, e) => ({ a: acc.a + e[k], f: acc.f + e[k === 'fav' ? 'forecastFav' : 'forecastCart'] }),
        { a: 0, f: 0 },
      );
      return kpi(k, all.f > 0 ? all.f : null, all.a);
    }),
  ];
}

/** Sums of base metrics over the minutes [from, to) of the readings and of the plan, exactly. */
function sumOver(state: LaunchState, metrics: readonly BaseMetric[], from: number, to: number) {
  const actual = Object.fromEntries(metrics.map((m) => [m, 0n])) as Record<BaseMetric, bigint>;
  const plan = { ...actual };
  for (const r of state.readings.values()) {
    if (r.minute < from || r.minute >= to) continue;
    for (const m of metrics) actual[m] += toMicro(r[m] ?? 0);
  }
  for (let m = from; m < to; m++) for (const k of metrics) plan[k] += toMicro(forecastAt(state.launch, m, k));
  return { actual, plan };
}

/** 下单-支付转化率 when readings carried what was placed: paid per placed order against the plan's. */
function payRateKpi(state: LaunchState): ReviewKpi[] {
  const orders = ordersOf(state);
  if (!orders) return [];
  const { plan } = sumOver(state, ['orders', 'placedOrders'], 0, state.launch.durationMinutes);
  const target = plan.placedOrders > 0n ? fromMicro(plan.orders) / fromMicro(plan.placedOrders) : null;
  return [{ key: 'payRate', target, actual: orders.payRate, completion: ratio(orders.payRate, target) }];
}

function engagement(state: LaunchState): ReviewEngagementRow[] {
  const preheat = preheatOf(state.launch);
  const row = (phase: ReviewEngagementRow['phase'], from: number, to: number): ReviewEngagementRow => {
    const { actual, plan } = sumOver(state, ['fav', 'cart'], from, to);
    return {
      phase,
      fav: fromMicro(actual.fav),
      forecastFav: fromMicro(plan.fav),
      cart: fromMicro(actual.cart),
      forecastCart: fromMicro(plan.cart),
    };
  };
  const hasPreheat = preheat > 0 || [...state.readings.keys()].some((m) => m < 0);
  return [
    ...(hasPreheat ? [row('preheat', -preheat, 0)] : []),
    row('launch', 0, state.launch.durationMinutes),
  ];
}

/** The last minute of the run of minutes with data from 开团 (what the ledger and the stock see). */
const asOfMinute = (state: LaunchState) => Math.min(state.firstMissing, state.launch.durationMinutes) - 1;

function stockOf(state: LaunchState): ReviewStock | null {
  const s = stockStatus(state);
  if (!s) return null;
  return {
    stock: s.stock,
    sold: s.sold,
    remaining: s.remaining,
    soldOutMinute: s.soldOutMinute,
    // Sold out in minute m: by the end of it, T+(m + 1).
    soldOutAt:
      s.soldOutMinute === null ? null : launchTime(state, state.startMs + (s.soldOutMinute + 1) * MINUTE_MS),
  };
}

function ordersOf(state: LaunchState): ReviewOrders | null {
  const window = state.launch.paymentWindowMinutes ?? DEFAULT_PAYMENT_WINDOW_MINUTES;
  const status = paymentLedger(state.readings, window, asOfMinute(state)).status();
  if (!status) return null;
  const paid = sumOver(state, ['orders', 'gmv'], 0, asOfMinute(state) + 1).actual;
  const paidOrders = fromMicro(paid.orders);
  return {
    placedOrders: status.placedOrders,
    placedAmount: status.placedAmount,
    paidOrders,
    paidAmount: fromMicro(paid.gmv),
    unpaidOrders: status.orders,
    unpaidAmount: status.amount,
    closedOrders: status.closedOrders,
    closedAmount: status.closedAmount,
    payRate: status.placedOrders > 0 ? Math.min(1, paidOrders / status.placedOrders) : null,
    paymentWindowMinutes: window,
  };
}

/** The funnel over the whole launch (the readings from 开团 against the whole plan), exactly. */
function launchFunnel(state: LaunchState) {
  const { actual, plan } = sumOver(state, ['uv', 'orders', 'gmv'], 0, state.launch.durationMinutes);
  const f = funnel(actual, plan);
  return f ? diagnose(f) : null;
}

function buyersOf(state: LaunchState): ReviewBuyers | null {
  let minutes = 0;
  let paid = 0n;
  let fresh = 0n;
  let planned = 0n;
  let plannedAny = false;
  for (const r of state.readings.values()) {
    if (r.newBuyers === undefined || r.minute < 0 || r.minute >= state.launch.durationMinutes) continue;
    minutes++;
    paid += toMicro(r.orders);
    fresh += toMicro(r.newBuyers);
    const p = state.launch.forecast[r.minute]?.newBuyers;
    if (p !== undefined) {
      plannedAny = true;
      planned += toMicro(p);
    }
  }
  if (minutes === 0) return null;
  const paidBuyers = fromMicro(paid);
  const newBuyers = fromMicro(fresh);
  return {
    minutes,
    paidBuyers,
    newBuyers,
    returningBuyers: Math.max(0, fromMicro(paid - fresh)),
    newShare: paid > 0n ? newBuyers / paidBuyers : null,
    forecastNewBuyers: plannedAny ? fromMicro(planned) : null,
  };
}

function incidentRow(state: LaunchState, i: Incident): ReviewIncidentRow {
  let worst: number | null = null;
  for (const e of i.evaluations)
    if (e.deviation !== null && (worst === null || Math.abs(e.deviation) > Math.abs(worst)))
      worst = e.deviation;
  return {
    incidentId: i.id,
    key: i.key,
    kind: i.kind,
    cause: i.cause,
    metric: i.metric,
    direction: i.direction,
    severity: i.severity,
    status: i.status,
    owner: i.owner,
    openedAt: i.openedAt,
    checkpoints: i.evaluations.map((e) => e.checkpoint),
    worstDeviation: worst ?? i.deviation,
    alertCount: i.alertCount,
    escalated: i.escalated,
    ackedBy: i.ackedBy,
    ackedAt: i.ackedAt,
    responseSeconds: i.ackedAt ? realMs(state, Date.parse(i.ackedAt) - Date.parse(i.openedAt)) / 1000 : null,
    action: i.action,
    note: i.note,
  };
}

function checkpointRows(state: LaunchState): ReviewCheckpointRow[] {
  // Which incident holds each (checkpoint, metric): its alert there, else its evaluation there.
  const holder = new Map<string, string>();
  for (const a of state.alerts.values())
    if (a.incidentId && a.metric) holder.set(`${a.checkpoint}/${a.metric}`, a.incidentId);
  for (const i of state.incidents.values())
    for (const e of i.evaluations)
      for (const m of e.metrics)
        if (m.severity !== null && !holder.has(`${e.checkpoint}/${m.metric}`))
          holder.set(`${e.checkpoint}/${m.metric}`, i.id);
  return [...state.checkpoints.values()]
    .sort((a, b) => a.checkpoint - b.checkpoint)
    .flatMap((c) =>
      c.metrics.map((m) => ({
        checkpoint: c.checkpoint,
        complete: c.complete,
        metric: m.metric,
        actual: m.actual,
        forecast: m.forecast,
        deviation: m.deviation,
        breach: m.breach,
        severity: m.severity,
        suppressed: m.suppressed ?? null,
        incidentId: m.breach ? (holder.get(`${c.checkpoint}/${m.metric}`) ?? null) : null,
      })),
    );
}

/**
 * How long the owner took, in real seconds: the log's times are launch-clock times, and a
 * simulation's clock runs faster than people do (30×: 9,000 launch seconds are five real minutes).
 * An alert nobody acknowledged has no response time (not one measured to the review's clock).
 */
function responseSeconds(state: LaunchState, a: Alert): number | null {
  if (!a.ackedAt) return null;
  return realMs(state, Date.parse(a.ackedAt) - Date.parse(a.raisedAt)) / 1000;
}

function alertRow(state: LaunchState, a: Alert) {
  return {
    alertId: a.id,
    kind: a.kind,
    checkpoint: a.checkpoint,
    metric: a.metric,
    direction: a.direction,
    severity: a.severity,
    deviation: a.deviation,
    owner: a.owner,
    status: a.status,
    raisedAt: a.raisedAt,
    escalated: a.escalated,
    ackedBy: a.ackedBy,
    ackedAt: a.ackedAt,
    responseSeconds: responseSeconds(state, a),
    action: a.action,
    note: a.note,
  };
}

function curves(state: LaunchState) {
  const { launch } = state;
  let last = -1;
  for (const m of state.readings.keys()) if (m > last && m < launch.durationMinutes) last = m;
  const f = { uv: 0n, units: 0n, gmv: 0n };
  const a = { uv: 0n, units: 0n, gmv: 0n };
  const out: LaunchReview['curves'] = [];
  for (let m = 0; m < launch.durationMinutes; m++) {
    const p = launch.forecast[m];
    const r = state.readings.get(m);
    for (const k of ['uv', 'units', 'gmv'] as const) {
      f[k] += toMicro(p?.[k] ?? 0);
      a[k] += toMicro(r?.[k] ?? 0);
    }
    const shown = m <= last;
    out.push({
      minute: m + 1,
      forecastUv: fromMicro(f.uv),
      actualUv: shown ? fromMicro(a.uv) : null,
      forecastUnits: fromMicro(f.units),
      actualUnits: shown ? fromMicro(a.units) : null,
      forecastGmv: fromMicro(f.gmv),
      actualGmv: shown ? fromMicro(a.gmv) : null,
    });
  }
  return out;
}

export function review(state: LaunchState, nowMs: number): LaunchReview {
  const { launch } = state;
  const cps = checkpointRows(state);
  const channels = channelReview(state);
  return {
    launch: {
      id: launch.id,
      name: launch.name,
      startAt: launch.startAt,
      durationMinutes: launch.durationMinutes,
      timezone: launch.timezone,
      tolerance: launch.tolerance,
      stock: launch.stock,
    },
    generatedAt: launchTime(state, nowMs),
    kpis: kpis(state),
    checkpoints: cps,
    alerts: [...state.alerts.values()]
      .sort((x, y) => x.raisedAt.localeCompare(y.raisedAt) || x.id.localeCompare(y.id))
      .map((a) => alertRow(state, a)),
    runSheet: runSheetOf(launch)
      .map((t) => ({ t, due: runSheetDueMs(t, state.startMs, launch.timezone) }))
      .sort((x, y) => x.due - y.due)
      .map(({ t, due }) => {
        const tick = state.runSheetDone.get(t.id);
        return {
          taskId: t.id,
          title: t.title,
          owner: t.owner,
          dueAt: launchTime(state, due),
          status: runSheetStatus(due, tick, nowMs),
          doneBy: tick?.by ?? null,
          doneAt: tick?.at ?? null,
        };
      }),
    curves: curves(state),
    topDeviations: cps
      .filter((c) => c.deviation !== null)
      .sort((x, y) => Math.abs(y.deviation!) - Math.abs(x.deviation!) || x.checkpoint - y.checkpoint)
      .slice(0, TOP_DEVIATIONS),
    stock: stockOf(state),
    orders: ordersOf(state),
    funnel: launchFunnel(state),
    engagement: engagement(state),
    buyers: buyersOf(state),
    incidents: [...state.incidents.values()]
      .sort((x, y) => x.openedAt.localeCompare(y.openedAt) || x.id.localeCompare(y.id))
      .map((i) => incidentRow(state, i)),
    ...(channels ? { channels } : {}),
  };
}
