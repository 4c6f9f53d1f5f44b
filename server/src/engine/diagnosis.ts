/**
 * The funnel behind a GMV miss: (1+g) = (1+u)(1+c)(1+a) over a window, with visitors U, paid buyers
 * O and GMV G against their plan U', O', G':
 *   1+u = U/U'   1+c = (O/U)/(O'/U')   1+a = (G/O)/(G'/O')   — and the product is G/G', exactly.
 * The factors are kept as exact rationals; the cause is the factor furthest from 1 in the direction
 * of the miss (compared exactly); each factor's share of log(1+g) is reported for the screens.
 */
import type { Cause, Diagnosis } from '@warroom/shared';

/** An exact ratio num/den (den > 0). */
export interface Ratio {
  num: bigint;
  den: bigint;
}

export interface Funnel {
  gmv: Ratio;
  traffic: Ratio;
  conversion: Ratio;
  orderValue: Ratio;
  /** Paid buyers unknown (none planned or none reported): `conversion` is GMV per visitor. */
  withoutBuyers?: true;
}

const SCALE = 1_000_000_000_000n;
/** ratio − 1 to 12 decimals, computed on integers (as `compare` does). */
const deviationOf = (r: Ratio): number => Number(((r.num - r.den) * SCALE) / r.den) / 1e12;
/** a < b for positive ratios. */
const less = (a: Ratio, b: Ratio): boolean => a.num * b.den < b.num * a.den;
/** max(r, 1/r) as a ratio ≥ 1: how far r is from 1 either way, comparable exactly. */
const spread = (r: Ratio): Ratio => (r.num >= r.den ? r : { num: r.den, den: r.num });

/**
 * The exact funnel, or null when visitors, GMV or their plan are not positive (nothing to divide
 * by). Without paid buyers on both sides it has two factors: visitors, and GMV per visitor.
 */
export function funnel(
  actual: { uv: bigint; orders: bigint; gmv: bigint },
  plan: typeof actual,
): Funnel | null {
  const { uv: U, orders: O, gmv: G } = actual;
  const { uv: U1, orders: O1, gmv: G1 } = plan;
  if (U <= 0n || G <= 0n || U1 <= 0n || G1 <= 0n) return null;
  if (O <= 0n || O1 <= 0n)
    return {
      gmv: { num: G, den: G1 },
      traffic: { num: U, den: U1 },
      conversion: { num: G * U1, den: U * G1 },
      orderValue: { num: 1n, den: 1n },
      withoutBuyers: true,
    };
  return {
    gmv: { num: G, den: G1 },
    traffic: { num: U, den: U1 },
    conversion: { num: O * U1, den: U * O1 },
    orderValue: { num: G * O1, den: O * G1 },
  };
}

/** The diagnosis of a funnel: each factor's deviation and share, and the cause. */
export function diagnose(f: Funnel): Diagnosis {
  const factors: [Cause, Ratio][] = [
    ['traffic', f.traffic],
    ['conversion', f.conversion],
    ['order-value', f.orderValue],
  ];
  const under = less(f.gmv, { num: 1n, den: 1n });
  const over = less({ num: 1n, den: 1n }, f.gmv);
  let [cause, best] = factors[0]!;
  for (const [c, r] of factors.slice(1)) {
    const further = under ? less(r, best) : over ? less(best, r) : less(spread(best), spread(r));
    if (further) [cause, best] = [c, r];
  }
  const g = deviationOf(f.gmv);
  const logG = Math.log(Number(f.gmv.num) / Number(f.gmv.den));
  // (−0 is written as 0 in the log: the fold of the log must equal the state it was decided in.)
  const share = (r: Ratio) => Math.log(Number(r.num) / Number(r.den)) / logG || 0;
  return {
    cause,
    ...(f.withoutBuyers ? { withoutBuyers: true as const } : {}),
    gmv: g,
    factors: {
      traffic: deviationOf(f.traffic),
      conversion: deviationOf(f.conversion),
      orderValue: deviationOf(f.orderValue),
    },
    shares:
      under || over
        ? { traffic: share(f.traffic), conversion: share(f.conversion), orderValue: share(f.orderValue) }
        : null,
  };
}
