/**
 * The engine's commands: ingest readings, let the clock tick, acknowledge an alert, run a
 * simulation. Each takes the state and the launch-clock time, folds the facts it decides into the
 * state, and returns them for the caller to record. No I/O; the same inputs always give the same
 * facts.
 */
import {
  type Alert,
  type Incident,
  type LaunchEventBody,
  type LaunchState,
  type Reading,
  type ReadingInput,
  type Scenario,
  BASE_METRICS,
  MINUTE_MS,
  ORDER_METRICS,
  PREHEAT_MINUTES,
  canonicalChannels,
  sameChannels,
  launchTime,
  parseDateTime,
} from '@warroom/shared';
import {
  checkpointGraceEndsMs,
  escalateOverdue,
  evaluateCheckpoint,
  isComplete,
  overdueAtCreation,
} from './checkpoints';
import { acknowledgeIncident } from './incidents';
import { evaluateStock, evaluateUnpaid } from './stock';
import { evaluateBudgets } from './budget';
import { record } from './record';

/** The launch-clock minute an instant falls in. */
export function clockMinute(state: LaunchState, nowMs: number): number {
  return Math.floor((nowMs - state.startMs) / MINUTE_MS);
}

/** Readings more than this many minutes ahead of the launch clock are clock errors. */
export const FUTURE_TOLERANCE_MINUTES = 2;

export interface IngestOutcome {
  events: LaunchEventBody[];
  accepted: number;
  duplicates: number;
  rejected: { index: number; message: string }[];
}

function toReading(minute: number, input: ReadingInput): Reading {
  const reading: Reading = {
    minute,
    uv: input.uv ?? 0,
    pv: input.pv ?? 0,
    fav: input.fav ?? 0,
    cart: input.cart ?? 0,
    orders: input.orders ?? 0,
    units: input.units ?? 0,
    gmv: input.gmv ?? 0,
  };
  // The order measures only when sent: absent is "not known", not 0.
  for (const m of ORDER_METRICS) if (input[m] !== undefined) reading[m] = input[m];
  if (input.channels) reading.channels = canonicalChannels(input.channels);
  return reading;
}

function sameReading(a: Reading, b: Reading): boolean {
  return BASE_METRICS.every((m) => a[m] === b[m]) && sameChannels(a.channels, b.channels);
}

function formatT(minute: number): string {
  const sign = minute < 0 ? '−' : '+';
  const abs = Math.abs(minute);
  return `T${sign}${String(Math.floor(abs / 60)).padStart(2, '0')}:${String(abs % 60).padStart(2, '0')}`;
}

/** Where a reading lands, or why it cannot. */
function placeReading(state: LaunchState, input: ReadingInput, nowMs: number): number | string {
  let minute: number;
  if (input.minute !== undefined) {
    minute = input.minute;
  } else {
    const atMs = parseDateTime(input.at!, state.launch.timezone);
    if (Number.isNaN(atMs)) return `"at" is not a date-time: ${input.at}`;
    minute = clockMinute(state, atMs);
  }
  const { durationMinutes } = state.launch;
  if (minute < -PREHEAT_MINUTES)
    return `minute ${minute} is more than ${PREHEAT_MINUTES / 60} hours before 开团; readings start at minute −${PREHEAT_MINUTES}`;
  if (minute >= durationMinutes)
    return `minute ${minute} is after the launch ends: the last minute is ${durationMinutes - 1}`;
  const current = clockMinute(state, nowMs);
  if (minute > current + FUTURE_TOLERANCE_MINUTES)
    return (
      `minute ${minute} (${formatT(minute)}) is in the future: the launch clock is at minute ${current} ` +
      `(${formatT(current)}); readings more than ${FUTURE_TOLERANCE_MINUTES} minutes ahead are rejected as clock errors`
    );
  return minute;
}

/**
 * Takes readings (already schema-valid, each with its index in the request). A reading re-sent for
 * a minute replaces the earlier one; an identical re-send is a duplicate and records nothing. Then
 * every checkpoint whose window changed is re-evaluated and every newly complete one evaluated.
 */
export function ingest(
  state: LaunchState,
  inputs: readonly { index: number; reading: ReadingInput }[],
  nowMs: number,
): IngestOutcome {
  const events: LaunchEventBody[] = [];
  const rejected: IngestOutcome['rejected'] = [];
  let accepted = 0;
  let duplicates = 0;
  let lowestChanged = Infinity;
  const firstMissingBefore = state.firstMissing;
  // Formatted when the first reading is recorded: an identical re-send records nothing.
  let now: string | undefined;
  for (const { index, reading: input } of inputs) {
    const placed = placeReading(state, input, nowMs);
    if (typeof placed === 'string') {
      rejected.push({ index, message: placed });
      continue;
    }
    const reading = toReading(placed, input);
    const existing = state.readings.get(placed);
    if (existing && sameReading(existing, reading)) {
      duplicates++;
      continue;
    }
    accepted++;
    if (placed < lowestChanged) lowestChanged = placed;
    now ??= launchTime(state, nowMs);
    record(state, events, { type: 'reading.ingested', reading, now });
  }
  if (accepted > 0) {
    reevaluate(state, lowestChanged, firstMissingBefore, nowMs, events);
    evaluateStock(state, nowMs, events);
    evaluateUnpaid(state, nowMs, events);
    evaluateBudgets(state, nowMs, events);
  }
  return { events, accepted, duplicates, rejected };
}

function reevaluate(
  state: LaunchState,
  lowestChanged: number,
  firstMissingBefore: number,
  nowMs: number,
  events: LaunchEventBody[],
): void {
  for (const t of state.launch.checkpoints) {
    if (t <= lowestChanged) continue;
    const evaluated = state.checkpoints.has(t);
    // A preheat window is short: whether it just completed is checked directly.
    const newlyComplete = t > 0 ? isComplete(state, t) && t > firstMissingBefore : isComplete(state, t);
    if (evaluated || newlyComplete) evaluateCheckpoint(state, t, nowMs, events);
  }
}

/**
 * The launch clock moved to `nowMs`: escalate alerts left open too long (at the instants their time
 * ran out, so before anything decided now), evaluate incomplete checkpoints whose grace ran out
 * (raising data-gap alerts), and evaluate any complete checkpoint not yet evaluated (after a crash
 * between a reading and its evaluation).
 */
export function tick(state: LaunchState, nowMs: number): LaunchEventBody[] {
  const events: LaunchEventBody[] = [];
  escalateOverdue(state, nowMs, events);
  for (const t of state.launch.checkpoints) {
    if (state.checkpoints.has(t)) continue;
    if (isComplete(state, t)) {
      evaluateCheckpoint(state, t, nowMs, events);
    } else if (nowMs < checkpointGraceEndsMs(state, t)) {
      break; // later checkpoints are neither complete nor past their grace
    } else if (!overdueAtCreation(state, t)) {
      evaluateCheckpoint(state, t, nowMs, events);
    }
  }
  return events;
}

/** Only the escalations due by `nowMs` (a replay between the original's clock steps). */
export function escalate(state: LaunchState, nowMs: number): LaunchEventBody[] {
  const events: LaunchEventBody[] = [];
  escalateOverdue(state, nowMs, events);
  return events;
}

export type AckOutcome =
  { ok: true; alert: Alert; events: LaunchEventBody[] } | { ok: false; code: 'not_found'; message: string };

/**
 * Acknowledges an alert. On-call practice: the first acknowledgement wins; a second one returns
 * the first unchanged and records nothing. An alert in an incident is handled with it: its incident
 * and the incident's other open alerts are acknowledged too.
 */
export function acknowledge(
  state: LaunchState,
  alertId: string,
  ack: { by: string; action?: string | undefined; note?: string | undefined },
  nowMs: number,
): AckOutcome {
  const existing = state.alerts.get(alertId);
  if (!existing) return { ok: false, code: 'not_found', message: `no alert ${alertId} in this launch` };
  const events: LaunchEventBody[] = [];
  const incident = existing.incidentId ? state.incidents.get(existing.incidentId) : undefined;
  if (incident) {
    if (existing.ackedBy !== null && incident.ackedBy !== null) return { ok: true, alert: existing, events };
    acknowledgeIncident(state, incident, ack, nowMs, events, alertId);
    return { ok: true, alert: state.alerts.get(alertId)!, events };
  }
  if (existing.ackedBy !== null) return { ok: true, alert: existing, events };
  const at = launchTime(state, nowMs);
  const alert: Alert = {
    ...existing,
    status: existing.status === 'cleared' ? 'cleared' : 'acknowledged',
    ackedBy: ack.by,
    ackedAt: at,
    action: ack.action ?? null,
    note: ack.note ?? null,
    updatedAt: at,
    history: [...existing.history, { type: 'acknowledged', at, by: ack.by }],
  };
  record(state, events, { type: 'alert.acknowledged', alert });
  return { ok: true, alert, events };
}

export type IncidentAckOutcome =
  | { ok: true; incident: Incident; events: LaunchEventBody[] }
  | { ok: false; code: 'not_found'; message: string };

/** Acknowledges an incident and its open alerts; the first acknowledgement stands. */
export function acknowledgeIncidentCommand(
  state: LaunchState,
  id: string,
  ack: { by: string; action?: string | undefined; note?: string | undefined },
  nowMs: number,
): IncidentAckOutcome {
  const incident = state.incidents.get(id);
  if (!incident) return { ok: false, code: 'not_found', message: `no incident ${id} in this launch` };
  const events: LaunchEventBody[] = [];
  const after = acknowledgeIncident(state, incident, ack, nowMs, events);
  return { ok: true, incident: state.incidents.get(id) ?? after, events };
}

export interface SimulationSettings {
  simulationId: string;
  scenario: Scenario;
  speed: number;
  seed: number;
}

/** A simulation starts driving the launch's clock from `nowMs`. */
export function startSimulation(
  state: LaunchState,
  settings: SimulationSettings,
  nowMs: number,
): LaunchEventBody[] {
  const events: LaunchEventBody[] = [];
  record(state, events, { type: 'simulation.started', ...settings, now: launchTime(state, nowMs) });
  return events;
}

/**
 * A simulation stops (finished, or stopped by a person) at `nowMs`. Nothing is recorded when it is
 * not the one running (stopped already, or through another instance).
 */
export function stopSimulation(
  state: LaunchState,
  simulationId: string,
  reason: 'finished' | 'stopped',
  nowMs: number,
): LaunchEventBody[] {
  const events: LaunchEventBody[] = [];
  if (!state.simulation?.running || state.simulation.simulationId !== simulationId) return events;
  const at = launchTime(state, Math.max(nowMs, state.nowMs));
  record(state, events, { type: 'simulation.stopped', simulationId, reason, now: at });
  return events;
}

/** One batch of readings a simulation delivers at launch-clock `atMs`. */
export interface Delivery {
  atMs: number;
  readings: ReadingInput[];
}

/**
 * A simulation's step: each due delivery arrives at its instant (the clock acting on everything
 * due before it first), then the clock moves to `untilMs`. The clock's progress is recorded when
 * it enters a new launch minute, so a simulation resumed after a restart picks up where its log
 * stops.
 */
export function simulationStep(
  state: LaunchState,
  deliveries: readonly Delivery[],
  untilMs: number,
): LaunchEventBody[] {
  const events: LaunchEventBody[] = [];
  const minuteBefore = clockMinute(state, state.nowMs);
  for (const d of deliveries) {
    events.push(...tick(state, d.atMs - 1));
    const placed = d.readings.map((reading, index) => ({ index, reading }));
    events.push(...ingest(state, placed, d.atMs).events);
  }
  events.push(...tick(state, untilMs));
  if (untilMs > state.nowMs && clockMinute(state, untilMs) !== minuteBefore)
    record(state, events, { type: 'clock.advanced', now: launchTime(state, untilMs) });
  return events;
}
