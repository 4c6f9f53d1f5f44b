/**
 * Forecast curves: resolving what a planner sent into one full point per minute, and the template
 * that draws a curve from whole-launch targets with the shape the team plans with.
 */
import {
  type ForecastInput,
  type MetricValues,
  type Targets,
  METRICS,
  MINUTE_MS,
  zeroMetrics,
  zonedParts,
} from '@warroom/shared';

export type ForecastMinute = MetricValues & { minute: number };

/**
 * Relative weight of minute m in the planned shape: a spike at 开团 that decays within the first
 * half hour, a slower decay over the first hours, a low daytime floor, and a second peak around
 * 20:00 local time (返场). For a day-long launch this puts roughly 60–80% in the first three hours.
 */
export function templateWeight(minute: number, startAtMs: number, timezone: string): number {
  const spike = 6 * Math.exp(-minute / 10);
  const early = 2.2 * Math.exp(-minute / 70);
  const floor = 0.06;
  const local = zonedParts(startAtMs + minute * MINUTE_MS, timezone);
  const hourOfDay = local.hour + local.minute / 60;
  const fromEight = Math.min(Math.abs(hourOfDay - 20), 24 - Math.abs(hourOfDay - 20));
  const evening = minute >= 180 ? 0.25 * Math.exp(-(fromEight * fromEight) / (2 * 0.75 * 0.75)) : 0;
  return spike + early + floor + evening;
}

/** Derived ratios the template uses for the metrics without a target. */
const PV_PER_UV = 3.2;
const FAV_PER_UV = 0.08;
const CART_PER_UNIT = 2.5;
const UNITS_PER_ORDER = 1.15;

export function templateForecast(
  targets: Targets,
  durationMinutes: number,
  startAtMs: number,
  timezone: string,
): ForecastMinute[] {
  const weights = Array.from({ length: durationMinutes }, (_, m) => templateWeight(m, startAtMs, timezone));
  const total = weights.reduce((a, b) => a + b, 0);
  return weights.map((w, minute) => {
    const share = w / total;
    const uv = round4(targets.uv * share);
    const units = round4(targets.units * share);
    return {
      minute,
      uv,
      pv: round4(uv * PV_PER_UV),
      fav: round4(uv * FAV_PER_UV),
      cart: round4(units * CART_PER_UNIT),
      orders: round4(units / UNITS_PER_ORDER),
      units,
      gmv: round4(targets.gmv * share),
    };
  });
}

function round4(x: number): number {
  return Math.round(x * 10_000) / 10_000;
}

/** One full point per minute 0 … duration − 1; an omitted metric or minute is 0. */
export function resolveForecast(
  input: ForecastInput,
  durationMinutes: number,
  startAtMs: number,
  timezone: string,
): ForecastMinute[] {
  if (!Array.isArray(input)) return templateForecast(input.template, durationMinutes, startAtMs, timezone);
  const out: ForecastMinute[] = Array.from({ length: durationMinutes }, (_, minute) => ({
    minute,
    ...zeroMetrics(),
  }));
  for (const p of input) {
    const slot = out[p.minute];
    if (!slot) continue;
    for (const m of METRICS) slot[m] = p[m] ?? 0;
  }
  return out;
}

/** Running totals: cumulative[m] is the sum over minutes [0, m]. */
export function cumulative(points: readonly ForecastMinute[]): MetricValues[] {
  const acc = zeroMetrics();
  return points.map((p) => {
    for (const m of METRICS) acc[m] += p[m];
    return { ...acc };
  });
}
