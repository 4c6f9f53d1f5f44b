/**
 * How the pace is tracking before the next checkpoint (按当前节奏 T+15 预计 ▼33%). Between
 * checkpoints the wall must not look "all clear" while the tiles read a third under plan, yet it
 * must not raise an alert either: only a checkpoint's rule does. So this is a projection, shown in
 * amber, never a fact in the log.
 *
 * The rule: the next checkpoint T is the first of the launch's checkpoints with no result yet. For
 * each compared metric, the actual so far (the minutes of [0, T) that have a reading) is A against
 * the forecast of those same minutes F_seen; the rest of the window is assumed to run at the same
 * pace, so the projected total at T is A + F_rest × A / F_seen = A × F_T / F_seen, where F_T is the
 * forecast of the whole window. That projected total is compared with F_T by the checkpoints' own
 * exact rule (`compare`, ±tolerance, critical beyond twice): both sides are multiplied by F_seen so
 * nothing is rounded. Missing minutes count as unknown, not as zero, as in an incomplete checkpoint.
 * Pure: a launch's state and the launch-clock now in, the outlook out.
 */
import type { LaunchState } from './fold';
import { type BaseMetric, type ComparedMetric, NOT_ALWAYS_REPORTED, RATIOS, isRatioMetric } from './metrics';
import { type Comparison, compare, compareRatio, fromMicro, toMicro } from './exact';
import { checkpointMetricsOf, forecastAt, preheatOf } from './launch';
import { stockStatus } from './stock';
import { MINUTE_MS } from './time';

export interface PaceMetric {
  metric: ComparedMetric;
  /** Actual so far over the minutes of the window that have a reading (a ratio: its value so far). */
  actual: number;
  /** Forecast over those same minutes (a ratio: its planned value over them). */
  forecastSoFar: number;
  /**
   * Projected total at the checkpoint at the pace so far, and the forecast it is compared with. A
   * ratio (conversion, order value) does not grow with time: its projection is its value so far.
   */
  projected: number;
  forecast: number;
  comparison: Comparison;
}

export interface PaceOutlook {
  checkpoint: number;
  dueAtMs: number;
  /** Minutes of the window with a reading, out of the window's length. */
  minutesSeen: number;
  metrics: PaceMetric[];
  /** The metric to show: the furthest breach, else the furthest from plan; null if none compares. */
  worst: PaceMetric | null;
}

const furthest = (a: PaceMetric, b: PaceMetric) =>
  Math.abs(b.comparison.deviation ?? 0) > Math.abs(a.comparison.deviation ?? 0) ? b : a;

/** After a sell-out, sales below plan are the stock's story, not the pace's. */
const SALES: readonly ComparedMetric[] = [
  'orders',
  'units',
  'gmv',
  'conversion',
  'placedOrders',
  'placedGmv',
];

const ratioValue = (num: bigint, den: bigint): number =>
  den > 0n ? Number((num * 1_000_000n) / den) / 1e6 : 0;

/**
 * The outlook for the next checkpoint at launch-clock `nowMs`; null before the window opens (开团,
 * or the preheat's start for a preheat checkpoint), once every checkpoint has a result, or while the
 * window has no reading to take a pace from. Each checkpoint projects its own metrics.
 */
export function paceOutlook(state: LaunchState, nowMs: number): PaceOutlook | null {
  const { launch } = state;
  const next = [...launch.checkpoints].sort((a, b) => a - b).find((t) => !state.checkpoints.has(t));
  if (next === undefined) return null;
  const from = next > 0 ? 0 : -preheatOf(launch);
  if (nowMs < state.startMs + from * MINUTE_MS) return null;
  const compared = checkpointMetricsOf(launch, next);
  const bases = [
    ...new Set(compared.flatMap((m) => (isRatioMetric(m) ? [RATIOS[m].num, RATIOS[m].den] : [m]))),
  ];
  const actual = new Map<BaseMetric, bigint>(bases.map((m) => [m, 0n]));
  const seen = new Map<BaseMetric, bigint>(bases.map((m) => [m, 0n]));
  const total = new Map<BaseMetric, bigint>(bases.map((m) => [m, 0n]));
  let minutesSeen = 0;
  for (let m = from; m < next; m++) {
    const r = state.readings.get(m);
    if (r) minutesSeen++;
    for (const k of bases) {
      const fk = toMicro(forecastAt(launch, m, k));
      total.set(k, total.get(k)! + fk);
      if (r) {
        seen.set(k, seen.get(k)! + fk);
        actual.set(k, actual.get(k)! + toMicro(r[k] ?? 0));
      }
    }
  }
  if (minutesSeen === 0) return null;
  const soldOut = next > 0 && stockStatus(state)?.soldOutMinute != null;
  const tol = toMicro(launch.tolerance);
  const out: PaceMetric[] = [];
  for (const metric of compared) {
    if (soldOut && SALES.includes(metric)) continue;
    if (isRatioMetric(metric)) {
      const { num, den } = RATIOS[metric];
      const [an, ad] = [actual.get(num)!, actual.get(den)!];
      const [sn, sd] = [seen.get(num)!, seen.get(den)!];
      const [tn, td] = [total.get(num)!, total.get(den)!];
      if (ad <= 0n || td <= 0n) continue;
      out.push({
        metric,
        actual: ratioValue(an, ad),
        forecastSoFar: ratioValue(sn, sd),
        projected: ratioValue(an, ad),
        forecast: ratioValue(tn, td),
        comparison: compareRatio(an, ad, tn, td, tol),
      });
      continue;
    }
    const a = actual.get(metric)!;
    const fSeen = seen.get(metric)!;
    const fT = total.get(metric)!;
    // Nothing to take a pace from, nothing to be a percentage of, or a measure this feed never sends.
    if (fSeen <= 0n || fT <= 0n) continue;
    if (a === 0n && NOT_ALWAYS_REPORTED.includes(metric)) continue;
    out.push({
      metric,
      actual: fromMicro(a),
      forecastSoFar: fromMicro(fSeen),
      projected: fromMicro((a * fT) / fSeen),
      forecast: fromMicro(fT),
      comparison: compare(a * fT, fSeen * fT, tol),
    });
  }
  const breached = out.filter((p) => p.comparison.breach !== null);
  const pool = breached.length > 0 ? breached : out;
  return {
    checkpoint: next,
    dueAtMs: state.startMs + next * MINUTE_MS,
    minutesSeen,
    metrics: out,
    worst: pool.length > 0 ? pool.reduce(furthest) : null,
  };
}
