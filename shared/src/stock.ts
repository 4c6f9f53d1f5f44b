/**
 * Stock (库存): what is left of the item, when it sold out (售罄), and whether the current pace runs
 * it out before the planned end. One rule for the engine's low-stock and sold-out alerts and for
 * the wall.
 */
import { toMicro } from './exact';
import type { LaunchState } from './fold';
import { type Lang, translate } from './i18n';
import type { LaunchWarning } from './launch';

/** The team's rule at set-up: 核心商品库存需满足预期销量3倍以上. */
export const STOCK_COVER_FACTOR = 3;

export interface StockStatus {
  stock: number;
  /** Units sold in the minutes with data, 开团 onwards. */
  sold: number;
  remaining: number;
  /** The minute in which cumulative sales reached the stock, or null. */
  soldOutMinute: number | null;
  /** The last minute read (the last of the minutes in a row from 开团), or null before any. */
  asOfMinute: number | null;
  /**
   * At the current pace against plan, the minute the stock runs out, or null when the pace says it
   * lasts to the end (or it sold out already, or nothing is planned to measure the pace by).
   */
  projectedSellOutMinute: number | null;
  /** The projection says stock runs out before the planned end (and it has not yet). */
  low: boolean;
}

/** What the stock rule needs to know about a launch at minute `asOf`. */
export interface StockInputs {
  stock: number;
  durationMinutes: number;
  /** The last minute read (of the run of minutes with data from 开团); −1 before any. */
  asOf: number;
  /** Units sold through `asOf`, and the minute cumulative sales reached the stock (or null). */
  sold: number;
  soldOutMinute: number | null;
  /** Planned units over [0, asOf] (the pace is sold / planned so far) and over (asOf, end). */
  plannedSoFar: number;
  plannedRest: number;
  /** Planned units over (asOf, m] for asOf < m < end (non-decreasing in m). */
  plannedThrough: (m: number) => number;
}

/**
 * The stock rule. The pace is how the sales so far compare with the plan so far, and the rest of
 * the launch is projected at that pace along the planned curve (a 开团 spike is planned, so it does
 * not read as a pace that runs the stock out). Low when the projected total is strictly more than
 * the stock: `sold · (planned so far + planned rest) > stock · planned so far`, compared exactly.
 */
export function projectStock(i: StockInputs): StockStatus {
  const remaining = Math.max(0, i.stock - i.sold);
  const status: StockStatus = {
    stock: i.stock,
    sold: i.sold,
    remaining,
    soldOutMinute: i.soldOutMinute,
    asOfMinute: i.asOf >= 0 ? i.asOf : null,
    projectedSellOutMinute: null,
    low: false,
  };
  if (i.asOf < 0 || i.soldOutMinute !== null || i.plannedSoFar <= 0 || i.sold <= 0) return status;
  const soFar = toMicro(i.plannedSoFar);
  status.low = toMicro(i.sold) * (soFar + toMicro(i.plannedRest)) > toMicro(i.stock) * soFar;
  if (!status.low) return status;
  // The first minute at which the projected sales reach the stock.
  const reaches = (m: number) =>
    toMicro(i.sold) * (soFar + toMicro(i.plannedThrough(m))) >= toMicro(i.stock) * soFar;
  let lo = i.asOf + 1;
  let hi = i.durationMinutes - 1;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (reaches(mid)) hi = mid;
    else lo = mid + 1;
  }
  status.projectedSellOutMinute = lo;
  return status;
}

/**
 * The stock as a screen's readings show it (through the run of minutes with data from 开团). Null
 * for a launch without stock.
 */
export function stockStatus(state: LaunchState): StockStatus | null {
  const { stock, durationMinutes, forecast } = state.launch;
  if (stock === null) return null;
  const asOf = Math.min(state.firstMissing, durationMinutes) - 1;
  let sold = 0;
  let soldOutMinute: number | null = null;
  for (let m = 0; m <= asOf; m++) {
    sold += state.readings.get(m)?.units ?? 0;
    if (soldOutMinute === null && sold >= stock) soldOutMinute = m;
  }
  const planned: number[] = [0];
  for (let m = 0; m < durationMinutes; m++) planned.push(planned[m]! + (forecast[m]?.units ?? 0));
  return projectStock({
    stock,
    durationMinutes,
    asOf,
    sold,
    soldOutMinute,
    plannedSoFar: planned[asOf + 1] ?? 0,
    plannedRest: planned[durationMinutes]! - (planned[asOf + 1] ?? 0),
    plannedThrough: (m) => planned[m + 1]! - planned[asOf + 1]!,
  });
}

/** The set-up warning: stock under three times the planned units (a warning, not a refusal). */
export function stockCoverShort(launch: LaunchState['launch']): { stock: number; planned: number } | null {
  if (launch.stock === null) return null;
  const planned = launch.targets?.units ?? launch.forecast.reduce((sum, p) => sum + p.units, 0);
  return planned > 0 && launch.stock < STOCK_COVER_FACTOR * planned ? { stock: launch.stock, planned } : null;
}

/** What a planner is warned about when saving a launch, in `lang`. */
export function launchWarnings(launch: LaunchState['launch'], lang: Lang = 'en'): LaunchWarning[] {
  const short = stockCoverShort(launch);
  return short ? [{ code: 'stock-cover', message: translate(lang, 'warn.stockCover', short) }] : [];
}
