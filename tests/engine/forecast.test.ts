import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { LaunchInput, MINUTE_MS, parseDateTime, zonedParts, toMicro } from '@warroom/shared';
import {
  createLaunch,
  cumulative,
  resolveForecast,
  templateForecast,
  templateWeight,
} from '../../server/src/engine/index';
import type { ForecastMinute } from '../../server/src/engine/index';

const SH = 'Asia/Shanghai';
const TARGETS = { uv: 100_000, units: 5_000, gmv: 499_500 };

function startAt(hour: number, zone = SH, day = '2026-11-11'): number {
  return parseDateTime(`${day}T${String(hour).padStart(2, '0')}:00:00`, zone);
}

function sum(
  points: readonly ForecastMinute[],
  metric: 'uv' | 'units' | 'gmv',
  from = 0,
  to = points.length,
) {
  let acc = 0;
  for (let m = from; m < to; m++) acc += points[m]![metric];
  return acc;
}

/** Exact sum of a metric in micro-units, as the engine sums it. */
function exactSum(points: readonly ForecastMinute[], metric: 'uv' | 'units' | 'gmv'): bigint {
  return points.reduce((a, p) => a + toMicro(p[metric]), 0n);
}

function localHour(startMs: number, minute: number, zone = SH): number {
  const p = zonedParts(startMs + minute * MINUTE_MS, zone);
  return p.hour + p.minute / 60;
}

/** Minute of the largest value in [from, to). */
function argmax(values: readonly number[], from: number, to: number): number {
  let best = from;
  for (let m = from + 1; m < to; m++) if (values[m]! > values[best]!) best = m;
  return best;
}

describe('templateForecast: the planned shape of a day-long launch at 10:00 Asia/Shanghai', () => {
  const start = startAt(10);
  const f = templateForecast(TARGETS, 1440, start, SH);

  it('has one point per minute, numbered 0 … duration − 1, every metric finite and non-negative', () => {
    expect(f).toHaveLength(1440);
    f.forEach((p, m) => {
      expect(p.minute).toBe(m);
      for (const v of [p.uv, p.pv, p.fav, p.cart, p.orders, p.units, p.gmv]) {
        expect(Number.isFinite(v)).toBe(true);
        expect(v).toBeGreaterThan(0);
      }
    });
  });

  it('spikes at 开团 and decays: minute 0 is the busiest, the first half hour only falls', () => {
    const uv = f.map((p) => p.uv);
    expect(argmax(uv, 0, 1440)).toBe(0);
    for (let m = 1; m < 30; m++) expect(uv[m]!).toBeLessThan(uv[m - 1]!);
    // the spike is sharp: minute 0 is several times minute 30, which is well above mid-afternoon
    expect(uv[0]! / uv[30]!).toBeGreaterThan(2);
    expect(uv[30]! / uv[300]!).toBeGreaterThan(3);
    // the first three hours never rise again
    for (let m = 1; m < 180; m++) expect(uv[m]!).toBeLessThanOrEqual(uv[m - 1]!);
  });

  it('puts 60–80% of traffic and sales in the first three hours', () => {
    for (const metric of ['uv', 'units', 'gmv'] as const) {
      const share = sum(f, metric, 0, 180) / sum(f, metric);
      expect(share).toBeGreaterThanOrEqual(0.6);
      expect(share).toBeLessThanOrEqual(0.8);
    }
  });

  it('has a second peak (返场) around 20:00 local time', () => {
    const uv = f.map((p) => p.uv);
    const peak = argmax(uv, 180, 1440);
    expect(Math.abs(localHour(start, peak) - 20)).toBeLessThanOrEqual(0.25);
    // a real peak: well above the afternoon and the late night around it
    expect(uv[peak]! / uv[peak - 120]!).toBeGreaterThan(1.5);
    expect(uv[peak]! / uv[peak + 120]!).toBeGreaterThan(1.5);
    // and quiet at night: 04:00 is far below the evening
    expect(uv[18 * 60]! / uv[peak]!).toBeLessThan(0.5);
  });

  it('sums to the targets exactly at four decimals (the engine sums in micro-units)', () => {
    expect(exactSum(f, 'uv')).toBe(toMicro(TARGETS.uv));
    expect(exactSum(f, 'units')).toBe(toMicro(TARGETS.units));
    expect(exactSum(f, 'gmv')).toBe(toMicro(TARGETS.gmv));
    const last = cumulative(f).at(-1)!;
    expect(last.uv).toBeCloseTo(TARGETS.uv, 4);
  });

  it('derives the other metrics per minute: orders ≤ units, pv ≥ uv, four decimals at most', () => {
    for (const p of f) {
      expect(p.orders).toBeLessThanOrEqual(p.units);
      expect(p.pv).toBeGreaterThanOrEqual(p.uv);
      expect(p.cart).toBeGreaterThanOrEqual(p.units);
      for (const v of [p.uv, p.pv, p.fav, p.cart, p.orders, p.units, p.gmv])
        expect(Math.round(v * 10_000) / 10_000).toBe(v);
    }
  });

  it('keeps the average price of the targets in every minute', () => {
    for (const p of f) expect(p.gmv / p.units).toBeCloseTo(TARGETS.gmv / TARGETS.units, 1);
  });
});

describe('templateForecast at other start hours', () => {
  it('keeps 60–80% of the day in the first three hours whatever the start hour', () => {
    for (let hour = 0; hour < 24; hour++) {
      const f = templateForecast(TARGETS, 1440, startAt(hour), SH);
      const share = sum(f, 'units', 0, 180) / sum(f, 'units');
      expect(share, `start ${hour}:00`).toBeGreaterThanOrEqual(0.6);
      expect(share, `start ${hour}:00`).toBeLessThanOrEqual(0.8);
      expect(
        argmax(
          f.map((p) => p.uv),
          0,
          1440,
        ),
      ).toBe(0);
    }
  });

  it('peaks again around 20:00 whenever 20:00 is at least three hours after 开团', () => {
    for (const hour of [21, 22, 23, 0, 1, 4, 8, 9, 10, 12, 14, 16]) {
      const start = startAt(hour);
      const f = templateForecast(TARGETS, 1440, start, SH);
      const peak = argmax(
        f.map((p) => p.uv),
        180,
        1440,
      );
      expect(Math.abs(localHour(start, peak) - 20), `start ${hour}:00`).toBeLessThanOrEqual(0.25);
    }
  });

  it('has no jump when 20:00 falls just after the first three hours (a 17:00 start)', () => {
    const f = templateForecast(TARGETS, 1440, startAt(17), SH);
    for (let m = 150; m < 240; m++) expect(Math.abs(f[m + 1]!.uv / f[m]!.uv - 1)).toBeLessThan(0.05);
  });

  it('follows the launch’s own time zone (20:00 in Los Angeles, across a DST change)', () => {
    const zone = 'America/Los_Angeles';
    const start = parseDateTime('2026-11-01T09:00:00', zone); // DST ends at 02:00 that night
    const f = templateForecast(TARGETS, 1440, start, zone);
    const peak = argmax(
      f.map((p) => p.uv),
      180,
      1440,
    );
    expect(Math.abs(localHour(start, peak, zone) - 20)).toBeLessThanOrEqual(0.25);
    expect(exactSum(f, 'units')).toBe(toMicro(TARGETS.units));
  });

  it('repeats the 20:00 peak every evening of a multi-day launch', () => {
    const start = startAt(10);
    const f = templateForecast(TARGETS, 3 * 1440, start, SH);
    const uv = f.map((p) => p.uv);
    for (const day of [0, 1, 2]) {
      const from = day * 1440 + 8 * 60; // 18:00 local
      const peak = argmax(uv, from, from + 240);
      expect(Math.abs(localHour(start, peak) - 20)).toBeLessThanOrEqual(0.25);
    }
    expect(exactSum(f, 'gmv')).toBe(toMicro(TARGETS.gmv));
  });
});

describe('templateForecast for short launches', () => {
  for (const duration of [1, 15, 60, 180]) {
    it(`${duration} minutes: sums to the targets and decays from 开团`, () => {
      const f = templateForecast(TARGETS, duration, startAt(10), SH);
      expect(f).toHaveLength(duration);
      expect(exactSum(f, 'uv')).toBe(toMicro(TARGETS.uv));
      expect(exactSum(f, 'units')).toBe(toMicro(TARGETS.units));
      expect(exactSum(f, 'gmv')).toBe(toMicro(TARGETS.gmv));
      for (let m = 1; m < duration; m++) expect(f[m]!.units).toBeLessThanOrEqual(f[m - 1]!.units);
    });
  }

  it('a 60-minute launch puts more in its first quarter hour than a day-long one does', () => {
    const short = templateForecast(TARGETS, 60, startAt(10), SH);
    const day = templateForecast(TARGETS, 1440, startAt(10), SH);
    const shortShare = sum(short, 'units', 0, 15) / TARGETS.units;
    const dayShare = sum(day, 'units', 0, 15) / TARGETS.units;
    expect(shortShare).toBeGreaterThan(dayShare);
    expect(shortShare).toBeGreaterThan(0.4);
    expect(shortShare).toBeLessThan(0.8);
  });

  it('a 180-minute launch at 18:00 shows the 20:00 rise without breaking the decay of the spike', () => {
    const f = templateForecast(TARGETS, 180, startAt(18), SH);
    expect(
      argmax(
        f.map((p) => p.uv),
        0,
        180,
      ),
    ).toBe(0);
    expect(exactSum(f, 'uv')).toBe(toMicro(TARGETS.uv));
  });
});

describe('templateForecast: totals for any targets (property)', () => {
  it('sums uv, units and gmv to the targets at four decimals', () => {
    const value = fc
      .double({ min: 0.01, max: 1e9, noNaN: true, noDefaultInfinity: true })
      .map((x) => Math.round(x * 100) / 100)
      .filter((x) => x > 0);
    fc.assert(
      fc.property(
        fc.record({ uv: value, units: value, gmv: value }),
        fc.constantFrom(1, 7, 60, 180, 1440),
        fc.integer({ min: 0, max: 23 }),
        (targets, duration, hour) => {
          const f = templateForecast(targets, duration, startAt(hour), SH);
          expect(exactSum(f, 'uv')).toBe(toMicro(targets.uv));
          expect(exactSum(f, 'units')).toBe(toMicro(targets.units));
          expect(exactSum(f, 'gmv')).toBe(toMicro(targets.gmv));
          for (const p of f) expect(p.units).toBeGreaterThanOrEqual(0);
        },
      ),
      { numRuns: 60 },
    );
  });
});

describe('templateForecast: the largest-remainder split (property)', () => {
  /** The rule in its plainest form: floors of the quotas, then one tick each to the largest remainders in turn. */
  function plainSplit(target: number, shares: readonly number[]): number[] {
    const ticks = BigInt(target.toFixed(4).replace('.', ''));
    const scaled = Number(ticks);
    const floors = shares.map((s) => Math.floor(scaled * s));
    let left = ticks - floors.reduce((a, b) => a + BigInt(b), 0n);
    const order = shares
      .map((s, i) => ({ i, rem: scaled * s - floors[i]! }))
      .sort((a, b) => b.rem - a.rem || a.i - b.i);
    for (let k = 0; left > 0n; k = (k + 1) % shares.length, left--) floors[order[k]!.i]! += 1;
    return floors.map((f) => f / 10_000);
  }

  it('gives every minute exactly what the plain rule gives it, ties to the earlier minute', () => {
    const value = fc.double({ min: 0.0001, max: 1e10, noNaN: true, noDefaultInfinity: true });
    fc.assert(
      fc.property(
        fc.record({ uv: value, units: value, gmv: value }),
        fc.integer({ min: 1, max: 4000 }),
        fc.integer({ min: 0, max: 23 }),
        fc.constantFrom(SH, 'America/New_York', 'Australia/Lord_Howe'),
        (targets, duration, hour, zone) => {
          const f = templateForecast(targets, duration, startAt(hour), zone);
          const weights = Array.from({ length: duration }, (_, m) => templateWeight(m, startAt(hour), zone));
          const total = weights.reduce((a, b) => a + b, 0);
          const shares = weights.map((w) => w / total);
          expect(f.map((p) => p.uv)).toEqual(plainSplit(targets.uv, shares));
          expect(f.map((p) => p.units)).toEqual(plainSplit(targets.units, shares));
          expect(f.map((p) => p.gmv)).toEqual(plainSplit(targets.gmv, shares));
        },
      ),
      { numRuns: 80 },
    );
  });
});

describe('templateWeight', () => {
  it('is positive and finite everywhere, for a week', () => {
    const start = startAt(0);
    for (let m = 0; m < 7 * 1440; m += 7) {
      const w = templateWeight(m, start, SH);
      expect(Number.isFinite(w)).toBe(true);
      expect(w).toBeGreaterThan(0);
    }
  });

  it('is the relative shape templateForecast draws', () => {
    const start = startAt(10);
    const f = templateForecast({ uv: 1e6, units: 1e6, gmv: 1e6 }, 300, start, SH);
    const ratio = templateWeight(0, start, SH) / templateWeight(100, start, SH);
    expect(f[0]!.uv / f[100]!.uv).toBeCloseTo(ratio, 3);
  });
});

describe('resolveForecast', () => {
  const start = startAt(10);

  it('passes a template through to templateForecast', () => {
    expect(resolveForecast({ template: TARGETS }, 180, start, SH)).toEqual(
      templateForecast(TARGETS, 180, start, SH),
    );
  });

  it('fills omitted metrics and minutes with 0 from a per-minute array', () => {
    const f = resolveForecast(
      [
        { minute: 0, uv: 100, units: 5, gmv: 499.5 },
        { minute: 2, pv: 30 },
        { minute: 4, uv: 1.25, pv: 2, fav: 3, cart: 4, orders: 5, units: 6, gmv: 7.77 },
      ],
      5,
      start,
      SH,
    );
    expect(f).toEqual([
      { minute: 0, uv: 100, pv: 0, fav: 0, cart: 0, orders: 0, units: 5, gmv: 499.5 },
      { minute: 1, uv: 0, pv: 0, fav: 0, cart: 0, orders: 0, units: 0, gmv: 0 },
      { minute: 2, uv: 0, pv: 30, fav: 0, cart: 0, orders: 0, units: 0, gmv: 0 },
      { minute: 3, uv: 0, pv: 0, fav: 0, cart: 0, orders: 0, units: 0, gmv: 0 },
      { minute: 4, uv: 1.25, pv: 2, fav: 3, cart: 4, orders: 5, units: 6, gmv: 7.77 },
    ]);
  });

  it('accepts points in any order and extends a short array with zero minutes to the duration', () => {
    const f = resolveForecast(
      [
        { minute: 3, units: 2 },
        { minute: 1, units: 1 },
      ],
      10,
      start,
      SH,
    );
    expect(f).toHaveLength(10);
    expect(f.map((p) => p.units)).toEqual([0, 1, 0, 2, 0, 0, 0, 0, 0, 0]);
    expect(f.map((p) => p.minute)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
  });

  it('ignores points past the end rather than growing the curve', () => {
    const f = resolveForecast([{ minute: 5, uv: 9 }], 3, start, SH);
    expect(f).toHaveLength(3);
    expect(f.every((p) => p.uv === 0)).toBe(true);
  });

  it('is what createLaunch stores, template or array', () => {
    const base = { name: 'x', startAt: '2026-11-11T10:00:00+08:00', durationMinutes: 60 };
    const tpl = createLaunch(
      LaunchInput.parse({ ...base, forecast: { template: TARGETS } }),
      'a',
      start - 3_600_000,
    );
    expect(tpl.forecast).toEqual(templateForecast(TARGETS, 60, start, SH));
    expect(tpl.targets).toEqual(TARGETS);
    const arr = createLaunch(
      LaunchInput.parse({ ...base, forecast: [{ minute: 59, gmv: 10 }] }),
      'b',
      start - 3_600_000,
    );
    expect(arr.forecast).toHaveLength(60);
    expect(arr.forecast[59]).toEqual({
      minute: 59,
      uv: 0,
      pv: 0,
      fav: 0,
      cart: 0,
      orders: 0,
      units: 0,
      gmv: 10,
    });
    expect(arr.forecast[0]).toEqual({
      minute: 0,
      uv: 0,
      pv: 0,
      fav: 0,
      cart: 0,
      orders: 0,
      units: 0,
      gmv: 0,
    });
  });
});
