/**
 * Checkpoint evaluation and the alert transitions it drives. Pure functions of the state and the
 * launch-clock time; they return the facts to record and fold them into the state as they go.
 */
import {
  type Alert,
  type CheckpointResult,
  type LaunchEventBody,
  type Metric,
  type MetricComparison,
  ESCALATION_ROLE,
  MINUTE_MS,
  formatIsoInZone,
  playbookFor,
} from '@warroom/shared';
import { compare, fromMicro, toMicro } from './exact';
import { type LaunchState, apply } from './state';

export function alertId(launchId: string, checkpoint: number, metric: Metric | 'data-gap'): string {
  return `${launchId}-t${checkpoint}-${metric}`;
}

/**
 * A launch-clock instant as ISO text in the launch's zone. Milliseconds are kept when there are
 * any: the log's times are the engine's clock, and an alert raised at 10:14:59.600 must not
 * escalate at 10:19:59.000 (state is rebuilt from these texts).
 */
export function iso(state: LaunchState, ms: number): string {
  const text = formatIsoInZone(ms, state.launch.timezone);
  const millis = Math.floor(ms) - Math.floor(ms / 1000) * 1000;
  if (millis === 0) return text;
  return `${text.slice(0, 19)}.${String(millis).padStart(3, '0')}${text.slice(19)}`;
}

/** When checkpoint T's window closes on the launch clock. */
export function checkpointDueMs(state: LaunchState, t: number): number {
  return state.startMs + t * MINUTE_MS;
}

/** When an incomplete checkpoint T gives up waiting and evaluates what is there. */
export function checkpointGraceEndsMs(state: LaunchState, t: number): number {
  return checkpointDueMs(state, t) + state.launch.graceSeconds * 1000;
}

/**
 * Checkpoints whose grace had already run out when the launch was created (a launch set up after
 * the fact to review or replay it) wait for their data and never raise data-gap alerts.
 */
export function overdueAtCreation(state: LaunchState, t: number): boolean {
  return Date.parse(state.launch.createdAt) >= checkpointGraceEndsMs(state, t);
}

export function isComplete(state: LaunchState, t: number): boolean {
  return state.firstMissing >= t;
}

/** Exact actual totals over the present minutes of [0, t) per compared metric, cached ascending. */
function actualTotals(state: LaunchState, t: number): bigint[] {
  const cache = state.actualTotals;
  let i = cache.length - 1;
  while (i >= 0 && cache[i]!.t > t) i--;
  const base = i >= 0 ? cache[i]! : null;
  if (base && base.t === t) return base.totals;
  const totals = base ? [...base.totals] : state.launch.metrics.map(() => 0n);
  const metrics = state.launch.metrics;
  for (let m = base ? base.t : 0; m < t; m++) {
    const r = state.readings.get(m);
    if (!r) continue;
    for (let k = 0; k < metrics.length; k++) totals[k]! += toMicro(r[metrics[k]!]);
  }
  cache.splice(i + 1, 0, { t, totals });
  return totals;
}

function missingMinutes(state: LaunchState, t: number): number[] {
  const out: number[] = [];
  for (let m = state.firstMissing; m < t; m++) if (!state.readings.has(m)) out.push(m);
  return out;
}

/** Compares cumulative actual with forecast over [0, T) (only the minutes present, if incomplete). */
export function evaluate(state: LaunchState, t: number, nowMs: number): CheckpointResult {
  const missing = isComplete(state, t) ? [] : missingMinutes(state, t);
  const totals = actualTotals(state, t);
  const tol = toMicro(state.launch.tolerance);
  const metrics: MetricComparison[] = state.launch.metrics.map((metric, k) => {
    let forecast = state.forecastPrefix[k]![t]!;
    for (const m of missing) forecast -= toMicro(state.launch.forecast[m]?.[metric] ?? 0);
    const actual = totals[k]!;
    const c = compare(actual, forecast, tol);
    return {
      metric,
      actual: fromMicro(actual),
      forecast: fromMicro(forecast),
      deviation: c.deviation,
      breach: c.breach,
      severity: c.severity,
    };
  });
  const previous = state.checkpoints.get(t);
  return {
    checkpoint: t,
    complete: missing.length === 0,
    missingMinutes: missing,
    evaluatedAt: iso(state, nowMs),
    revision: previous ? previous.revision + 1 : 1,
    metrics,
  };
}

function sameResult(a: CheckpointResult, b: CheckpointResult): boolean {
  if (a.complete !== b.complete || a.missingMinutes.length !== b.missingMinutes.length) return false;
  if (a.metrics.length !== b.metrics.length) return false;
  return a.metrics.every((m, i) => {
    const o = b.metrics[i];
    return (
      !!o &&
      o.metric === m.metric &&
      o.actual === m.actual &&
      o.forecast === m.forecast &&
      o.breach === m.breach &&
      o.severity === m.severity
    );
  });
}

/**
 * Evaluates checkpoint T and records the result and every alert change it implies. A result
 * identical to the stored one records nothing — unless `settingsChanged` (the launch was edited):
 * then the alerts are still brought in line with the launch's playbook.
 */
export function evaluateCheckpoint(
  state: LaunchState,
  t: number,
  nowMs: number,
  events: LaunchEventBody[],
  settingsChanged = false,
): void {
  const previous = state.checkpoints.get(t);
  let result = evaluate(state, t, nowMs);
  if (previous && sameResult(previous, result)) {
    if (!settingsChanged) return;
    result = previous;
  } else {
    record(state, events, { type: 'checkpoint.evaluated', result });
  }
  for (const cmp of result.metrics) breachTransition(state, t, cmp, nowMs, events);
  dataGapTransition(state, result, nowMs, events);
}

/** Clears an alert that no longer applies (its checkpoint or metric left the launch). */
export function clearAlert(
  state: LaunchState,
  existing: Alert,
  nowMs: number,
  events: LaunchEventBody[],
): void {
  if (existing.status === 'cleared') return;
  const at = iso(state, nowMs);
  const alert: Alert = {
    ...existing,
    status: 'cleared',
    updatedAt: at,
    history: [...existing.history, { type: 'cleared', at }],
  };
  record(state, events, { type: 'alert.updated', alert });
}

export function record(state: LaunchState, events: LaunchEventBody[], event: LaunchEventBody): void {
  apply(state, event);
  events.push(event);
}

/** What a breach or a data gap says; the rest of a new alert is the same for both. */
type AlertFacts = Pick<
  Alert,
  | 'kind'
  | 'metric'
  | 'direction'
  | 'severity'
  | 'deviation'
  | 'actual'
  | 'forecast'
  | 'missingMinutes'
  | 'plan'
  | 'owner'
>;

/** A new open alert for checkpoint `t`, raised at `at`, nobody acknowledging yet. */
function raise(state: LaunchState, t: number, at: string, facts: AlertFacts): Alert {
  return {
    id: alertId(state.launch.id, t, facts.metric ?? 'data-gap'),
    launchId: state.launch.id,
    checkpoint: t,
    ...facts,
    status: 'open',
    raisedAt: at,
    updatedAt: at,
    escalated: false,
    escalatedAt: null,
    escalatedTo: null,
    ackedBy: null,
    ackedAt: null,
    action: null,
    note: null,
    history: [
      facts.kind === 'breach'
        ? { type: 'raised', at, deviation: facts.deviation, severity: facts.severity }
        : { type: 'raised', at, severity: facts.severity },
    ],
  };
}

function breachTransition(
  state: LaunchState,
  t: number,
  cmp: MetricComparison,
  nowMs: number,
  events: LaunchEventBody[],
): void {
  const id = alertId(state.launch.id, t, cmp.metric);
  const existing = state.alerts.get(id);
  const at = iso(state, nowMs);
  if (cmp.breach) {
    const severity = cmp.severity ?? 'warning';
    const plan = playbookFor(state.launch.playbook, cmp.metric, cmp.breach);
    const numbers = {
      direction: cmp.breach,
      severity,
      deviation: cmp.deviation,
      actual: cmp.actual,
      forecast: cmp.forecast,
      plan,
      owner: plan.owners[0]!.role,
    };
    if (!existing) {
      const alert = raise(state, t, at, {
        kind: 'breach',
        metric: cmp.metric,
        ...numbers,
        missingMinutes: [],
      });
      record(state, events, { type: 'alert.raised', alert });
      return;
    }
    const reopened = existing.status === 'cleared';
    const changed =
      reopened ||
      existing.direction !== cmp.breach ||
      existing.severity !== severity ||
      existing.actual !== cmp.actual ||
      existing.forecast !== cmp.forecast ||
      JSON.stringify(existing.plan) !== JSON.stringify(plan);
    if (!changed) return;
    // A breach that flips direction is a different problem with another plan and owner: it opens
    // again for acknowledgement (the earlier acknowledgement stays in the history).
    const flipped = existing.direction !== null && existing.direction !== cmp.breach;
    const ack = flipped ? { ackedBy: null, ackedAt: null, action: null, note: null } : {};
    const status = flipped
      ? 'open'
      : reopened
        ? existing.ackedBy
          ? 'acknowledged'
          : 'open'
        : existing.status;
    const alert: Alert = {
      ...existing,
      ...numbers,
      ...ack,
      status,
      ...(flipped || (reopened && status === 'open')
        ? { escalated: false, escalatedAt: null, escalatedTo: null }
        : {}),
      updatedAt: at,
      history: [
        ...existing.history,
        { type: reopened || flipped ? 'reopened' : 'updated', at, deviation: cmp.deviation, severity },
      ],
    };
    record(state, events, { type: 'alert.updated', alert });
    return;
  }
  if (existing && existing.status !== 'cleared') {
    const alert: Alert = {
      ...existing,
      deviation: cmp.deviation,
      actual: cmp.actual,
      forecast: cmp.forecast,
      status: 'cleared',
      updatedAt: at,
      history: [...existing.history, { type: 'cleared', at, deviation: cmp.deviation }],
    };
    record(state, events, { type: 'alert.updated', alert });
  }
}

function dataGapTransition(
  state: LaunchState,
  result: CheckpointResult,
  nowMs: number,
  events: LaunchEventBody[],
): void {
  const t = result.checkpoint;
  const id = alertId(state.launch.id, t, 'data-gap');
  const existing = state.alerts.get(id);
  const at = iso(state, nowMs);
  if (!result.complete) {
    // Only the grace deadline raises a data gap; a late reading merely narrows an existing one.
    if (!existing) {
      if (nowMs < checkpointGraceEndsMs(state, t) || overdueAtCreation(state, t)) return;
      const plan = playbookFor(state.launch.playbook, 'data-gap', null);
      const alert = raise(state, t, at, {
        kind: 'data-gap',
        metric: null,
        direction: null,
        severity: 'critical',
        deviation: null,
        actual: null,
        forecast: null,
        missingMinutes: result.missingMinutes,
        plan,
        owner: plan.owners[0]!.role,
      });
      record(state, events, { type: 'alert.raised', alert });
      return;
    }
    const sameGap =
      existing.missingMinutes.length === result.missingMinutes.length && existing.status !== 'cleared';
    if (sameGap) return;
    const reopened = existing.status === 'cleared';
    const alert: Alert = {
      ...existing,
      missingMinutes: result.missingMinutes,
      status: reopened ? (existing.ackedBy ? 'acknowledged' : 'open') : existing.status,
      updatedAt: at,
      history: [...existing.history, { type: reopened ? 'reopened' : 'updated', at }],
    };
    record(state, events, { type: 'alert.updated', alert });
    return;
  }
  if (existing && existing.status !== 'cleared') {
    const alert: Alert = {
      ...existing,
      missingMinutes: [],
      status: 'cleared',
      updatedAt: at,
      history: [...existing.history, { type: 'cleared', at }],
    };
    record(state, events, { type: 'alert.updated', alert });
  }
}

function openedAt(a: Alert): string {
  for (let i = a.history.length - 1; i >= 0; i--) {
    const h = a.history[i]!;
    if (h.type === 'raised' || h.type === 'reopened') return h.at;
  }
  return a.raisedAt;
}

/** Open alerts past the launch's escalation time go to the manager (电商经理). */
export function escalateOverdue(state: LaunchState, nowMs: number, events: LaunchEventBody[]): void {
  const after = state.launch.escalateAfterSeconds * 1000;
  for (const a of state.alerts.values()) {
    if (a.status !== 'open' || a.escalated) continue;
    // The owner gets the full time from when the alert last (re)opened.
    if (nowMs - Date.parse(openedAt(a)) < after) continue;
    const at = iso(state, nowMs);
    const alert: Alert = {
      ...a,
      escalated: true,
      escalatedAt: at,
      escalatedTo: ESCALATION_ROLE,
      updatedAt: at,
      history: [...a.history, { type: 'escalated', at }],
    };
    record(state, events, { type: 'alert.escalated', alert });
  }
}
