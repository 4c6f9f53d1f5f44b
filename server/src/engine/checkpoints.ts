/**
 * Checkpoint evaluation and the alert and incident transitions it drives. Pure functions of the
 * state and the launch-clock time; they return the facts to record and fold them into the state as
 * they go.
 */
import {
  type Alert,
  type BASE_METRICS,
  CHANNELS,
  CHANNEL_FIELDS,
  type CheckpointResult,
  type ComparedMetric,
  NOT_ALWAYS_REPORTED,
  ESCALATION_ROLE,
  type Incident,
  type LaunchEventBody,
  type LaunchState,
  MINUTE_MS,
  type MetricComparison,
  RATIOS,
  checkpointMetricsOf,
  compare,
  compareRatio,
  escalationDueMs,
  fromMicro,
  incidentId,
  isRatioMetric,
  launchTime,
  MICRO,
  playbookFor,
  toMicro,
} from '@warroom/shared';
import { alertId, clearAlert, escalationWith, raiseAlert } from './alerts';
import { diagnose, funnel } from './diagnosis';
import {
  SALES_METRICS,
  SALES_SIDE,
  type Story,
  comparisonsOf,
  decideBreachIncidents,
  escalateIncidents,
  nextIncidentEscalationMs,
  reconcileAlertIncident,
  recordIncidents,
  storyOf,
} from './incidents';
import { record } from './record';
import { soldOutMinute } from './stock';
import { baseIndex, windowChannels, windowTotals } from './sums';

export { alertId } from './alerts';
export { forecastPrefix } from './sums';

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
  return createdAtMs(state.launch) >= checkpointGraceEndsMs(state, t);
}

/** A launch's creation instant, read once per stored launch (every tick asks for it). */
const createdAt = new WeakMap<LaunchState['launch'], number>();
function createdAtMs(launch: LaunchState['launch']): number {
  let ms = createdAt.get(launch);
  if (ms === undefined) {
    ms = Date.parse(launch.createdAt);
    createdAt.set(launch, ms);
  }
  return ms;
}

/** Every minute of checkpoint T's window has a reading. */
export function isComplete(state: LaunchState, t: number): boolean {
  if (t > 0) return state.firstMissing >= t;
  for (let m = -(state.launch.preheatMinutes ?? 0); m < t; m++) if (!state.readings.has(m)) return false;
  return true;
}

const NO_COMPARISON = { deviation: null, breach: null, severity: null } as const;

/** A ratio's value for the screens (the comparison itself is exact). */
const ratioValue = (num: bigint, den: bigint): number =>
  den > 0n ? Number((num * 1_000_000n) / den) / 1e6 : 0;

/**
 * Compares cumulative actual with forecast over checkpoint T's window (only the minutes present,
 * if incomplete), for the metrics this checkpoint compares. After a sell-out inside the window,
 * sales below plan are not breaches (the checkpoint records 售罄 instead).
 */
export function evaluate(state: LaunchState, t: number, nowMs: number): CheckpointResult {
  const { actual, forecast, missing } = windowTotals(state, t);
  const tol = toMicro(state.launch.tolerance);
  const soldOut = t > 0 ? soldOutMinute(state, t) : null;
  const at = (m: (typeof BASE_METRICS)[number]) => baseIndex(m);
  const metrics: MetricComparison[] = checkpointMetricsOf(state.launch, t).map((metric: ComparedMetric) => {
    let c;
    let values;
    if (isRatioMetric(metric)) {
      const { num, den } = RATIOS[metric];
      const [an, ad, fn, fd] = [actual[at(num)]!, actual[at(den)]!, forecast[at(num)]!, forecast[at(den)]!];
      c = compareRatio(an, ad, fn, fd, tol);
      values = { actual: ratioValue(an, ad), forecast: ratioValue(fn, fd) };
    } else {
      const [a, f] = [actual[at(metric)]!, forecast[at(metric)]!];
      // A side measure no reading of the window carries was not reported (many feeds send no
      // 收藏/加购 or 下单 figures): there is nothing to compare, rather than a 100% shortfall.
      c = a === 0n && NOT_ALWAYS_REPORTED.includes(metric) ? NO_COMPARISON : compare(a, f, tol);
      values = { actual: fromMicro(a), forecast: fromMicro(f) };
    }
    const cmp: MetricComparison = {
      metric,
      ...values,
      deviation: c.deviation,
      breach: c.breach,
      severity: c.severity,
    };
    if (soldOut !== null && c.breach === 'under' && SALES_METRICS.includes(metric))
      return { ...cmp, breach: null, severity: null, suppressed: 'sold-out' };
    return cmp;
  });
  const f = funnel(
    { uv: actual[at('uv')]!, orders: actual[at('orders')]!, gmv: actual[at('gmv')]! },
    { uv: forecast[at('uv')]!, orders: forecast[at('orders')]!, gmv: forecast[at('gmv')]! },
  );
  const previous = state.checkpoints.get(t);
  const channels = metrics.some((m) => m.metric === 'uv') ? channelComparisons(state, t, tol) : [];
  return {
    checkpoint: t,
    complete: missing.length === 0,
    missingMinutes: missing,
    evaluatedAt: launchTime(state, nowMs),
    revision: previous ? previous.revision + 1 : 1,
    metrics,
    ...(f ? { diagnosis: diagnose(f) } : {}),
    ...(soldOut !== null ? { soldOutMinute: soldOut } : {}),
    ...(channels.length > 0 ? { channels } : {}),
  };
}

const UV_FIELD = CHANNEL_FIELDS.indexOf('uv');

/**
 * Each planned channel's visitors against its plan over the window's minutes that carry a channel
 * breakdown, under the same rule as the launch's metrics: a·10⁶ against the plan in micro-units
 * squared. A window with no breakdown compares nothing (the feed sends none), rather than every
 * channel 100% short.
 */
function channelComparisons(state: LaunchState, t: number, tol: bigint): MetricComparison[] {
  const sums = windowChannels(state, t);
  if (sums.minutes === 0) return [];
  const out: MetricComparison[] = [];
  CHANNELS.forEach((channel, ci) => {
    const plan = sums.planUv[ci]!;
    if (plan <= 0n) return;
    const actual = sums.actual[ci * CHANNEL_FIELDS.length + UV_FIELD]!;
    const c = compare(actual * MICRO, plan, tol);
    out.push({
      metric: 'uv',
      channel,
      actual: fromMicro(actual),
      forecast: fromMicro(plan / MICRO),
      deviation: c.deviation,
      breach: c.breach,
      severity: c.severity,
    });
  });
  return out;
}

function sameResult(a: CheckpointResult, b: CheckpointResult): boolean {
  if (a.complete !== b.complete || a.missingMinutes.length !== b.missingMinutes.length) return false;
  if (JSON.stringify(a.channels ?? []) !== JSON.stringify(b.channels ?? [])) return false;
  if (a.metrics.length !== b.metrics.length || (a.soldOutMinute ?? null) !== (b.soldOutMinute ?? null))
    return false;
  return a.metrics.every((m, i) => {
    const o = b.metrics[i];
    return (
      !!o &&
      o.metric === m.metric &&
      o.actual === m.actual &&
      o.forecast === m.forecast &&
      o.breach === m.breach &&
      o.severity === m.severity &&
      o.suppressed === m.suppressed
    );
  });
}

/**
 * Evaluates checkpoint T and records the result and every alert and incident change it implies. A
 * result identical to the stored one records nothing — unless `settingsChanged` (the launch was
 * edited): then the alerts are still brought in line with the launch's playbook.
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
  const incidents = decideBreachIncidents(state, result, nowMs);
  const decided = new Map(incidents.map((c) => [c.incident.key, c.incident]));
  for (const cmp of comparisonsOf(result)) breachTransition(state, result, cmp, decided, nowMs, events);
  clearDroppedChannels(state, result, nowMs, events);
  recordIncidents(state, incidents, events);
  dataGapTransition(state, result, nowMs, events);
}

/** A channel's alert at a checkpoint whose result no longer compares that channel clears. */
function clearDroppedChannels(
  state: LaunchState,
  result: CheckpointResult,
  nowMs: number,
  events: LaunchEventBody[],
): void {
  const compared = new Set((result.channels ?? []).map((c) => c.channel));
  for (const channel of CHANNELS) {
    if (compared.has(channel)) continue;
    const existing = state.alerts.get(alertId(state.launch.id, result.checkpoint, channelKey(channel)));
    if (existing && existing.status !== 'cleared')
      clearAlert(state, existing, launchTime(state, nowMs), events);
  }
}

/** The alert id part of a channel's traffic breach. */
const channelKey = (channel: string) => `channel-${channel}`;

/** An incident as it stands, or as this decision leaves it. */
function incidentFor(
  state: LaunchState,
  story: Story,
  decided: ReadonlyMap<string, Incident>,
): Incident | undefined {
  return decided.get(story.key) ?? state.incidents.get(incidentId(state.launch.id, story.key));
}

function breachTransition(
  state: LaunchState,
  result: CheckpointResult,
  cmp: MetricComparison,
  decided: ReadonlyMap<string, Incident>,
  nowMs: number,
  events: LaunchEventBody[],
): void {
  const t = result.checkpoint;
  const id = alertId(state.launch.id, t, cmp.channel ? channelKey(cmp.channel) : cmp.metric);
  const existing = state.alerts.get(id);
  const at = launchTime(state, nowMs);
  const story = storyOf(state, result, cmp);
  if (cmp.breach && story) {
    const severity = cmp.severity ?? 'warning';
    const plan = story.plan;
    const incident = incidentFor(state, story, decided);
    const numbers = {
      direction: cmp.breach,
      severity,
      deviation: cmp.deviation,
      actual: cmp.actual,
      forecast: cmp.forecast,
      plan,
      owner: plan.owners[0]!.role,
      incidentId: incidentId(state.launch.id, story.key),
      ...(cmp.channel ? { channel: cmp.channel } : {}),
      ...(story.shortChannels && story.shortChannels.length > 0
        ? { shortChannels: story.shortChannels }
        : {}),
      // A sales breach carries the funnel behind it (its plan and owner follow the cause).
      ...(story.cause && SALES_SIDE.includes(cmp.metric) && result.diagnosis
        ? { diagnosis: result.diagnosis }
        : {}),
    };
    if (!existing) {
      raiseAlert(
        state,
        id,
        t,
        at,
        { kind: 'breach', metric: cmp.metric, ...numbers, missingMinutes: [] },
        incident,
        events,
      );
      return;
    }
    const reopened = existing.status === 'cleared';
    const changed =
      reopened ||
      existing.direction !== cmp.breach ||
      existing.severity !== severity ||
      existing.actual !== cmp.actual ||
      existing.forecast !== cmp.forecast ||
      existing.incidentId !== numbers.incidentId ||
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
    const escalation = flipped || (reopened && status === 'open') ? escalationWith(incident, at) : null;
    const alert: Alert = {
      ...existing,
      ...numbers,
      ...ack,
      status,
      ...(escalation ?? {}),
      updatedAt: at,
      history: [
        ...existing.history,
        { type: reopened || flipped ? 'reopened' : 'updated', at, deviation: cmp.deviation, severity },
        ...(escalation?.escalated ? [{ type: 'escalated' as const, at }] : []),
      ],
    };
    record(state, events, { type: 'alert.updated', alert });
    return;
  }
  if (existing && existing.status !== 'cleared')
    clearAlert(state, existing, at, events, {
      deviation: cmp.deviation,
      actual: cmp.actual,
      forecast: cmp.forecast,
    });
}

const DATA_GAP_STORY = (state: LaunchState): Story => ({
  key: 'data-gap',
  kind: 'data-gap',
  cause: null,
  direction: null,
  plan: playbookFor(state.launch.playbook, 'data-gap', null),
});

function dataGapTransition(
  state: LaunchState,
  result: CheckpointResult,
  nowMs: number,
  events: LaunchEventBody[],
): void {
  const t = result.checkpoint;
  const id = alertId(state.launch.id, t, 'data-gap');
  const existing = state.alerts.get(id);
  const at = launchTime(state, nowMs);
  const story = DATA_GAP_STORY(state);
  const before = events.length;
  if (!result.complete) {
    // Only the grace deadline raises a data gap; a late reading merely narrows an existing one.
    if (!existing) {
      if (nowMs < checkpointGraceEndsMs(state, t) || overdueAtCreation(state, t)) return;
      const incident = state.incidents.get(incidentId(state.launch.id, story.key));
      raiseAlert(
        state,
        id,
        t,
        at,
        {
          kind: 'data-gap',
          metric: null,
          direction: null,
          severity: 'critical',
          deviation: null,
          actual: null,
          forecast: null,
          missingMinutes: result.missingMinutes,
          plan: story.plan,
          owner: story.plan.owners[0]!.role,
          incidentId: incidentId(state.launch.id, story.key),
        },
        incident,
        events,
      );
    } else {
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
    }
  } else if (existing && existing.status !== 'cleared') {
    clearAlert(state, existing, at, events, { missingMinutes: [] });
  }
  if (events.length > before && existing?.incidentId !== null)
    reconcileAlertIncident(state, story, t, nowMs, events);
}

/**
 * Escalations: incidents past their escalation time go to the manager (电商经理) with their open
 * alerts; an alert outside any incident (logs from before incidents) escalates on its own.
 */
export function escalateOverdue(state: LaunchState, nowMs: number, events: LaunchEventBody[]): void {
  escalateIncidents(state, nowMs, events);
  const due: { alert: Alert; atMs: number }[] = [];
  for (const a of state.alerts.values()) {
    if (a.incidentId) continue;
    const atMs = escalationDueMs(state, a);
    if (atMs !== null && atMs <= nowMs) due.push({ alert: a, atMs });
  }
  due.sort((x, y) => x.atMs - y.atMs);
  for (const { alert: a, atMs } of due) {
    // Not before the alert's last change: a change recorded after the deadline (before any tick
    // noticed it) stays earlier in the alert's history than the escalation.
    const at = launchTime(state, Math.max(atMs, Date.parse(a.updatedAt)));
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

/** The next launch-clock instant at which something escalates, or null when nothing will. */
export function nextEscalationMs(state: LaunchState): number | null {
  let next = nextIncidentEscalationMs(state);
  for (const a of state.alerts.values()) {
    if (a.incidentId) continue;
    const at = escalationDueMs(state, a);
    if (at !== null && (next === null || at < next)) next = at;
  }
  return next;
}
