/**
 * Exact window sums for checkpoints, stock and payments: actual and planned totals of every base
 * metric over a checkpoint's window, in micro-units (BigInt), with the caches that keep a long
 * launch linear (forecast prefix sums; actual totals for windows unchanged since they were summed —
 * the fold drops what a new reading changes).
 */
import {
  BASE_METRICS,
  type BaseMetric,
  CHANNELS,
  CHANNEL_FIELDS,
  type ChannelSums,
  type LaunchState,
  type PlannedPrefix,
  type Reading,
  plannedChannelMicro2,
  forecastAt,
  isRatioMetric,
  preheatOf,
  toMicro,
  toMicroNumber,
} from '@warroom/shared';

const INDEX = new Map<BaseMetric, number>(BASE_METRICS.map((m, i) => [m, i]));
export const baseIndex = (m: BaseMetric): number => INDEX.get(m)!;

/**
 * Planned prefix sums of one base metric, prefix[T] = Σ forecast[0, T), computed as far as `t` asks
 * and kept: a year-long launch's 525,600 minutes are summed a batch of readings at a time, not all
 * at once on the first look. Held as doubles while exact (PlannedPrefix).
 */
function prefixTo(state: LaunchState, metric: BaseMetric, t: number): PlannedPrefix {
  const all = (state.sums.forecastPrefix ??= []);
  const k = baseIndex(metric);
  const { forecast, durationMinutes } = state.launch;
  const p = (all[k] ??= { filled: 1, num: new Float64Array(durationMinutes + 1), big: null });
  const end = Math.min(Math.max(0, t), durationMinutes);
  for (let m = p.filled - 1; m < end; m++) {
    const x = forecast[m]?.[metric] ?? 0;
    if (p.num) {
      const next = p.num[m]! + toMicroNumber(x);
      if (Math.abs(next) <= Number.MAX_SAFE_INTEGER) {
        p.num[m + 1] = next;
        continue;
      }
      // Past 2^53 (or a value that is not a safe integer of micro-units): BigInt from here on.
      p.big = Array.from(p.num.subarray(0, m + 1), (v) => BigInt(v));
      p.num = null;
    }
    p.big!.push(p.big![m]! + toMicro(x));
  }
  p.filled = Math.max(p.filled, end + 1);
  return p;
}

const prefixAt = (p: PlannedPrefix, t: number): bigint => (p.num ? BigInt(p.num[t]!) : p.big![t]!);

/** Planned total of a base metric over [0, t), exactly. */
export function plannedBefore(state: LaunchState, metric: BaseMetric, t: number): bigint {
  const at = Math.min(Math.max(0, t), state.launch.durationMinutes);
  return prefixAt(prefixTo(state, metric, at), at);
}

/** The planned prefix sums of the launch's compared metrics that are sums (in `launch.metrics` order). */
export function forecastPrefix(state: LaunchState): bigint[][] {
  const whole = state.launch.durationMinutes;
  return state.launch.metrics.flatMap((m) => {
    if (isRatioMetric(m)) return [];
    const p = prefixTo(state, m, whole);
    return [Array.from({ length: p.filled }, (_, t) => prefixAt(p, t))];
  });
}

/** Exact actual totals of every base metric over the present minutes of [0, t), cached ascending. */
export function actualTotals(state: LaunchState, t: number): bigint[] {
  return cachedTotals(state, t).totals;
}

/** The channel sums over the present minutes of [0, t) (cached with `actualTotals`). */
export function channelTotals(state: LaunchState, t: number): ChannelSums {
  return cachedTotals(state, t).channels;
}

function cachedTotals(state: LaunchState, t: number): { totals: bigint[]; channels: ChannelSums } {
  const cache = state.sums.actual;
  let i = cache.length - 1;
  while (i >= 0 && cache[i]!.t > t) i--;
  const base = i >= 0 ? cache[i]! : null;
  if (base && base.t === t) return base;
  const totals = base ? [...base.totals] : BASE_METRICS.map(() => 0n);
  const channels = base ? copySums(base.channels) : emptyChannelSums();
  // Added as doubles while the partial sums are safe integers (exact), into BigInt before they
  // would not be: a year of minutes makes millions of additions.
  const partial = new Float64Array(BASE_METRICS.length);
  for (let m = base ? base.t : 0; m < t; m++) {
    const r = state.readings.get(m);
    if (!r) continue;
    for (let k = 0; k < BASE_METRICS.length; k++) {
      const v = r[BASE_METRICS[k]!];
      if (!v) continue;
      const micro = toMicroNumber(v);
      const next = partial[k]! + micro;
      if (Math.abs(next) <= Number.MAX_SAFE_INTEGER) partial[k] = next;
      else {
        totals[k]! += BigInt(partial[k]!) + toMicro(v);
        partial[k] = 0;
      }
    }
    addChannels(state, channels, r);
  }
  for (let k = 0; k < BASE_METRICS.length; k++) if (partial[k]) totals[k]! += BigInt(partial[k]!);
  const entry = { t, totals, channels };
  cache.splice(i + 1, 0, entry);
  return entry;
}

export function emptyChannelSums(): ChannelSums {
  return {
    actual: new Array<bigint>(CHANNELS.length * CHANNEL_FIELDS.length).fill(0n),
    planUv: new Array<bigint>(CHANNELS.length).fill(0n),
    minutes: 0,
  };
}

function copySums(s: ChannelSums): ChannelSums {
  return { actual: [...s.actual], planUv: [...s.planUv], minutes: s.minutes };
}

/** Adds a reading's channel breakdown (and the plan of its minute) to the sums. */
export function addChannels(state: LaunchState, sums: ChannelSums, r: Reading): void {
  if (!r.channels) return;
  sums.minutes++;
  CHANNELS.forEach((c, ci) => {
    const v = r.channels![c];
    if (v)
      CHANNEL_FIELDS.forEach((f, fi) => {
        const x = v[f];
        if (x) sums.actual[ci * CHANNEL_FIELDS.length + fi]! += toMicro(x);
      });
    sums.planUv[ci]! += plannedChannelMicro2(state.launch, r.minute, c, 'uv');
  });
}

/** The first minute of checkpoint T's window: 开团 for T > 0, the preheat's start for T < 0. */
export function windowStart(state: LaunchState, t: number): number {
  return t > 0 ? 0 : -preheatOf(state.launch);
}

/** Minutes of checkpoint T's window with no reading. */
export function missingMinutes(state: LaunchState, t: number): number[] {
  const out: number[] = [];
  const from = t > 0 ? state.firstMissing : windowStart(state, t);
  for (let m = from; m < t; m++) if (!state.readings.has(m)) out.push(m);
  return out;
}

export interface WindowTotals {
  /** Indexed by BASE_METRICS. */
  actual: bigint[];
  /** The plan over the same present minutes (a missing minute's plan is left out). */
  forecast: bigint[];
  missing: number[];
}

/** Actual and planned totals of every base metric over checkpoint T's window, exactly. */
export function windowTotals(state: LaunchState, t: number): WindowTotals {
  const missing = t > 0 && state.firstMissing >= t ? [] : missingMinutes(state, t);
  if (t > 0) {
    const actual = actualTotals(state, t);
    const forecast = BASE_METRICS.map((m) => {
      let f = plannedBefore(state, m, t);
      for (const minute of missing) f -= toMicro(forecastAt(state.launch, minute, m));
      return f;
    });
    return { actual, forecast, missing };
  }
  // A preheat window: at most a day of minutes, summed as they are.
  const actual = BASE_METRICS.map(() => 0n);
  const forecast = BASE_METRICS.map(() => 0n);
  for (let m = windowStart(state, t); m < t; m++) {
    const r = state.readings.get(m);
    if (!r) continue;
    BASE_METRICS.forEach((metric, k) => {
      actual[k]! += toMicro(r[metric] ?? 0);
      forecast[k]! += toMicro(forecastAt(state.launch, m, metric));
    });
  }
  return { actual, forecast, missing };
}

/** The channel sums over checkpoint T's window (its present minutes). */
export function windowChannels(state: LaunchState, t: number): ChannelSums {
  if (t > 0) return channelTotals(state, t);
  const sums = emptyChannelSums();
  for (let m = windowStart(state, t); m < t; m++) {
    const r = state.readings.get(m);
    if (r) addChannels(state, sums, r);
  }
  return sums;
}
