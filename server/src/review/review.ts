/**
 * The post-launch review (活动总结): the launch afterwards against its plan. Pure: a launch's state
 * and the launch-clock time in, the review out. Sums are exact (micro-units), like the checkpoints.
 */
import {
  type Alert,
  type LaunchReview,
  type ReviewCheckpointRow,
  type ReviewKpi,
  runSheetDueMs,
  runSheetOf,
  runSheetStatus,
} from '@warroom/shared';
import { type LaunchState, fromMicro, toMicro } from '../engine/index';
import { iso } from '../engine/checkpoints';

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
  ];
}

function checkpointRows(state: LaunchState): ReviewCheckpointRow[] {
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
      })),
    );
}

function alertRow(a: Alert) {
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
    responseSeconds: a.ackedAt ? (Date.parse(a.ackedAt) - Date.parse(a.raisedAt)) / 1000 : null,
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
    generatedAt: iso(state, nowMs),
    kpis: kpis(state),
    checkpoints: cps,
    alerts: [...state.alerts.values()]
      .sort((x, y) => x.raisedAt.localeCompare(y.raisedAt) || x.id.localeCompare(y.id))
      .map(alertRow),
    runSheet: runSheetOf(launch)
      .map((t) => ({ t, due: runSheetDueMs(t, state.startMs, launch.timezone) }))
      .sort((x, y) => x.due - y.due)
      .map(({ t, due }) => {
        const tick = state.runSheetDone.get(t.id);
        return {
          taskId: t.id,
          title: t.title,
          owner: t.owner,
          dueAt: iso(state, due),
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
  };
}
