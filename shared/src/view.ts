/**
 * Read models over a launch's state, for the server's answers and the client's screens alike: the
 * feed's liveness, the snapshot a screen starts from (and the state rebuilt from it), the summary
 * line, and launch-clock instants as text in the launch's zone.
 */
import { type LaunchState, initialState } from './fold';
import type { LaunchSnapshot, FeedState } from './snapshot';
import type { LaunchSummary } from './launch';
import { MINUTE_MS, formatIsoInZone } from './time';
import { peopleSpeed } from './escalation';

/** A feed with no reading for this long (launch clock) is stale. */
export const STALE_AFTER_MS = 2 * MINUTE_MS;

/**
 * A launch-clock instant as ISO text in the launch's zone. Milliseconds are kept when there are
 * any: the log's times are the engine's clock, and an alert raised at 10:14:59.600 must not
 * escalate at 10:19:59.000 (state is rebuilt from these texts).
 */
export function launchTime(state: Pick<LaunchState, 'launch'>, ms: number): string {
  return formatIsoInZone(ms, state.launch.timezone, { millis: true });
}

export function feedState(state: LaunchState, nowMs: number): FeedState {
  const endMs = state.startMs + state.launch.durationMinutes * MINUTE_MS;
  if (nowMs >= endMs) return 'ended';
  const last = state.lastReadingAtMs;
  if (nowMs < state.startMs && last === null) return 'waiting';
  if (last === null) return nowMs - state.startMs > STALE_AFTER_MS ? 'stale' : 'waiting';
  return nowMs - last > STALE_AFTER_MS ? 'stale' : 'live';
}

/**
 * The first launch-clock instant after `nowMs` at which `feedState` may answer differently (the
 * clock moving on, the state as it is), or null when it never will ('ended'). Exact to the
 * millisecond: the state holds at every instant before it. A reading changes the state and so the
 * answer.
 */
export function feedChangesAtMs(state: LaunchState, nowMs: number): number | null {
  const endMs = state.startMs + state.launch.durationMinutes * MINUTE_MS;
  if (nowMs >= endMs) return null;
  // 'waiting' or 'live' turns 'stale' just after this instant ('stale' waits for the end).
  const staleAfter = (state.lastReadingAtMs ?? state.startMs) + STALE_AFTER_MS;
  return nowMs <= staleAfter ? Math.min(Math.floor(staleAfter) + 1, endMs) : endMs;
}

export function toSnapshot(state: LaunchState, nowMs: number, speed: number): LaunchSnapshot {
  return {
    launch: state.launch,
    readings: [...state.readings.values()].sort((a, b) => a.minute - b.minute),
    checkpoints: [...state.checkpoints.values()].sort((a, b) => a.checkpoint - b.checkpoint),
    alerts: [...state.alerts.values()],
    incidents: [...state.incidents.values()],
    offset: state.offset,
    now: launchTime(state, nowMs),
    speed,
    feed: feedState(state, nowMs),
    lastReadingAt: state.lastReadingAtMs === null ? null : launchTime(state, state.lastReadingAtMs),
    logNow: launchTime(state, state.nowMs),
    simulation: state.simulation ? { ...state.simulation, launchId: state.launch.id } : null,
    runSheetDone: [...state.runSheetDone.values()],
  };
}

/** The state a snapshot shows: the same as folding the log it was taken from. */
export function fromSnapshot(s: LaunchSnapshot): LaunchState {
  const state = initialState(s.launch);
  for (const r of [...s.readings].sort((a, b) => a.minute - b.minute)) state.readings.set(r.minute, r);
  while (state.readings.has(state.firstMissing)) state.firstMissing++;
  for (const c of s.checkpoints) state.checkpoints.set(c.checkpoint, c);
  for (const a of s.alerts) state.alerts.set(a.id, a);
  for (const i of s.incidents ?? []) state.incidents.set(i.id, i);
  state.offset = s.offset;
  const logNow = Date.parse(s.logNow ?? s.now);
  if (!Number.isNaN(logNow) && logNow > state.nowMs) state.nowMs = logNow;
  state.lastReadingAtMs = s.lastReadingAt === null ? null : Date.parse(s.lastReadingAt);
  if (s.simulation) {
    const { launchId: _, ...simulation } = s.simulation;
    state.simulation = simulation;
  }
  for (const t of s.runSheetDone ?? []) state.runSheetDone.set(t.taskId, t);
  return state;
}

/** A launch in the list: its settings' headline, its open alerts and where its clock stands. */
export function summary(state: LaunchState, nowMs: number, speed: number): LaunchSummary {
  let openAlerts = 0;
  for (const a of state.alerts.values()) if (a.status === 'open') openAlerts++;
  return {
    id: state.launch.id,
    name: state.launch.name,
    startAt: state.launch.startAt,
    durationMinutes: state.launch.durationMinutes,
    timezone: state.launch.timezone,
    clock: state.launch.clock,
    openAlerts,
    readings: state.readings.size,
    lastOffset: state.offset,
    now: launchTime(state, nowMs),
    speed,
    feed: feedState(state, nowMs),
    peopleSpeed: peopleSpeed(state),
  };
}
