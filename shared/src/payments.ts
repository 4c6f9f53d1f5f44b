/**
 * Orders placed and not yet paid (待付款). Buyers must pay within the payment window (聚划算: 30
 * minutes after ordering) or the order closes. Readings give per-minute totals only — placed
 * (placedOrders / placedGmv) and paid (orders / gmv) — and buyers who pay do so within minutes, so
 * the payments of the window are taken to settle the orders of the window: what was placed in the
 * last `window` minutes and not paid in them is 待付款, and what was placed before it and never paid
 * has closed. Counts are whole; money is held in fen, so the arithmetic is exact. One rule for the
 * engine's unpaid alert and the wall.
 */
import type { Reading } from './reading';

export interface UnpaidStatus {
  /** The last minute folded in. */
  asOfMinute: number;
  /** Orders placed inside the window and not yet paid, and their amount (yuan). */
  orders: number;
  amount: number;
  /** Orders placed inside the window, and the share of them not yet paid (null when none were placed). */
  placedInWindow: number;
  share: number | null;
  /** Orders (and amount) placed before the window and never paid: closed. */
  closedOrders: number;
  closedAmount: number;
  placedOrders: number;
  placedAmount: number;
  /** The minute the oldest waiting order closes unless paid (null when none waits). */
  expiresAtMinute: number | null;
}

interface Minute {
  placed: number;
  paid: number;
  placedFen: number;
  paidFen: number;
}

const fen = (yuan: number) => Math.round(yuan * 100);

/** Minutes in order from 开团: what is placed, paid, waiting and closed. */
export class PaymentLedger {
  /** The last minute folded in (−1 before any). */
  through = -1;
  /** The last `window` minutes, oldest first. */
  private recent: Minute[] = [];
  private inWindow: Minute = { placed: 0, paid: 0, placedFen: 0, paidFen: 0 };
  private total: Minute = { placed: 0, paid: 0, placedFen: 0, paidFen: 0 };
  /** Whether any reading carried what was placed (without it nothing is known to wait for payment). */
  knowsPlaced = false;

  constructor(readonly windowMinutes: number) {}

  /** Folds minute `through + 1` in; a missing minute is folded as nothing placed or paid. */
  add(reading: Pick<Reading, 'orders' | 'gmv' | 'placedOrders' | 'placedGmv'> | undefined): void {
    if (reading?.placedOrders !== undefined || reading?.placedGmv !== undefined) this.knowsPlaced = true;
    const m: Minute = {
      placed: reading?.placedOrders ?? reading?.orders ?? 0,
      paid: reading?.orders ?? 0,
      placedFen: fen(reading?.placedGmv ?? reading?.gmv ?? 0),
      paidFen: fen(reading?.gmv ?? 0),
    };
    this.through++;
    this.recent.push(m);
    shift(this.inWindow, m, 1);
    shift(this.total, m, 1);
    if (this.recent.length > this.windowMinutes) shift(this.inWindow, this.recent.shift()!, -1);
  }

  status(): UnpaidStatus | null {
    if (!this.knowsPlaced || this.through < 0) return null;
    const w = this.inWindow;
    const orders = Math.max(0, w.placed - w.paid);
    const amountFen = Math.max(0, w.placedFen - w.paidFen);
    // Before the window: placed and never paid (payments there settled orders placed there).
    const before = { placed: this.total.placed - w.placed, paid: this.total.paid - w.paid };
    const beforeFen = { placed: this.total.placedFen - w.placedFen, paid: this.total.paidFen - w.paidFen };
    const first = orders > 0 ? this.recent.findIndex((x) => x.placed > x.paid) : -1;
    return {
      asOfMinute: this.through,
      orders,
      amount: amountFen / 100,
      placedInWindow: w.placed,
      share: w.placed > 0 ? Math.min(1, orders / w.placed) : null,
      closedOrders: Math.max(0, before.placed - before.paid),
      closedAmount: Math.max(0, beforeFen.placed - beforeFen.paid) / 100,
      placedOrders: this.total.placed,
      placedAmount: this.total.placedFen / 100,
      expiresAtMinute:
        first < 0 ? null : this.through - (this.recent.length - 1) + first + this.windowMinutes,
    };
  }
}

function shift(acc: Minute, m: Minute, sign: 1 | -1): void {
  acc.placed += sign * m.placed;
  acc.paid += sign * m.paid;
  acc.placedFen += sign * m.placedFen;
  acc.paidFen += sign * m.paidFen;
}

/** The ledger of a launch's readings from 开团 through minute `through` (a screen's view). */
export function paymentLedger(
  readings: ReadonlyMap<number, Reading>,
  windowMinutes: number,
  through: number,
): PaymentLedger {
  const ledger = new PaymentLedger(windowMinutes);
  for (let m = 0; m <= through; m++) ledger.add(readings.get(m));
  return ledger;
}
