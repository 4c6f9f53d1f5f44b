/**
 * The one fold: how a launch's state follows its log. The server's engine decides against this
 * state and the client's screens draw from it; both build it with `initialState` and `evolve`, so a
 * fact means the same everywhere. Pure: no clock, no I/O.
 *
 * `evolve` mutates the state it is given, so a long log folds in linear time; a reader that needs a
 * new object per change (a React store) copies with `cloneState` before a batch.
 */
import type { Alert } from './alert';
import type { CheckpointResult } from './checkpoint';
import type { Incident } from './incident';
import type { PaymentLedger } from './payments';
import { type LaunchEventBody, isIncidentFact } from './events';
import type { Launch } from './launch';
import type { NotificationState } from './notify';
import type { Reading } from './reading';
import type { RunSheetTick } from './runsheet';

export interface SimulationState {
  simulationId: string;
  scenario: string;
  speed: number;
  seed: number;
  running: boolean;
}

/** Exact actual totals (micro-units) over the present minutes of [0, t), per compared metric. */
export interface CachedTotals {
  t: number;
  totals: bigint[];
  /** The channel sums over the same minutes (see `ChannelSums`). */
  channels: ChannelSums;
}

/**
 * Exact channel sums over a window's minutes that carry a channel breakdown: `actual[c·4 + f]`
 * (micro-units) for channel c of CHANNELS and field f of CHANNEL_FIELDS, `planUv[c]` the channel's
 * planned visitors over the same minutes (micro-units squared, see `plannedChannelMicro2`),
 * `minutes` how many minutes carried a breakdown.
 */
export interface ChannelSums {
  actual: bigint[];
  planUv: bigint[];
  minutes: number;
}

/**
 * Sums the engine derives from the facts to evaluate checkpoints quickly. The fold keeps them
 * consistent (it drops what a fact invalidates); only the engine fills them in.
 */
/**
 * prefix[T] = Σ forecast[0, T) of one base metric in micro-units, for T = 0 … `filled` − 1 (the
 * engine extends it as far as a look asks). Kept as doubles while every sum is a safe integer, so
 * exact, without an object per minute (a year-long launch has 525,600); as BigInt past that.
 */
export interface PlannedPrefix {
  filled: number;
  num: Float64Array | null;
  big: bigint[] | null;
}

export interface DerivedSums {
  /** The planned prefix sums of each base metric (by BASE_METRICS index); null until needed. */
  forecastPrefix: PlannedPrefix[] | null;
  /** Cached actual totals for checkpoints whose window has not changed since, sorted by t. */
  actual: CachedTotals[];
  /** Orders placed and paid from 开团 through a minute, folded in order (待付款); null until needed. */
  payments: PaymentLedger | null;
}

export interface LaunchState {
  launch: Launch;
  /** 开团 as epoch ms. */
  startMs: number;
  readings: Map<number, Reading>;
  /** Smallest minute ≥ 0 with no reading: every checkpoint T ≤ firstMissing is complete. */
  firstMissing: number;
  checkpoints: Map<number, CheckpointResult>;
  alerts: Map<string, Alert>;
  /** Incidents by id (`<launchId>-i-<key>`). */
  incidents: Map<string, Incident>;
  /** Offset of the last event folded in (set by the reader that knows it; see `evolveLogged`). */
  offset: number;
  /** Latest launch-clock time the log has seen (ms). */
  nowMs: number;
  lastReadingAtMs: number | null;
  simulation: SimulationState | null;
  /** Run-sheet tasks ticked off, by task id (the tasks are `launch.runSheet`). */
  runSheetDone: Map<string, RunSheetTick>;
  /** The outbox: messages due to the channels, by dedup key, with their deliveries. */
  notifications: Map<string, NotificationState>;
  sums: DerivedSums;
}

export function initialState(launch: Launch): LaunchState {
  return {
    launch,
    startMs: Date.parse(launch.startAt),
    readings: new Map(),
    firstMissing: 0,
    checkpoints: new Map(),
    alerts: new Map(),
    incidents: new Map(),
    offset: 0,
    nowMs: Date.parse(launch.createdAt),
    lastReadingAtMs: null,
    simulation: null,
    runSheetDone: new Map(),
    notifications: new Map(),
    sums: { forecastPrefix: null, actual: [], payments: null },
  };
}

/** A copy whose collections can change without touching the original's (copy-on-write readers). */
export function cloneState(s: LaunchState): LaunchState {
  return {
    ...s,
    readings: new Map(s.readings),
    checkpoints: new Map(s.checkpoints),
    alerts: new Map(s.alerts),
    incidents: new Map(s.incidents),
    simulation: s.simulation && { ...s.simulation },
    runSheetDone: new Map(s.runSheetDone),
    notifications: new Map(s.notifications),
    // The payment ledger is mutable: a copy starts without it (it is rebuilt when needed).
    sums: { forecastPrefix: s.sums.forecastPrefix, actual: [...s.sums.actual], payments: null },
  };
}

/** Compile-time check that every fact type is handled: a new one left out fails the typecheck. */
export function unhandledFact(fact: never): never {
  throw new Error(`no rule folds the fact ${(fact as { type?: string }).type}`);
}

/** Folds one fact into the state. Returns the state for chaining. */
export function evolve(state: LaunchState, event: LaunchEventBody): LaunchState {
  if (isIncidentFact(event)) {
    state.incidents.set(event.incident.id, event.incident);
    return state;
  }
  switch (event.type) {
    case 'launch.created':
      // The state starts from it (initialState); nothing more to fold.
      break;
    case 'reading.ingested': {
      const r = event.reading;
      const isNew = !state.readings.has(r.minute);
      state.readings.set(r.minute, r);
      if (isNew && r.minute === state.firstMissing) {
        while (state.readings.has(state.firstMissing)) state.firstMissing++;
      }
      // Every window that ends after this minute changed.
      const cache = state.sums.actual;
      while (cache.length > 0 && cache[cache.length - 1]!.t > r.minute) cache.pop();
      if (state.sums.payments && state.sums.payments.through >= r.minute) state.sums.payments = null;
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
      if (state.simulation?.simulationId === event.simulationId)
        state.simulation = { ...state.simulation, running: false };
      advance(state, Date.parse(event.now));
      break;
    case 'launch.updated':
      // The settings change; what was derived from them is derived again. Readings, checkpoint
      // results and alerts stay: the re-evaluation that follows is recorded as its own facts.
      state.launch = event.launch;
      state.startMs = Date.parse(event.launch.startAt);
      state.sums = { forecastPrefix: null, actual: [], payments: null };
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
    case 'notification.due':
      if (!state.notifications.has(event.notification.key))
        state.notifications.set(event.notification.key, {
          due: event.notification,
          channels: null,
          deliveries: {},
          attempts: [],
        });
      break;
    case 'notification.routed': {
      const n = state.notifications.get(event.key);
      if (n) state.notifications.set(event.key, { ...n, channels: event.channels });
      break;
    }
    case 'notification.delivery': {
      const d = event.delivery;
      for (const key of d.keys) {
        const n = state.notifications.get(key);
        // A message the channel took stays sent (a late report of an older attempt changes nothing).
        if (!n || n.deliveries[d.channelId]?.status === 'sent') continue;
        state.notifications.set(key, {
          ...n,
          deliveries: { ...n.deliveries, [d.channelId]: d },
          attempts: [...n.attempts, d],
        });
      }
      break;
    }
    default:
      return unhandledFact(event);
  }
  return state;
}

/** Folds a logged fact once: a fact at or below the state's offset was folded already. */
export function evolveLogged(state: LaunchState, event: LaunchEventBody & { offset: number }): LaunchState {
  if (event.offset <= state.offset) return state;
  evolve(state, event);
  state.offset = event.offset;
  return state;
}

/** A launch's state from its whole log (which starts with launch.created). */
export function foldLog(events: readonly (LaunchEventBody & { offset: number })[]): LaunchState {
  const first = events[0];
  if (!first || first.type !== 'launch.created') throw new Error('a launch log starts with launch.created');
  const state = initialState(first.launch);
  for (const e of events) evolveLogged(state, e);
  return state;
}

function advance(state: LaunchState, atMs: number): void {
  if (atMs > state.nowMs) state.nowMs = atMs;
}
