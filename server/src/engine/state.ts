/**
 * A launch's state and the fold that builds it from the log. Pure: no clock, no I/O; `apply`
 * mutates the state it is given so that a long log folds in linear time.
 */
import {
  type Alert,
  type CheckpointResult,
  type Launch,
  type LaunchEventBody,
  type Metric,
  type Reading,
  type RunSheetTick,
  MINUTE_MS,
} from '@warroom/shared';
import { toMicro } from './exact';

export interface SimulationState {
  simulationId: string;
  scenario: string;
  speed: number;
  seed: number;
  running: boolean;
}

export interface LaunchState {
  launch: Launch;
  startMs: number;
  readings: Map<number, Reading>;
  /** Smallest minute ≥ 0 with no reading: every checkpoint T ≤ firstMissing is complete. */
  firstMissing: number;
  checkpoints: Map<number, CheckpointResult>;
  alerts: Map<string, Alert>;
  /** Forecast prefix sums in micro-units per compared metric: prefix[i][T] = Σ forecast[0, T). */
  forecastPrefix: bigint[][];
  /**
   * Exact actual totals over the present minutes of [0, T) per compared metric, for checkpoints
   * whose window has not changed since they were summed. A cache, dropped by any change below T.
   */
  actualTotals: CachedTotals[];
  /** Offset of the last event folded in. */
  offset: number;
  /** Latest launch-clock time the log has seen (ms). */
  nowMs: number;
  lastReadingAtMs: number | null;
  simulation: SimulationState | null;
  /** Run-sheet tasks ticked off, by task id (the tasks are `launch.runSheet`). */
  runSheetDone: Map<string, RunSheetTick>;
}

/** Exact actual totals over the present minutes of [0, t), sorted by t. */
export interface CachedTotals {
  t: number;
  totals: bigint[];
}

/** A reading for `minute` changes every window that ends after it. */
function dropTotalsAbove(state: LaunchState, minute: number): void {
  const cache = state.actualTotals;
  while (cache.length > 0 && cache[cache.length - 1]!.t > minute) cache.pop();
}

export function initialState(launch: Launch): LaunchState {
  const startMs = Date.parse(launch.startAt);
  return {
    launch,
    startMs,
    readings: new Map(),
    firstMissing: 0,
    checkpoints: new Map(),
    alerts: new Map(),
    forecastPrefix: launch.metrics.map((m) => prefixSums(launch, m)),
    actualTotals: [],
    offset: 0,
    nowMs: Date.parse(launch.createdAt),
    lastReadingAtMs: null,
    simulation: null,
    runSheetDone: new Map(),
  };
}

function prefixSums(launch: Launch, metric: Metric): bigint[] {
  const out = new Array<bigint>(launch.durationMinutes + 1);
  let acc = 0n;
  out[0] = 0n;
  for (let m = 0; m < launch.durationMinutes; m++) {
    acc += toMicro(launch.forecast[m]?.[metric] ?? 0);
    out[m + 1] = acc;
  }
  return out;
}

/** Folds one fact into the state. Returns the state for chaining. */
export function apply(state: LaunchState, event: LaunchEventBody): LaunchState {
  switch (event.type) {
    case 'launch.created':
      break;
    case 'reading.ingested': {
      const r = event.reading;
      const isNew = !state.readings.has(r.minute);
      state.readings.set(r.minute, r);
      if (isNew && r.minute === state.firstMissing) {
        while (state.readings.has(state.firstMissing)) state.firstMissing++;
      }
      dropTotalsAbove(state, r.minute);
      const at = Date.parse(event.now);
      state.lastReadingAtMs = state.lastReadingAtMs === null ? at : Math.max(state.lastReadingAtMs, at);
      advance(state, at);
      break;
    }
    case 'checkpoint.evaluated':
      state.checkpoints.set(event.result.checkpoint, event.result);
      advance(state, Date.parse(event.result.evaluatedAt));
      break;
    case 'alert.raised':
    case 'alert.updated':
    case 'alert.acknowledged':
    case 'alert.escalated':
      state.alerts.set(event.alert.id, event.alert);
      break;
    case 'clock.advanced':
      advance(state, Date.parse(event.now));
      break;
    case 'simulation.started':
      state.simulation = {
        simulationId: event.simulationId,
        scenario: event.scenario,
        speed: event.speed,
        seed: event.seed,
        running: true,
      };
      advance(state, Date.parse(event.now));
      break;
    case 'simulation.stopped':
      if (state.simulation?.simulationId === event.simulationId) state.simulation.running = false;
      advance(state, Date.parse(event.now));
      break;
    case 'launch.updated':
      // The launch's settings change; what was derived from them is derived again. Readings,
      // checkpoint results and alerts stay: the re-evaluation that follows is recorded as facts.
      state.launch = event.launch;
      state.startMs = Date.parse(event.launch.startAt);
      state.forecastPrefix = event.launch.metrics.map((m) => prefixSums(event.launch, m));
      state.actualTotals = [];
      advance(state, Date.parse(event.at));
      break;
    case 'runsheet.updated':
      state.launch = { ...state.launch, runSheet: event.runSheet };
      advance(state, Date.parse(event.at));
      break;
    case 'runsheet.task.done':
      state.runSheetDone.set(event.taskId, { taskId: event.taskId, by: event.by, at: event.at });
      advance(state, Date.parse(event.at));
      break;
  }
  return state;
}

function advance(state: LaunchState, atMs: number): void {
  if (atMs > state.nowMs) state.nowMs = atMs;
}

/** The launch-clock minute an instant falls in. */
export function clockMinute(state: LaunchState, nowMs: number): number {
  return Math.floor((nowMs - state.startMs) / MINUTE_MS);
}
