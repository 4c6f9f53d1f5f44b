/**
 * A small seeded pseudo-random generator for the simulator: the same seed always gives the same
 * sequence, so a simulated launch can be planned again identically (after a restart, in a test).
 */

/** Uniform numbers in [0, 1). */
export type Rng = () => number;

/** mulberry32: 32 bits of state, fast, and plenty for shaping simulated traffic. */
export function mulberry32(seed: number): Rng {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

/** A uniform number in [lo, hi). */
export function uniform(rng: Rng, lo: number, hi: number): number {
  return lo + (hi - lo) * rng();
}

/** A uniform integer in [lo, hi] (both ends included). */
export function integer(rng: Rng, lo: number, hi: number): number {
  return lo + Math.floor(rng() * (hi - lo + 1));
}
