/**
 * The engine's commands: ingest readings, let the clock tick, acknowledge an alert. Each takes the
 * state and the launch-clock time, folds the facts it decides into the state, and returns them for
 * the caller to record. No I/O; the same inputs always give the same facts.
 */
import {
  type Alert,
  type LaunchEventBody,
  type Reading,
  type ReadingInput,
  METRICS,
  PREHEAT_MINUTES,
  parseDateTime,
} from '@warroom/shared';
import {
  checkpointGraceEndsMs,
  escalateOverdue,
  evaluateCheckpoint,
  iso,
  isComplete,
  overdueAtCreation,
  record,
} from './checkpoints';
import { type LaunchState, clockMinute } from './state';

/** Readings more than this many minutes ahead of the launch clock are clock errors. */
export const FUTURE_TOLERANCE_MINUTES = 2;

export interface IngestOutcome {
  events: LaunchEventBody[];
  accepted: number;
  duplicates: number;
  rejected: { index: number; message: string }[];
}

function toReading(minute: number, input: ReadingInput): Reading {
  return {
    minute,
    uv: input.uv ?? 0,
    pv: input.pv ?? 0,
    fav: input.fav ?? 0,
    cart: input.cart ?? 0,
    orders: input.orders ?? 0,
    units: input.units ?? 0,
    gmv: input.gmv ?? 0,
  };
}

function sameReading(a: Reading, b: Reading): boolean {
  return METRICS.every((m) => a[m] === b[m]);
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
  const now = iso(state, nowMs);
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
    record(state, events, { type: 'reading.ingested', reading, now });
  }
  if (accepted > 0) reevaluate(state, lowestChanged, firstMissingBefore, nowMs, events);
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
    const newlyComplete = isComplete(state, t) && t > firstMissingBefore;
    if (evaluated || newlyComplete) evaluateCheckpoint(state, t, nowMs, events);
  }
}

/**
 * The launch clock moved to `nowMs`: evaluate incomplete checkpoints whose grace ran out (raising
 * data-gap alerts), evaluate any complete checkpoint not yet evaluated (after a crash between a
 * reading and its evaluation), and escalate alerts left open too long.
 */
export function tick(state: LaunchState, nowMs: number): LaunchEventBody[] {
  const events: LaunchEventBody[] = [];
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
  escalateOverdue(state, nowMs, events);
  return events;
}

export type AckOutcome =
  { ok: true; alert: Alert; events: LaunchEventBody[] } | { ok: false; code: 'not_found'; message: string };

/**
 * Acknowledges an alert. On-call practice: the first acknowledgement wins; a second one returns
 * the first unchanged and records nothing.
 */
export function acknowledge(
  state: LaunchState,
  alertId: string,
  ack: { by: string; action?: string | undefined; note?: string | undefined },
  nowMs: number,
): AckOutcome {
  const existing = state.alerts.get(alertId);
  if (!existing) return { ok: false, code: 'not_found', message: `no alert ${alertId} in this launch` };
  if (existing.ackedBy !== null) return { ok: true, alert: existing, events: [] };
  const at = iso(state, nowMs);
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
  const events: LaunchEventBody[] = [];
  record(state, events, { type: 'alert.acknowledged', alert });
  return { ok: true, alert, events };
}
