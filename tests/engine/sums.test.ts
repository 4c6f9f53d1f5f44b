/**
 * The engine's window sums are exact whatever their size: planned prefix sums and actual totals are
 * added as doubles only while every partial sum is a safe integer of micro-units, and as BigInt
 * past 2^53 (about ¥9 billion), so a platform-sized plan sums exactly like a small one.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { BASE_METRICS, toMicro, toMicroNumber } from '@warroom/shared';
import { forecastPrefix } from '../../server/src/engine/index';
// The window sums themselves (an engine internal), against BigInt sums of the same readings.
import { actualTotals } from '../../server/src/engine/sums';
import { PLAN, WarRoom, clock, makeLaunch, readings, steadyForecast } from './helpers';

const SAFE = BigInt(Number.MAX_SAFE_INTEGER);

describe('toMicroNumber', () => {
  it('is toMicro as a double when that is a safe integer, NaN otherwise', () => {
    const value = fc.oneof(
      fc.integer({ min: 0, max: 10 ** 12 }).map((n) => n / 10 ** 4),
      fc.integer({ min: 0, max: 10 ** 15 }).map((n) => n / 10 ** 6),
      fc.double({ min: 0, max: 1e13, noNaN: true }),
    );
    fc.assert(
      fc.property(value, (x) => {
        const exact = toMicro(x);
        const n = toMicroNumber(x);
        if (exact <= SAFE) expect(n).toBe(Number(exact));
        else expect(n).toBeNaN();
      }),
    );
  });
});

/** Σ forecast[0, T) of `metric` for every T, in BigInt: what the prefix must equal. */
function naivePrefix(forecast: readonly Record<string, number>[], metric: string, length: number): bigint[] {
  const out = [0n];
  for (let m = 0; m < length; m++) out.push(out[m]! + toMicro(forecast[m]?.[metric] ?? 0));
  return out;
}

describe('sums past 2^53 micro-units', () => {
  // ¥4,000,000,000.000001 a minute, an odd number of micro-units: the planned GMV passes 2^53
  // micro-units in its third minute, where doubles hold only even integers.
  const HUGE = { ...PLAN, gmv: 4_000_000_000.000001 };

  it('keeps the planned prefix sums exact across the switch to BigInt', () => {
    const forecast = steadyForecast(60, HUGE);
    const room = new WarRoom(makeLaunch({ forecast }));
    room.send(readings(0, 15, HUGE), clock(15, 5));
    const [uv, units, gmv] = forecastPrefix(room.state);
    expect(gmv).toEqual(naivePrefix(forecast, 'gmv', 60));
    expect(gmv![60]! > SAFE).toBe(true);
    expect(uv).toEqual(naivePrefix(forecast, 'uv', 60));
    expect(units).toEqual(naivePrefix(forecast, 'units', 60));
  });

  it('compares actual against plan exactly: on plan is 0, 20% over is within, a fen more is a breach', () => {
    const forecast = steadyForecast(60, HUGE);
    const onPlan = new WarRoom(makeLaunch({ forecast }));
    onPlan.send(readings(0, 15, HUGE), clock(15, 5));
    expect(onPlan.metric(15, 'gmv')).toMatchObject({ deviation: 0, breach: null });

    // 15 minutes at exactly 1.2× a plan of ¥4,000,000,000.01: +20% is the tolerance, not past it.
    const plan = steadyForecast(60, { ...PLAN, gmv: 4_000_000_000.01 });
    const edge = { ...PLAN, gmv: 4_800_000_000.012 };
    const atEdge = new WarRoom(makeLaunch({ forecast: plan }));
    atEdge.send(readings(0, 15, edge), clock(15, 5));
    expect(atEdge.metric(15, 'gmv')).toMatchObject({ breach: null });

    // One fen more in one minute is past it.
    const over = new WarRoom(makeLaunch({ forecast: plan }));
    over.send(
      [...readings(0, 14, edge), ...readings(14, 15, { ...edge, gmv: 4_800_000_000.022 })],
      clock(15, 5),
    );
    expect(over.metric(15, 'gmv').breach).toBe('over');
  });

  it('keeps the actual totals exact across the switch to BigInt, for every window', () => {
    const forecast = steadyForecast(60, HUGE);
    const room = new WarRoom(makeLaunch({ forecast }));
    const sent = readings(0, 15, HUGE);
    room.send(sent, clock(15, 5));
    for (const t of [1, 2, 3, 7, 15]) {
      const naive = BASE_METRICS.map((m) =>
        sent.filter((r) => (r.minute ?? 0) < t).reduce((a, r) => a + toMicro(r[m] ?? 0), 0n),
      );
      expect(actualTotals(room.state, t)).toEqual(naive);
    }
    expect(actualTotals(room.state, 15)[BASE_METRICS.indexOf('gmv')]! > SAFE).toBe(true);
  });
});
