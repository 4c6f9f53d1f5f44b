/**
 * The simulator's scenario planner: from a launch's forecast, a scenario and a seed, the full list
 * of deliveries a platform feed would make over the launch — which readings, sent when. Pure and
 * deterministic: no timers, no I/O, no Math.random; the same (launch, scenario, seed) always gives
 * the same plan, so a simulation interrupted by a restart resumes exactly where its log stopped.
 *
 * Readings are the forecast bent by the scenario plus noise: counts are whole numbers, gmv is in
 * fen (two decimals) at the forecast's average price per unit, and orders never exceed units.
 * Counts are rounded with a carried remainder, so the cumulative totals the checkpoints compare
 * never drift from the fractional curve by more than half a count, however small the minutes are.
 */
import {
  CHANNELS,
  type TrafficChannel,
  type ChannelBreakdown,
  type Launch,
  type Reading,
  type ReadingInput,
  type Scenario,
  MINUTE_MS,
  canonicalChannels,
} from '@warroom/shared';
import { type Rng, integer, mulberry32, uniform } from './prng';

export interface Delivery {
  /** When to send, in launch-clock milliseconds after startAt. */
  sendAtMs: number;
  readings: ReadingInput[];
}

/** Per-minute wobble on traffic and, separately, on conversion (uniform ±8%). */
const NOISE = 0.08;
/** Per-minute wobble on pv, fav and cart around their own forecast, and on orders per unit. */
const SIDE_NOISE = 0.1;
/** Per-minute wobble on the average price of a unit sold. */
const PRICE_NOISE = 0.02;
/** A reading is sent this long after its minute ends, at most (capped at half the grace period). */
const MAX_JITTER_MS = 5_000;
/** Share of the launch's forecast units on hand in the stockout scenario when the launch has no stock. */
const STOCKOUT_SHARE = 0.35;
/** Of the orders placed, the share paid (the rest wait, and some never are: 催付 is the lever). */
const PAY_RATE = 0.86;
/** Of the paying buyers, the share buying from the shop for the first time. */
const NEW_BUYER_SHARE = 0.6;

/** How a scenario bends the forecast. Multipliers apply to the forecast of each minute. */
interface Shape {
  /** Level of traffic (uv, pv, fav; sales follow traffic). */
  traffic: number;
  /** Level of sales per visitor (units, orders, gmv, cart). */
  conversion: number;
  /** From this minute on, conversion is multiplied by `dropTo`. */
  dropFrom: number;
  dropTo: number;
  /** Units on hand: once sold, sales stop. Null = unlimited. */
  stock: number | null;
  /** Each channel's visitors against its planned share (直通车 0.6: 40% short). */
  channelTraffic: Partial<Record<TrafficChannel, number>>;
  /** Each channel's cost per visitor against the usual (a bidding war: 2×). */
  channelCost: Partial<Record<TrafficChannel, number>>;
}

/** What a visitor costs by channel (yuan; 淘宝客 is paid by commission on its GMV instead). */
const COST_PER_VISITOR: Record<TrafficChannel, number> = {
  organic: 0,
  ztc: 1.2,
  display: 0.8,
  affiliate: 0,
  offsite: 0.5,
  other: 0,
};
const AFFILIATE_COMMISSION = 0.08;
/** The paid-shortfall scenario: 直通车 delivers 60% of its plan. */
const PAID_SHORTFALL = 0.6;
/** The overspend scenario: clicks cost this much more than planned. */
const OVERSPEND: Partial<Record<TrafficChannel, number>> = { ztc: 2, display: 1.6 };

/**
 * Plans every delivery of a simulated launch, sorted by send time, covering minutes
 * 0 … durationMinutes − 1 (the feed-outage scenario leaves its stretch out on purpose).
 */
export function planDeliveries(launch: Launch, scenario: Scenario, seed: number): Delivery[] {
  const rng = mulberry32(seed);
  const shape = shapeFor(launch, scenario, rng);
  const readings = [...preheatReadings(launch, shape), ...generateReadings(launch, shape, rng)];
  // A launch with a channel plan gets its readings broken down by channel (its own generator, so
  // the readings of every other launch stay what they were for the same seed).
  if (launch.channelShares) splitByChannel(launch, readings, shape, mulberry32(seed ^ 0x5eed));
  const timing = new Timing(launch, rng);
  let deliveries: Delivery[];
  switch (scenario) {
    case 'feed-outage':
      deliveries = feedOutage(launch, readings, timing, rng);
      break;
    case 'late-and-duplicate':
      deliveries = lateAndDuplicate(launch, readings, timing, rng);
      break;
    default:
      deliveries = readings.map((r) => ({ sendAtMs: timing.onTime(r.minute), readings: [r] }));
  }
  return deliveries.sort((a, b) => a.sendAtMs - b.sendAtMs);
}

function shapeFor(launch: Launch, scenario: Scenario, rng: Rng): Shape {
  const onPlan: Shape = {
    traffic: uniform(rng, 0.96, 1.04),
    conversion: uniform(rng, 0.97, 1.03),
    dropFrom: Infinity,
    dropTo: 1,
    stock: null,
    channelTraffic: {},
    channelCost: {},
  };
  switch (scenario) {
    case 'traffic-shortfall':
      // Promotion did not land (直通车/钻展 under-delivering): visitors far under from the start.
      return { ...onPlan, traffic: uniform(rng, 0.58, 0.66), conversion: uniform(rng, 0.95, 1.08) };
    case 'surge':
      // The item went viral: visitors and sales well over the plan from the start.
      return { ...onPlan, traffic: uniform(rng, 1.55, 1.85), conversion: uniform(rng, 1, 1.12) };
    case 'conversion-drop':
      // Traffic on plan, then payment collapses (wrong price, broken link or coupon) at minute 8–10.
      return { ...onPlan, dropFrom: integer(rng, 8, 10), dropTo: uniform(rng, 0.1, 0.2) };
    case 'stockout': {
      const planned = launch.forecast.reduce((a, f) => a + f.units, 0);
      const stock = launch.stock ?? Math.round(STOCKOUT_SHARE * planned);
      return { ...onPlan, conversion: uniform(rng, 1, 1.1), stock };
    }
    case 'paid-shortfall': {
      // 直通车 under-delivers by 40%; the launch's visitors fall by its share of them.
      const channelTraffic = { ztc: PAID_SHORTFALL };
      return { ...onPlan, traffic: onPlan.traffic * keptTraffic(launch, channelTraffic), channelTraffic };
    }
    case 'overspend':
      // Clicks cost more than planned (a bidding war): spend runs over the budgets.
      return { ...onPlan, channelCost: OVERSPEND };
    default:
      return onPlan;
  }
}

/** The launch's visitors kept when channels deliver `factor` of their share. */
function keptTraffic(launch: Launch, factor: Partial<Record<TrafficChannel, number>>): number {
  const shares = launch.channelShares ?? {};
  let planned = 0;
  let kept = 0;
  for (const c of CHANNELS) {
    const s = shares[c] ?? 0;
    planned += s;
    kept += s * (factor[c] ?? 1);
  }
  return planned > 0 ? kept / planned : 1;
}

/**
 * Breaks each minute of the launch down by planned channel: visitors by share (bent by the
 * scenario), paid buyers and GMV in proportion to visitors, spend at the channel's cost per
 * visitor (淘宝客: commission on its GMV). Counts carry their remainders, money is in fen.
 */
function splitByChannel(launch: Launch, readings: Reading[], shape: Shape, rng: Rng): void {
  const shares = launch.channelShares ?? {};
  const planned = CHANNELS.filter((c) => (shares[c] ?? 0) > 0);
  const weights = planned.map((c) => shares[c]! * (shape.channelTraffic[c] ?? 1));
  const total = weights.reduce((a, b) => a + b, 0);
  if (total <= 0) return;
  const carry = new Map(planned.map((c) => [c, { uv: new Carry(), orders: new Carry() }]));
  for (const r of readings) {
    if (r.minute < 0) continue;
    const out: ChannelBreakdown = {};
    planned.forEach((c, i) => {
      const part = weights[i]! / total;
      const uv = carry.get(c)!.uv.next(r.uv * part);
      const orders = carry.get(c)!.orders.next(r.orders * part);
      const gmv = round2(r.gmv * part);
      const cost = c === 'affiliate' ? gmv * AFFILIATE_COMMISSION : uv * COST_PER_VISITOR[c];
      const spend = round2(cost * (shape.channelCost[c] ?? 1) * wobble(rng, 0.05));
      out[c] = { uv, orders, gmv, ...(spend > 0 ? { spend } : {}) };
    });
    r.channels = canonicalChannels(out);
  }
}

/** Rounds a running total: each step emits whole counts so that the emitted sum tracks the exact one. */
class Carry {
  private wanted = 0;
  private sent = 0;

  next(x: number, lo = 0, hi = Infinity): number {
    this.wanted += x;
    const v = Math.min(hi, Math.max(lo, Math.round(this.wanted) - this.sent));
    this.sent += v;
    return v;
  }
}

function wobble(rng: Rng, spread: number): number {
  return 1 + uniform(rng, -spread, spread);
}

function round2(x: number): number {
  return Math.round(x * 100) / 100;
}

function generateReadings(launch: Launch, shape: Shape, rng: Rng): Reading[] {
  const totalUnits = launch.forecast.reduce((a, f) => a + f.units, 0);
  const totalGmv = launch.forecast.reduce((a, f) => a + f.gmv, 0);
  // With units in the forecast, gmv is units sold × price; a forecast of gmv alone is followed directly.
  const perUnit = totalUnits > 0;
  const averagePrice = perUnit ? totalGmv / totalUnits : (launch.price ?? 0);
  const carry = {
    uv: new Carry(),
    pv: new Carry(),
    fav: new Carry(),
    cart: new Carry(),
    orders: new Carry(),
    units: new Carry(),
    fen: new Carry(),
    unpaid: new Carry(),
    newBuyers: new Carry(),
  };
  let sold = 0;
  const out: Reading[] = [];
  for (let minute = 0; minute < launch.durationMinutes; minute++) {
    const f = launch.forecast[minute];
    const traffic = shape.traffic * wobble(rng, NOISE);
    const conversion = shape.conversion * wobble(rng, NOISE) * (minute >= shape.dropFrom ? shape.dropTo : 1);
    const sales = traffic * conversion;
    const left = shape.stock === null ? Infinity : Math.max(0, shape.stock - sold);
    const soldOut = perUnit && left === 0;
    const uv = carry.uv.next((f?.uv ?? 0) * traffic);
    const pv = carry.pv.next((f?.pv ?? 0) * traffic * wobble(rng, SIDE_NOISE), uv);
    const fav = carry.fav.next((f?.fav ?? 0) * traffic * wobble(rng, SIDE_NOISE));
    const cart = carry.cart.next((f?.cart ?? 0) * sales * wobble(rng, SIDE_NOISE), 0, soldOut ? 0 : Infinity);
    const units = carry.units.next((f?.units ?? 0) * sales, 0, perUnit ? left : Infinity);
    sold += units;
    const orders = carry.orders.next(
      (f?.orders ?? 0) * sales * wobble(rng, SIDE_NOISE / 2),
      units > 0 ? 1 : 0,
      perUnit ? units : Infinity,
    );
    let gmv: number;
    if (perUnit) {
      const price = f && f.units > 0 ? f.gmv / f.units : averagePrice;
      gmv = round2(units * price * wobble(rng, PRICE_NOISE));
    } else {
      gmv = carry.fen.next((f?.gmv ?? 0) * 100 * sales) / 100;
    }
    // Orders placed: the paid ones and those still to pay. When payment collapses (conversion-drop
    // after its drop), buyers go on ordering at the rate they would have paid.
    const dropped = minute >= shape.dropFrom ? shape.dropTo : 1;
    const placedOrders = orders + carry.unpaid.next((orders / dropped) * (1 / PAY_RATE) - orders);
    const placedGmv = round2(gmv + (orders > 0 ? (gmv / orders) * (placedOrders - orders) : 0));
    const newBuyers = carry.newBuyers.next(orders * NEW_BUYER_SHARE, 0, orders);
    out.push({ minute, uv, pv, fav, cart, orders, units, gmv, placedOrders, placedGmv, newBuyers });
  }
  return out;
}

/**
 * The preheat (预热), when the launch plans one: visitors browsing, favouriting and adding to cart
 * at the scenario's traffic level; nothing sold before 开团. No noise, so the launch's own readings
 * (and every seed's plan) are the same with or without a preheat.
 */
function preheatReadings(launch: Launch, shape: Shape): Reading[] {
  const carry = { uv: new Carry(), pv: new Carry(), fav: new Carry(), cart: new Carry() };
  return (launch.preheatForecast ?? []).map((f) => ({
    minute: f.minute,
    uv: carry.uv.next(f.uv * shape.traffic),
    pv: carry.pv.next(f.pv * shape.traffic),
    fav: carry.fav.next(f.fav * shape.traffic),
    cart: carry.cart.next(f.cart * shape.traffic),
    orders: 0,
    units: 0,
    gmv: 0,
  }));
}

/** Send times: just after the minute ends, with a small jitter well inside the grace period. */
class Timing {
  private readonly maxJitter: number;
  private readonly minJitter: number;

  constructor(
    readonly launch: Launch,
    private readonly rng: Rng,
  ) {
    this.maxJitter = Math.min(MAX_JITTER_MS, Math.floor((launch.graceSeconds * 1000) / 2));
    this.minJitter = Math.min(250, this.maxJitter);
  }

  jitter(): number {
    return Math.round(uniform(this.rng, this.minJitter, this.maxJitter));
  }

  /** When minute m's reading is normally sent. */
  onTime(minute: number): number {
    return (minute + 1) * MINUTE_MS + this.jitter();
  }

  get graceMs(): number {
    return this.launch.graceSeconds * 1000;
  }
}

/**
 * The feed goes dark for a stretch around the second checkpoint (minutes 17–19 through 28–31 for
 * the default 25): those minutes are never sent, so that checkpoint (and every later one) is
 * incomplete after its grace and raises a data-gap alert. The feed then resumes with new minutes.
 */
/**
 * The checkpoints that compare the launch's own metrics (15, 25, 45 … by default): the early T+5
 * look at favourites and units and the preheat checks are not what these scenarios aim at.
 */
function mainCheckpoints(launch: Launch): number[] {
  const own = new Set((launch.checkpointMetrics ?? []).map((c) => c.at));
  return launch.checkpoints.filter((t) => t > 0 && !own.has(t));
}

function feedOutage(launch: Launch, readings: Reading[], timing: Timing, rng: Rng): Delivery[] {
  const d = launch.durationMinutes;
  const main = mainCheckpoints(launch);
  const t = main[1] ?? main[0] ?? d;
  const from = Math.max(0, t - 8 + integer(rng, 0, 2));
  const to = Math.min(d, Math.max(from + 1, t + 4 + integer(rng, 0, 3)));
  return readings
    .filter((r) => r.minute < from || r.minute >= to)
    .map((r) => ({ sendAtMs: timing.onTime(r.minute), readings: [r] }));
}

/**
 * A messy feed. Every delivery is sent twice (an identical re-send 1–15 s later). A few minutes
 * before the first checkpoint (10–13 for the default 15) are held back and arrive in two batches
 * after its grace (about 17:00 and 19:00 on the launch clock): the checkpoint first evaluates
 * incomplete with a data-gap alert, which narrows and then clears as they arrive. And the reading
 * for three minutes before the next checkpoint (22 for 25) first goes out with the cumulative
 * columns (累计) instead of increments, a classic export mix-up that breaches that checkpoint over;
 * the corrected reading follows two minutes after the checkpoint, which revises it and clears the
 * alerts in place.
 */
function lateAndDuplicate(launch: Launch, readings: Reading[], timing: Timing, rng: Rng): Delivery[] {
  const d = launch.durationMinutes;
  const main = mainCheckpoints(launch);
  const t1 = main[0] ?? d;
  const endMs = d * MINUTE_MS + timing.graceMs;
  const lateFrom = Math.max(0, t1 - 5);
  const lateTo = Math.min(d - 1, Math.max(lateFrom, t1 - 2));
  const late = readings.filter((r) => r.minute >= lateFrom && r.minute <= lateTo);
  const graceEnds = t1 * MINUTE_MS + timing.graceMs;
  const half = Math.ceil(late.length / 2);
  const batches = [late.slice(0, half), late.slice(half)];
  const deliveries: Delivery[] = [];
  batches.forEach((batch, i) => {
    if (batch.length === 0) return;
    // late, but not after the launch is over (a launch too short to have checkpoints)
    const at = Math.min(endMs, graceEnds + (1 + 2 * i) * MINUTE_MS + integer(rng, 0, 20_000));
    deliveries.push({ sendAtMs: at, readings: batch });
  });

  const tg = main.find((t) => t > t1 && t - 3 > lateTo && (t + 2) * MINUTE_MS + 20_000 <= endMs);
  const glitched = tg === undefined ? -1 : tg - 3;
  for (const r of readings) {
    if (r.minute >= lateFrom && r.minute <= lateTo) continue;
    if (r.minute === glitched) {
      deliveries.push({ sendAtMs: timing.onTime(r.minute), readings: [cumulativeRow(readings, r.minute)] });
      deliveries.push({ sendAtMs: (tg! + 2) * MINUTE_MS + timing.jitter(), readings: [r] });
    } else {
      deliveries.push({ sendAtMs: timing.onTime(r.minute), readings: [r] });
    }
  }
  const resent = deliveries.map((x) => ({
    sendAtMs: x.sendAtMs + integer(rng, 1_000, 15_000),
    readings: x.readings.map((r) => ({ ...r })),
  }));
  return [...deliveries, ...resent];
}

/** The row a platform export's cumulative columns (累计访客数 …) would give for `minute`. */
function cumulativeRow(readings: readonly Reading[], minute: number): Reading {
  const row: Reading = { minute, uv: 0, pv: 0, fav: 0, cart: 0, orders: 0, units: 0, gmv: 0 };
  for (const r of readings) {
    if (r.minute > minute) break;
    row.uv += r.uv;
    row.pv += r.pv;
    row.fav += r.fav;
    row.cart += r.cart;
    row.orders += r.orders;
    row.units += r.units;
    row.gmv += r.gmv;
  }
  row.gmv = round2(row.gmv);
  return row;
}
