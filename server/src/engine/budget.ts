/**
 * Budgets (预算): a `budget` alert to the 电商经理 at the minute spend crosses a budget (strictly
 * over it), or when the pace of the last minutes says it will within 30 minutes (超预算
 * 第一时间向电商经理汇报). One alert per budget and crossing kind — `crossed` and `projected` — each
 * raised once; all of them are one incident (`budget`), like stock and unpaid orders.
 *
 * Spend counts the preheat's minutes (promotion runs before 开团) and the run of minutes from 开团;
 * the pace follows the launch's planned visitors from 开团 (spend follows traffic), or without a
 * plan the last 15 minutes. Every figure is exact (micro-units); the rule is the shared
 * `projectBudget`.
 */
import {
  type BudgetScope,
  BUDGET_PACE_MINUTES,
  CHANNELS,
  CHANNEL_FIELDS,
  type ChannelSums,
  type LaunchEventBody,
  type LaunchState,
  compare,
  fromMicro,
  incidentId,
  launchTime,
  playbookFor,
  preheatOf,
  projectBudget,
  toMicro,
} from '@warroom/shared';
import { clearAlert } from './alerts';
import { type Story, reconcileAlertIncident } from './incidents';
import { upsert } from './stock';
import { addChannels, channelTotals, emptyChannelSums, plannedBefore } from './sums';

const SPEND = CHANNEL_FIELDS.indexOf('spend');

/** A scope's spend in the sums (the total is every channel's). */
function spendOf(sums: ChannelSums, scope: BudgetScope): bigint {
  if (scope !== 'total') return sums.actual[CHANNELS.indexOf(scope) * CHANNEL_FIELDS.length + SPEND]!;
  let acc = 0n;
  for (let c = 0; c < CHANNELS.length; c++) acc += sums.actual[c * CHANNEL_FIELDS.length + SPEND]!;
  return acc;
}

/** The preheat's spend, minute by minute (at most a day of minutes). */
function preheatSums(state: LaunchState): { minute: number; sums: ChannelSums }[] {
  const out: { minute: number; sums: ChannelSums }[] = [];
  const sums = emptyChannelSums();
  for (let m = -preheatOf(state.launch); m < 0; m++) {
    const r = state.readings.get(m);
    if (!r?.channels) continue;
    addChannels(state, sums, r);
    out.push({ minute: m, sums: { ...sums, actual: [...sums.actual] } });
  }
  return out;
}

/** Spend of `scope` through minute m (preheat included), exactly. */
function spentThrough(state: LaunchState, scope: BudgetScope, preheat: bigint, m: number): bigint {
  return preheat + (m >= 0 ? spendOf(channelTotals(state, m + 1), scope) : 0n);
}

/**
 * The minute spend first went strictly over `budget` (spend through asOf is over it). The minute
 * already recorded is checked first (two cached sums), so a long launch does not search — and
 * cache sums for — every minute again on every reading.
 */
function crossingMinute(
  state: LaunchState,
  scope: BudgetScope,
  budget: bigint,
  preheat: { minute: number; sums: ChannelSums }[],
  asOf: number,
  known: number | undefined,
): number {
  for (const p of preheat) if (spendOf(p.sums, scope) > budget) return p.minute;
  const before = preheat.length > 0 ? spendOf(preheat.at(-1)!.sums, scope) : 0n;
  if (
    known !== undefined &&
    known >= 0 &&
    known <= asOf &&
    spentThrough(state, scope, before, known) > budget &&
    (known === 0 || spentThrough(state, scope, before, known - 1) <= budget)
  )
    return known;
  let lo = 0;
  let hi = asOf;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (spentThrough(state, scope, before, mid) > budget) hi = mid;
    else lo = mid + 1;
  }
  return lo;
}

function budgetStory(state: LaunchState): Story {
  return {
    key: 'budget',
    kind: 'budget',
    cause: null,
    direction: null,
    plan: playbookFor(state.launch.playbook, 'budget', null),
  };
}

/** Spend against every budget after the readings through the run of minutes from 开团. */
export function evaluateBudgets(state: LaunchState, nowMs: number, events: LaunchEventBody[]): void {
  const { budgets, id: launchId } = state.launch;
  if (!budgets) return;
  const scopes: { scope: BudgetScope; budget: number }[] = [];
  if (budgets.total !== null) scopes.push({ scope: 'total', budget: budgets.total });
  for (const c of CHANNELS) {
    const b = budgets.channels[c];
    if (b !== undefined) scopes.push({ scope: c, budget: b });
  }
  if (scopes.length === 0) return;
  const preheat = preheatSums(state);
  const asOf = Math.min(state.firstMissing, state.launch.durationMinutes) - 1;
  if (asOf < 0 && preheat.length === 0) return;
  const before = events.length;
  const at = launchTime(state, nowMs);
  const story = budgetStory(state);
  const plan = story.plan;
  const tol = toMicro(0);
  let decidedAt = asOf;
  for (const { scope, budget } of scopes) {
    const budgetMicro = toMicro(budget);
    const preheatSpend = preheat.length > 0 ? spendOf(preheat.at(-1)!.sums, scope) : 0n;
    const lastMinute = asOf >= 0 ? asOf : preheat.at(-1)!.minute;
    const spent = asOf >= 0 ? spentThrough(state, scope, preheatSpend, asOf) : preheatSpend;
    const planTo = (m: number) =>
      plannedBefore(state, 'uv', Math.min(m, state.launch.durationMinutes - 1) + 1);
    const planSoFar = asOf >= 0 ? planTo(asOf) : 0n;
    // Without a plan, the pace of the last minutes from 开团 (none before it: no projection in the preheat).
    const paceMinutes = asOf >= 0 && planSoFar === 0n ? Math.min(BUDGET_PACE_MINUTES, asOf + 1) : 0;
    const recent =
      paceMinutes > 0
        ? spent -
          (asOf - paceMinutes >= 0
            ? spentThrough(state, scope, preheatSpend, asOf - paceMinutes)
            : preheatSpend)
        : 0n;
    const p = projectBudget({
      budget: budgetMicro,
      preheat: preheatSpend,
      spent: spent - preheatSpend,
      asOf: lastMinute,
      planSoFar,
      planThrough: planTo,
      recent,
      paceMinutes,
    });
    const crossedId = `${launchId}-budget-${scope}-crossed`;
    const projectedId = `${launchId}-budget-${scope}-projected`;
    const common = {
      kind: 'budget' as const,
      metric: null,
      direction: 'over' as const,
      actual: fromMicro(spent),
      forecast: budget,
      missingMinutes: [],
      plan,
      owner: plan.owners[0]!.role,
      incidentId: incidentId(launchId, story.key),
    };
    const projected = state.alerts.get(projectedId);
    if (p.crossed) {
      const minute = crossingMinute(
        state,
        scope,
        budgetMicro,
        preheat,
        asOf,
        state.alerts.get(crossedId)?.budget?.minute,
      );
      decidedAt = minute;
      upsert(
        state,
        crossedId,
        minute,
        {
          ...common,
          severity: 'critical',
          deviation: compare(spent, budgetMicro, tol).deviation,
          budget: { scope, budget, spend: fromMicro(spent), crossing: 'crossed', minute },
        },
        (a) => a.budget?.minute !== minute,
        at,
        events,
      );
      // Crossed: the projection is behind the room now.
      if (projected && projected.status !== 'cleared') clearAlert(state, projected, at, events);
    } else {
      const crossed = state.alerts.get(crossedId);
      if (crossed && crossed.status !== 'cleared') clearAlert(state, crossed, at, events);
      if (p.projectedMinute !== null && !projected) {
        upsert(
          state,
          projectedId,
          lastMinute,
          {
            ...common,
            severity: 'warning',
            deviation: null,
            budget: {
              scope,
              budget,
              spend: fromMicro(spent),
              crossing: 'projected',
              minute: p.projectedMinute,
            },
          },
          () => false,
          at,
          events,
        );
      } else if (p.projectedMinute === null && projected && projected.status !== 'cleared') {
        // The pace no longer says so: it clears, and is not raised again (once per budget).
        clearAlert(state, projected, at, events);
      }
    }
  }
  if (events.length > before) reconcileAlertIncident(state, story, decidedAt, nowMs, events);
}
