/**
 * How one launch's state follows its log: a snapshot to start from, then events folded in offset
 * order, each exactly once. Pure functions; the store slice only calls them.
 */
import type {
  Alert,
  CheckpointResult,
  FeedState,
  Launch,
  LaunchEvent,
  LaunchEventBody,
  LaunchSnapshot,
  Reading,
  RunSheetTick,
  SimulationInfo,
} from '@warroom/shared';

/** Bounds so an all-day (or week-long) screen never grows without limit. */
export const MAX_READINGS = 20_000;
export const MAX_ALERTS = 500;

export interface LaunchClock {
  /** Launch-clock time (ms) at `at`. */
  nowMs: number;
  /** Wall time (ms, this browser) when `nowMs` was learnt. */
  at: number;
  speed: number;
}

export interface LaunchState {
  launch: Launch;
  readings: ReadonlyMap<number, Reading>;
  checkpoints: ReadonlyMap<number, CheckpointResult>;
  alerts: ReadonlyMap<string, Alert>;
  /** Offset of the last event folded in. */
  offset: number;
  clock: LaunchClock;
  feed: FeedState;
  /** Launch-clock ms of the last accepted reading. */
  lastReadingAt: number | null;
  simulation: SimulationInfo | null;
  /** Run-sheet tasks ticked off, by task id. */
  runSheetDone: ReadonlyMap<string, RunSheetTick>;
}

function bounded<K, V>(map: Map<K, V>, max: number): Map<K, V> {
  while (map.size > max) {
    const first = map.keys().next();
    if (first.done) break;
    map.delete(first.value);
  }
  return map;
}

function parseMs(iso: string | null | undefined): number | null {
  if (!iso) return null;
  const ms = Date.parse(iso);
  return Number.isNaN(ms) ? null : ms;
}

export function fromSnapshot(s: LaunchSnapshot, wallNow: number): LaunchState {
  const readings = new Map<number, Reading>();
  for (const r of [...s.readings].sort((a, b) => a.minute - b.minute)) readings.set(r.minute, r);
  const checkpoints = new Map<number, CheckpointResult>();
  for (const c of s.checkpoints) checkpoints.set(c.checkpoint, c);
  const alerts = new Map<string, Alert>();
  for (const a of s.alerts) alerts.set(a.id, a);
  return {
    launch: s.launch,
    readings: bounded(readings, MAX_READINGS),
    checkpoints,
    alerts: bounded(alerts, MAX_ALERTS),
    offset: s.offset,
    clock: { nowMs: parseMs(s.now) ?? wallNow, at: wallNow, speed: s.speed },
    feed: s.feed,
    lastReadingAt: parseMs(s.lastReadingAt),
    simulation: s.simulation,
    runSheetDone: new Map((s.runSheetDone ?? []).map((t) => [t.taskId, t])),
  };
}

/** The launch clock extrapolated to a wall instant. */
export function launchNow(clock: LaunchClock, wallNow: number): number {
  return clock.nowMs + (wallNow - clock.at) * clock.speed;
}

function withClock(state: LaunchState, nowIso: string, wallNow: number): LaunchClock {
  const ms = parseMs(nowIso);
  if (ms === null || ms < launchNow(state.clock, wallNow) - 1000 * state.clock.speed) return state.clock;
  return { ...state.clock, nowMs: ms, at: wallNow };
}

/** Folds one fact in (without the offset check; see `applyEvent`). */
export function foldBody(state: LaunchState, body: LaunchEventBody, wallNow: number): LaunchState {
  switch (body.type) {
    case 'launch.created':
      return { ...state, launch: body.launch };
    case 'reading.ingested': {
      const readings = new Map(state.readings);
      readings.set(body.reading.minute, body.reading);
      const clock = withClock(state, body.now, wallNow);
      return {
        ...state,
        readings: bounded(readings, MAX_READINGS),
        clock,
        lastReadingAt: parseMs(body.now) ?? launchNow(clock, wallNow),
        feed: state.feed === 'ended' ? state.feed : 'live',
      };
    }
    case 'checkpoint.evaluated': {
      const checkpoints = new Map(state.checkpoints);
      checkpoints.set(body.result.checkpoint, body.result);
      return { ...state, checkpoints };
    }
    case 'alert.raised':
    case 'alert.updated':
    case 'alert.acknowledged':
    case 'alert.escalated': {
      const alerts = new Map(state.alerts);
      alerts.set(body.alert.id, body.alert);
      return { ...state, alerts: bounded(alerts, MAX_ALERTS) };
    }
    case 'clock.advanced':
      return { ...state, clock: withClock(state, body.now, wallNow) };
    case 'simulation.started':
      return {
        ...state,
        clock: { ...withClock(state, body.now, wallNow), speed: body.speed },
        simulation: {
          simulationId: body.simulationId,
          launchId: state.launch.id,
          scenario: body.scenario,
          speed: body.speed,
          seed: body.seed,
          running: true,
        },
      };
    case 'simulation.stopped':
      return {
        ...state,
        simulation: state.simulation ? { ...state.simulation, running: false } : null,
      };
    case 'runsheet.updated':
      return { ...state, launch: { ...state.launch, runSheet: body.runSheet } };
    case 'launch.updated':
      // The planner's edit replaces the settings; the re-evaluation follows as its own facts.
      return { ...state, launch: body.launch, clock: withClock(state, body.at, wallNow) };
    case 'runsheet.task.done': {
      const runSheetDone = new Map(state.runSheetDone);
      runSheetDone.set(body.taskId, { taskId: body.taskId, by: body.by, at: body.at });
      return { ...state, runSheetDone };
    }
  }
}

export type FoldOutcome = 'applied' | 'duplicate' | 'gap';

/** Where an event with `offset` stands against the state: next in line, already seen, or ahead of a gap. */
export function placeOf(state: LaunchState, offset: number): FoldOutcome {
  if (offset <= state.offset) return 'duplicate';
  if (offset > state.offset + 1) return 'gap';
  return 'applied';
}

/** Folds a log event once: events at or below the last applied offset are ignored. */
export function applyEvent(state: LaunchState, event: LaunchEvent, wallNow: number): LaunchState {
  if (event.offset <= state.offset) return state;
  return { ...foldBody(state, event, wallNow), offset: event.offset };
}
