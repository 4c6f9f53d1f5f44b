import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { compare, fromMicro, toMicro } from '@warroom/shared';

/** compare() on plain numbers, as the engine uses it: every value turned into micro-units first. */
function cmp(actual: number, forecast: number, tolerance: number) {
  return compare(toMicro(actual), toMicro(forecast), toMicro(tolerance));
}

describe('micro-unit conversion', () => {
  it.each([
    [0, 0n],
    [1, 1_000_000n],
    [0.1, 100_000n],
    [0.1 + 0.2, 300_000n],
    [1234.56, 1_234_560_000n],
    [33.333333, 33_333_333n],
    [1e12, 1_000_000_000_000_000_000n],
  ])('%s is held as %s micro-units', (x, micro) => {
    expect(toMicro(x)).toBe(micro);
  });

  it.each([
    [0n, 0],
    [300_000n, 0.3],
    [1_234_560_000n, 1234.56],
    [-1_500_000n, -1.5],
    [-1n, -0.000001],
    [1_000_000_000_000_000_000n, 1e12],
  ])('%s micro-units read back as %s', (micro, x) => {
    expect(fromMicro(micro)).toBe(x);
  });

  it('sums of money with fen never drift: ¥0.10 + ¥0.20 is exactly ¥0.30', () => {
    expect(0.1 + 0.2).not.toBe(0.3); // the float trap the engine avoids
    expect(fromMicro(toMicro(0.1) + toMicro(0.2))).toBe(0.3);
    let sum = 0n;
    for (let i = 0; i < 1000; i++) sum += toMicro(0.01);
    expect(fromMicro(sum)).toBe(10);
  });
});

describe('deviation and breach against the tolerance', () => {
  it.each([
    // actual, forecast, tolerance, deviation, breach, severity
    [120, 100, 0.2, 0.2, null, null],
    [80, 100, 0.2, -0.2, null, null],
    [100, 100, 0.2, 0, null, null],
    [120.01, 100, 0.2, 0.2001, 'over', 'warning'],
    [79.99, 100, 0.2, -0.2001, 'under', 'warning'],
    [140, 100, 0.2, 0.4, 'over', 'warning'],
    [140.01, 100, 0.2, 0.4001, 'over', 'critical'],
    [60, 100, 0.2, -0.4, 'under', 'warning'],
    [59.99, 100, 0.2, -0.4001, 'under', 'critical'],
    [0, 100, 0.2, -1, 'under', 'critical'],
    [300, 100, 0.2, 2, 'over', 'critical'],
  ] as const)(
    '%s against a forecast of %s with tolerance %s: deviation %s, breach %s, severity %s',
    (actual, forecast, tol, deviation, breach, severity) => {
      expect(cmp(actual, forecast, tol)).toEqual({ deviation, breach, severity });
    },
  );

  it.each([
    // cases where naive floating point lands on the wrong side of the line
    { what: '¥0.10 + ¥0.20 against ¥0.25 at 20%', actual: 0.1 + 0.2, forecast: 0.25, tol: 0.2, dev: 0.2 },
    { what: '1.1 against 1 at 10%', actual: 1.1, forecast: 1, tol: 0.1, dev: 0.1 },
    { what: '0.85 against 1 at 15%', actual: 0.85, forecast: 1, tol: 0.15, dev: -0.15 },
    { what: '1.3 against 1 at 30%', actual: 1.3, forecast: 1, tol: 0.3, dev: 0.3 },
    { what: '0.7 against 1 at 30%', actual: 0.7, forecast: 1, tol: 0.3, dev: -0.3 },
    { what: '2.6 against 2 at 30%', actual: 2.6, forecast: 2, tol: 0.3, dev: 0.3 },
    { what: '40.2 against a fractional 33.5 at 20%', actual: 40.2, forecast: 33.5, tol: 0.2, dev: 0.2 },
    { what: '¥0.36 against ¥0.30 at 20%', actual: 0.36, forecast: 0.3, tol: 0.2, dev: 0.2 },
  ])('exactly on the boundary is inside: $what', ({ actual, forecast, tol, dev }) => {
    expect(cmp(actual, forecast, tol)).toEqual({ deviation: dev, breach: null, severity: null });
  });

  it.each([
    { actual: 110.000001, forecast: 100, tol: 0.1, breach: 'over' },
    { actual: 84.999999, forecast: 100, tol: 0.15, breach: 'under' },
    { actual: 40.200001, forecast: 33.5, tol: 0.2, breach: 'over' },
    { actual: 0.359999, forecast: 0.45, tol: 0.2, breach: 'under' },
  ])('one micro-unit past the boundary is a breach: $actual against $forecast at $tol', (c) => {
    expect(cmp(c.actual, c.forecast, c.tol)).toMatchObject({ breach: c.breach, severity: 'warning' });
  });

  it.each([
    { actual: 130, forecast: 100, tol: 0.15, severity: 'warning' },
    { actual: 130.000001, forecast: 100, tol: 0.15, severity: 'critical' },
    { actual: 1.2, forecast: 1, tol: 0.1, severity: 'warning' },
    { actual: 0.8, forecast: 1, tol: 0.1, severity: 'warning' },
    { actual: 0.799999, forecast: 1, tol: 0.1, severity: 'critical' },
    { actual: 1.6, forecast: 1, tol: 0.3, severity: 'warning' },
    { actual: 0.4, forecast: 1, tol: 0.3, severity: 'warning' },
    { actual: 0.399999, forecast: 1, tol: 0.3, severity: 'critical' },
  ])(
    'exactly twice the tolerance is still a warning; beyond it critical: $actual vs $forecast at $tol',
    (c) => {
      expect(cmp(c.actual, c.forecast, c.tol).severity).toBe(c.severity);
    },
  );

  it('a zero forecast has no deviation and never breaches, whatever the actual', () => {
    expect(cmp(0, 0, 0.2)).toEqual({ deviation: null, breach: null, severity: null });
    expect(cmp(5000, 0, 0.2)).toEqual({ deviation: null, breach: null, severity: null });
  });

  it('a deviation of one third is reported to twelve places', () => {
    expect(cmp(4, 3, 0.2).deviation).toBeCloseTo(1 / 3, 12);
    expect(cmp(2, 3, 0.2).deviation).toBeCloseTo(-1 / 3, 12);
  });
});

describe('toMicro fast path', () => {
  const viaText = (x: number) => BigInt(x.toFixed(6).replace('.', ''));
  it('gives exactly the micro-units of the value rounded to six decimals, for any value', () => {
    fc.assert(
      fc.property(fc.double({ min: 0, max: 1e12, noNaN: true }), (x) => {
        expect(toMicro(x)).toBe(viaText(x));
      }),
      { numRuns: 20_000 },
    );
  });
  it('is exact for money in fen and for whole counts', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 1e11 }), fc.integer({ min: 0, max: 99 }), (yuan, fen) => {
        const x = yuan + fen / 100;
        expect(toMicro(x)).toBe(viaText(x));
      }),
      { numRuns: 20_000 },
    );
  });
});
