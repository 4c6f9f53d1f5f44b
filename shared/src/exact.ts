/**
 * Exact decimal arithmetic for checkpoint comparisons. Values are held as integers of micro-units
 * (1e-6), so "120 against 100 is exactly +20%" holds and sums never drift.
 */
import type { Direction } from './playbook';
import type { Severity } from './alert';

export const MICRO = 1_000_000n;

/**
 * Fast path of the conversion: a value with at most six decimals scales to within a hair of a
 * whole number, and rounding that gives exactly what toFixed would; NaN for anything else, which
 * takes the exact decimal path.
 */
function wholeMicro(x: number): number {
  const scaled = x * 1e6;
  if (scaled < 2 ** 52 && scaled > -(2 ** 52)) {
    const whole = Math.round(scaled);
    if (Math.abs(scaled - whole) < 1e-3) return whole;
  }
  return NaN;
}

const SAFE = BigInt(Number.MAX_SAFE_INTEGER);

/** A finite non-negative double as micro-units; toFixed rounds the double's exact value. */
export function toMicro(x: number): bigint {
  const whole = wholeMicro(x);
  if (!Number.isNaN(whole)) return BigInt(whole);
  return BigInt(x.toFixed(6).replace('.', ''));
}

/**
 * `toMicro(x)` as a double when that is exact (a safe integer), else NaN: sums of many values are
 * added as doubles while they stay safe integers, and as BigInt only past that.
 */
export function toMicroNumber(x: number): number {
  const whole = wholeMicro(x);
  if (!Number.isNaN(whole)) return whole;
  const exact = toMicro(x);
  return exact <= SAFE && exact >= -SAFE ? Number(exact) : NaN;
}

/** Micro-units back to a number for display (exact up to double precision). */
export function fromMicro(v: bigint): number {
  const neg = v < 0n;
  const a = neg ? -v : v;
  const text = `${a / MICRO}.${(a % MICRO).toString().padStart(6, '0')}`;
  return neg ? -Number(text) : Number(text);
}

export interface Comparison {
  deviation: number | null;
  breach: Direction | null;
  severity: Severity | null;
}

/**
 * Compares a cumulative actual with its forecast. Outside ±tolerance means strictly more than
 * tolerance away: |actual − forecast| > tolerance × forecast. Critical beyond twice the tolerance.
 * A zero forecast gives no deviation and no breach (there is nothing to be a percentage of).
 */
export function compare(actual: bigint, forecast: bigint, toleranceMicro: bigint): Comparison {
  if (forecast <= 0n) return { deviation: null, breach: null, severity: null };
  const diff = actual - forecast;
  const absDiff = diff < 0n ? -diff : diff;
  // deviation to 12 decimal places, computed on integers so 0.2 comes out as exactly 0.2
  const scaled = (diff * 1_000_000_000_000n) / forecast;
  const deviation = Number(scaled) / 1e12;
  const lhs = absDiff * MICRO;
  if (lhs <= toleranceMicro * forecast) return { deviation, breach: null, severity: null };
  return {
    deviation,
    breach: diff > 0n ? 'over' : 'under',
    severity: lhs > 2n * toleranceMicro * forecast ? 'critical' : 'warning',
  };
}

/** Exact totals of values (micro-units). */
export function sumMicro(values: Iterable<number>): bigint {
  let acc = 0n;
  for (const v of values) acc += toMicro(v);
  return acc;
}

/**
 * Compares two ratios (actual aNum/aDen against forecast fNum/fDen: conversion, order value) under
 * the same rule as `compare`, exactly: a/b against c/d is (a·d) against (c·b).
 */
export function compareRatio(
  aNum: bigint,
  aDen: bigint,
  fNum: bigint,
  fDen: bigint,
  toleranceMicro: bigint,
): Comparison {
  if (aDen <= 0n || fDen <= 0n) return { deviation: null, breach: null, severity: null };
  return compare(aNum * fDen, fNum * aDen, toleranceMicro);
}
