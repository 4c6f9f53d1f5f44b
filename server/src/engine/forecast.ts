/**
 * Forecast curves: resolving what a planner sent into one full point per minute, and the template
 * that draws a curve from whole-launch targets with the shape the team plans with.
 */
import {
  type ForecastInput,
  type ForecastMinute,
  type MetricValues,
  type Targets,
  type BASE_METRICS,
  type ChannelBreakdown,
  canonicalChannels,
  METRICS,
  MINUTE_MS,
  ORDER_METRICS,
  zeroMetrics,
  zonedMinuteOfDay,
} from '@warroom/shared';

export type { ForecastMinute };

/** Shape constants of the template (weights are relative; only their ratios matter). */
const SPIKE = 6; // the 开团 rush …
const SPIKE_DECAY_MINUTES = 10; // … gone within about half an hour
const EARLY = 2.2; // the opening hours' crowd …
const EARLY_DECAY_MINUTES = 70; // … fading over the first three hours or so
const FLOOR = 0.085; // the day's own traffic at its busiest hour (20:00) …
const NIGHT_FLOOR = 0.2; // … and the share of that left at 04:00
const EVENING = 0.35; // 返场: the second peak …
const EVENING_HOUR = 20; // … around 20:00 local time …
const EVENING_WIDTH_HOURS = 0.6; // … about an hour and a half wide …
const EVENING_AFTER_MINUTES = 90; // … once the opening rush is over (it merges with a late start)

/**
 * Relative weight of minute m in the planned shape: a spike at 开团 that decays within the first
 * half hour, a slower decay over the first hours, a floor that follows the time of day (quiet at
 * night, busiest in the evening), and a second peak around 20:00 local time (返场). For a day-long
 * launch this puts roughly 65–77% of the weight in the first three hours whatever the start hour;
 * the 20:00 peak stands out as its own local maximum when 开团 is at least three hours earlier.
 */
export function templateWeight(minute: number, startAtMs: number, timezone: string): number {
  const spike = SPIKE * Math.exp(-minute / SPIKE_DECAY_MINUTES);
  const early = EARLY * Math.exp(-minute / EARLY_DECAY_MINUTES);
  const ofDay = zonedMinuteOfDay(startAtMs + minute * MINUTE_MS, timezone);
  const hour = Math.floor(ofDay / 60) + (ofDay % 60) / 60;
  const floor = FLOOR * dayActivity(hour);
  const fromPeak = Math.min(Math.abs(hour - EVENING_HOUR), 24 - Math.abs(hour - EVENING_HOUR));
  const gate = 1 / (1 + Math.exp(-(minute - EVENING_AFTER_MINUTES) / 20));
  const evening = EVENING * gate * Math.exp(-(fromPeak * fromPeak) / (2 * EVENING_WIDTH_HOURS ** 2));
  return spike + early + floor + evening;
}

/**
 * Time-of-day activity in [NIGHT_FLOOR, 1]: lowest at 04:00, rising smoothly through the day to
 * 20:00, falling smoothly through the night. Smooth with zero slope at both ends, so it adds no
 * peak of its own and does not move the 20:00 one.
 */
function dayActivity(hour: number): number {
  const x = (((hour - 4) % 24) + 24) % 24; // hours since 04:00
  const rise =
    x <= 16 ? (1 - Math.cos((Math.PI * x) / 16)) / 2 : (1 + Math.cos((Math.PI * (x - 16)) / 8)) / 2;
  return NIGHT_FLOOR + (1 - NIGHT_FLOOR) * rise;
}

/** Derived ratios the template uses for the metrics without a target. */
const PV_PER_UV = 3.2;
const FAV_PER_UV = 0.08;
const CART_PER_UNIT = 2.5;
const UNITS_PER_ORDER = 1.15;
/** Of the orders placed, the share the team plans to see paid (下单-支付转化率). */
const PAY_RATE = 0.85;
/** The preheat (预热): its visitors as a share of the launch's, more of them favouriting and adding to cart. */
const PREHEAT_UV_SHARE = 0.15;
const PREHEAT_FAV_PER_UV = 0.2;
const PREHEAT_CART_PER_UV = 0.12;

/**
 * The template curve: uv, units and gmv follow the planned shape and sum to their targets exactly
 * at four decimals (largest-remainder rounding); pv, fav, cart and orders are derived per minute
 * from the team's usual ratios.
 */
export function templateForecast(
  targets: Targets,
  durationMinutes: number,
  startAtMs: number,
  timezone: string,
): ForecastMinute[] {
  const shares = new Float64Array(durationMinutes);
  let total = 0;
  for (let m = 0; m < durationMinutes; m++) total += shares[m] = templateWeight(m, startAtMs, timezone);
  for (let m = 0; m < durationMinutes; m++) shares[m]! /= total;
  const uv = apportion(targets.uv, shares);
  const units = apportion(targets.units, shares);
  const gmv = apportion(targets.gmv, shares);
  return Array.from({ length: durationMinutes }, (_, minute) => {
    const orders = round4(units[minute]! / UNITS_PER_ORDER);
    return {
      minute,
      uv: uv[minute]!,
      pv: round4(uv[minute]! * PV_PER_UV),
      fav: round4(uv[minute]! * FAV_PER_UV),
      cart: round4(units[minute]! * CART_PER_UNIT),
      orders,
      units: units[minute]!,
      gmv: gmv[minute]!,
      placedOrders: round4(orders / PAY_RATE),
      placedGmv: round4(gmv[minute]! / PAY_RATE),
    };
  });
}

/**
 * The preheat's plan (minutes −preheat … −1): visitors building up towards 开团 (a share of the
 * launch's), browsing, favouriting and adding to cart; nothing sold before 开团.
 */
export function templatePreheat(targets: Targets, preheatMinutes: number): ForecastMinute[] {
  const weights = Array.from({ length: preheatMinutes }, (_, i) =>
    Math.exp((i - preheatMinutes) / (preheatMinutes / 3 || 1)),
  );
  const total = weights.reduce((a, b) => a + b, 0);
  const uv = apportion(
    targets.uv * PREHEAT_UV_SHARE,
    weights.map((w) => w / total),
  );
  return uv.map((v, i) => ({
    minute: i - preheatMinutes,
    ...zeroMetrics(),
    uv: v,
    pv: round4(v * PV_PER_UV),
    fav: round4(v * PREHEAT_FAV_PER_UV),
    cart: round4(v * PREHEAT_CART_PER_UV),
  }));
}

/**
 * Splits `target` by `shares` (summing to 1) into values with four decimals whose sum is the
 * target at four decimals: each gets the floor of its quota, and the ticks left over go to the
 * largest remainders (ties to the earlier minute). A year has 525,600 minutes, so this works on
 * typed arrays: the smallest remainder still served is found by a selection, in linear time, rather
 * than by sorting an object (or the remainders) per minute.
 */
function apportion(target: number, shares: ArrayLike<number>): number[] {
  const ticks = BigInt(target.toFixed(4).replace('.', ''));
  const scaled = Number(ticks);
  const n = shares.length;
  const floors = new Float64Array(n);
  const rems = new Float64Array(n);
  let exactSum = 0; // exact while below 2^53 (it is: the floors sum to at most `scaled`)
  for (let i = 0; i < n; i++) {
    const quota = scaled * shares[i]!;
    const f = Math.floor(quota);
    floors[i] = f;
    rems[i] = quota - f;
    exactSum += f;
  }
  const sum = Number.isSafeInteger(exactSum) ? BigInt(exactSum) : floors.reduce((a, f) => a + BigInt(f), 0n);
  let left = ticks - sum;
  if (left > 0n && n > 0) {
    // Every remainder gets a tick per full round (never more than one round in practice) …
    const rounds = left / BigInt(n);
    if (rounds > 0n) for (let i = 0; i < n; i++) floors[i]! += Number(rounds);
    let rest = Number(left % BigInt(n));
    // … and the `rest` largest remainders one more, ties to the earlier minute: every remainder
    // above the rest-th largest, then the earliest of those equal to it.
    if (rest > 0) {
      const cut = kthSmallest(Float64Array.from(rems), n - rest);
      for (let i = 0; i < n; i++)
        if (rems[i]! > cut) {
          floors[i]! += 1;
          rest--;
        }
      for (let i = 0; i < n && rest > 0; i++)
        if (rems[i] === cut) {
          floors[i]! += 1;
          rest--;
        }
    }
    left = 0n;
  }
  for (; left < 0n; left++) {
    const i = floors.findIndex((f) => f > 0);
    floors[i]! -= 1;
  }
  return Array.from(floors, (f) => f / 10_000);
}

/**
 * The k-th smallest value (0-based) of `a`, as `a.sort()[k]` would give, in linear time: a
 * selection (Hoare's, the middle element as pivot) that reorders `a` in place.
 */
function kthSmallest(a: Float64Array, k: number): number {
  let lo = 0;
  let hi = a.length - 1;
  while (lo < hi) {
    const pivot = a[(lo + hi) >> 1]!;
    let i = lo;
    let j = hi;
    while (i <= j) {
      while (a[i]! < pivot) i++;
      while (a[j]! > pivot) j--;
      if (i <= j) {
        const t = a[i]!;
        a[i] = a[j]!;
        a[j] = t;
        i++;
        j--;
      }
    }
    if (k <= j) hi = j;
    else if (k >= i) lo = i;
    else return a[k]!;
  }
  return a[k]!;
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
    fill(slot, p);
  }
  return out;
}

/** A point's metrics into a stored minute: every count (0 when omitted), the order measures when given. */
function fill(
  slot: ForecastMinute,
  p: Partial<Record<(typeof BASE_METRICS)[number], number>> & { channels?: ChannelBreakdown | undefined },
): void {
  for (const m of METRICS) slot[m] = p[m] ?? 0;
  for (const m of ORDER_METRICS) if (p[m] !== undefined) slot[m] = p[m];
  if (p.channels) slot.channels = canonicalChannels(p.channels);
}

/** The preheat's plan from the input: its negative minutes, or the template's preheat. */
export function resolvePreheat(input: ForecastInput, preheatMinutes: number): ForecastMinute[] {
  if (preheatMinutes <= 0) return [];
  if (!Array.isArray(input)) return templatePreheat(input.template, preheatMinutes);
  const out: ForecastMinute[] = Array.from({ length: preheatMinutes }, (_, i) => ({
    minute: i - preheatMinutes,
    ...zeroMetrics(),
  }));
  for (const p of input) {
    const slot = out[p.minute + preheatMinutes];
    if (p.minute < 0 && slot) fill(slot, p);
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
