/**
 * The rules evaluated minute by minute as readings arrive: stock (a low-stock alert when the pace
 * runs it out before the planned end, a sold-out alert once it ran out) and unpaid orders (an alert
 * when too much placed is waiting for payment). Each is one alert per launch, updated in place, and
 * one incident (`stock`, `unpaid`).
 */
import {
  type Alert,
  type LaunchEventBody,
  type LaunchState,
  DEFAULT_PAYMENT_WINDOW_MINUTES,
  DEFAULT_UNPAID_SHARE,
  MINUTE_MS,
  PaymentLedger,
  type Severity,
  incidentId,
  launchTime,
  fromMicro,
  playbookFor,
  projectStock,
  toMicro,
} from '@warroom/shared';
import { type AlertFacts, clearAlert, raiseAlert } from './alerts';
import { type Story, reconcileAlertIncident } from './incidents';
import { record } from './record';
import { actualTotals, baseIndex, plannedBefore } from './sums';

const UNITS = baseIndex('units');
/** A low-stock alert's projection is updated when it moves by this many minutes or more. */
const PROJECTION_STEP_MINUTES = 5;

function unitsBefore(state: LaunchState, t: number): number {
  return t <= 0 ? 0 : Number(actualTotals(state, t)[UNITS]! / 1_000_000n);
}

function plannedUnitsBefore(state: LaunchState, t: number): bigint {
  return plannedBefore(state, 'units', Math.max(0, t));
}

/**
 * The minute the item sold out — cumulative units reached the stock — if that happened before
 * minute `t` within the minutes in a row from 开团; else null.
 */
export function soldOutMinute(state: LaunchState, t: number): number | null {
  const { stock } = state.launch;
  if (stock === null) return null;
  const limit = Math.min(t, state.firstMissing);
  if (limit <= 0 || unitsBefore(state, limit) < stock) return null;
  let lo = 1;
  let hi = limit;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (unitsBefore(state, mid) >= stock) hi = mid;
    else lo = mid + 1;
  }
  return lo - 1;
}

function storyOf(state: LaunchState, key: 'stock' | 'unpaid'): Story {
  return {
    key,
    kind: key,
    cause: null,
    direction: null,
    plan: playbookFor(state.launch.playbook, key === 'stock' ? 'low-stock' : 'unpaid', null),
  };
}

/** Raises `id` (or reopens it), or updates it in place when `update` says so (the minute rules share it). */
export function upsert(
  state: LaunchState,
  id: string,
  minute: number,
  facts: AlertFacts,
  update: (existing: Alert) => boolean,
  at: string,
  events: LaunchEventBody[],
): void {
  const existing = state.alerts.get(id);
  const incident = facts.incidentId ? state.incidents.get(facts.incidentId) : undefined;
  // Raised into an incident someone is on, unless it is worse than what they are on.
  const handled =
    incident &&
    incident.status === 'acknowledged' &&
    !(facts.severity === 'critical' && incident.severity === 'warning')
      ? incident
      : undefined;
  if (!existing) {
    raiseAlert(state, id, minute, at, facts, handled, events);
    return;
  }
  const reopened = existing.status === 'cleared';
  if (!reopened && !update(existing)) return;
  const alert: Alert = {
    ...existing,
    ...facts,
    status: reopened ? (existing.ackedBy ? 'acknowledged' : 'open') : existing.status,
    ...(reopened && !existing.ackedBy ? { escalated: false, escalatedAt: null, escalatedTo: null } : {}),
    updatedAt: at,
    history: [...existing.history, { type: reopened ? 'reopened' : 'updated', at, severity: facts.severity }],
  };
  record(state, events, { type: 'alert.updated', alert });
}

/** Stock after the readings through the run of minutes from 开团. */
export function evaluateStock(state: LaunchState, nowMs: number, events: LaunchEventBody[]): void {
  const { stock, durationMinutes, playbook, id: launchId } = state.launch;
  const asOf = state.firstMissing - 1;
  if (stock === null || asOf < 0) return;
  const before = events.length;
  const at = launchTime(state, nowMs);
  const through = Math.min(asOf + 1, durationMinutes);
  const planned = (t: number) => fromMicro(plannedUnitsBefore(state, t));
  const status = projectStock({
    stock,
    durationMinutes,
    asOf: through - 1,
    sold: unitsBefore(state, through),
    soldOutMinute: soldOutMinute(state, through),
    plannedSoFar: planned(through),
    plannedRest: planned(durationMinutes) - planned(through),
    plannedThrough: (m) => planned(m + 1) - planned(through),
  });
  const story = storyOf(state, 'stock');
  const lowId = `${launchId}-stock-low`;
  const outId = `${launchId}-stock-sold-out`;
  const common = {
    metric: 'units' as const,
    direction: null,
    deviation: null,
    actual: status.sold,
    forecast: stock,
    missingMinutes: [],
    incidentId: incidentId(launchId, story.key),
  };
  if (status.soldOutMinute !== null) {
    const plan = playbookFor(playbook, 'sold-out', null);
    upsert(
      state,
      outId,
      status.soldOutMinute,
      {
        ...common,
        kind: 'sold-out',
        severity: 'critical',
        plan,
        owner: plan.owners[0]!.role,
        stock: { remaining: 0, sellOutMinute: status.soldOutMinute },
      },
      (a) => a.stock?.sellOutMinute !== status.soldOutMinute,
      at,
      events,
    );
  } else {
    const out = state.alerts.get(outId);
    if (out && out.status !== 'cleared') clearAlert(state, out, at, events);
    const low = state.alerts.get(lowId);
    if (status.low && status.projectedSellOutMinute !== null) {
      const plan = playbookFor(playbook, 'low-stock', null);
      const sellOutMinute = status.projectedSellOutMinute;
      upsert(
        state,
        lowId,
        asOf,
        {
          ...common,
          kind: 'low-stock',
          severity: 'warning',
          plan,
          owner: plan.owners[0]!.role,
          stock: { remaining: status.remaining, sellOutMinute },
        },
        (a) => Math.abs((a.stock?.sellOutMinute ?? Infinity) - sellOutMinute) >= PROJECTION_STEP_MINUTES,
        at,
        events,
      );
    } else if (low && low.status !== 'cleared') {
      clearAlert(state, low, at, events, { stock: { remaining: status.remaining, sellOutMinute: null } });
    }
  }
  if (events.length > before) reconcileAlertIncident(state, story, asOf, nowMs, events);
}

/** Unpaid orders after the readings through the run of minutes from 开团. */
export function evaluateUnpaid(state: LaunchState, nowMs: number, events: LaunchEventBody[]): void {
  const { launch } = state;
  const asOf = state.firstMissing - 1;
  if (asOf < 0) return;
  const window = launch.paymentWindowMinutes ?? DEFAULT_PAYMENT_WINDOW_MINUTES;
  let ledger = state.sums.payments;
  if (!ledger || ledger.windowMinutes !== window || ledger.through > asOf) ledger = new PaymentLedger(window);
  while (ledger.through < asOf) ledger.add(state.readings.get(ledger.through + 1));
  state.sums.payments = ledger;
  const status = ledger.status();
  if (!status) return;
  const before = events.length;
  const at = launchTime(state, nowMs);
  const shareLimit = launch.unpaidAlert ? launch.unpaidAlert.share : DEFAULT_UNPAID_SHARE;
  const amountLimit = launch.unpaidAlert?.amount ?? null;
  // Strictly beyond a limit is over it, compared exactly: orders / placed > share ⟺ orders·10⁶ > share·10⁶·placed.
  const beyond = (factor: bigint) =>
    (shareLimit !== null &&
      status.share !== null &&
      BigInt(status.orders) * 1_000_000n > factor * toMicro(shareLimit) * BigInt(status.placedInWindow)) ||
    (amountLimit !== null && toMicro(status.amount) > factor * toMicro(amountLimit));
  const id = `${launch.id}-unpaid`;
  const story = storyOf(state, 'unpaid');
  if (beyond(1n)) {
    const severity: Severity = beyond(2n) ? 'critical' : 'warning';
    const plan = playbookFor(launch.playbook, 'unpaid', null);
    const unpaid = {
      orders: status.orders,
      amount: status.amount,
      share: status.share,
      expiresAt:
        status.expiresAtMinute === null
          ? null
          : launchTime(state, state.startMs + status.expiresAtMinute * MINUTE_MS),
    };
    upsert(
      state,
      id,
      asOf,
      {
        kind: 'unpaid',
        metric: 'placedOrders',
        direction: null,
        severity,
        deviation: status.share,
        actual: status.orders,
        forecast: null,
        missingMinutes: [],
        plan,
        owner: plan.owners[0]!.role,
        incidentId: incidentId(launch.id, story.key),
        unpaid,
      },
      // In place when it moves by a tenth or more (not every minute's order or two).
      (a) =>
        a.severity !== severity ||
        Math.abs((a.unpaid?.orders ?? 0) - unpaid.orders) >= Math.max(1, 0.1 * (a.unpaid?.orders ?? 0)),
      at,
      events,
    );
  } else {
    const existing = state.alerts.get(id);
    if (existing && existing.status !== 'cleared') clearAlert(state, existing, at, events);
  }
  if (events.length > before) reconcileAlertIncident(state, story, asOf, nowMs, events);
}
