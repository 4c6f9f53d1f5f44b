/** Read models over a launch's state: the snapshot screens draw from, and the feed's liveness. */
import type { FeedState, LaunchSnapshot, LaunchSummary } from '@warroom/shared';
import { MINUTE_MS } from '@warroom/shared';
import { iso } from './checkpoints';
import type { LaunchState } from './state';

/** A feed with no reading for this long (launch clock) is stale. */
export const STALE_AFTER_MS = 2 * MINUTE_MS;

export function feedState(state: LaunchState, nowMs: number): FeedState {
  const endMs = state.startMs + state.launch.durationMinutes * MINUTE_MS;
  if (nowMs >= endMs) return 'ended';
  const last = state.lastReadingAtMs;
  if (nowMs < state.startMs && last === null) return 'waiting';
  if (last === null) return nowMs - state.startMs > STALE_AFTER_MS ? 'stale' : 'waiting';
  return nowMs - last > STALE_AFTER_MS ? 'stale' : 'live';
}

export function snapshot(state: LaunchState, nowMs: number, speed: number): LaunchSnapshot {
  return {
    launch: state.launch,
    readings: [...state.readings.values()].sort((a, b) => a.minute - b.minute),
    checkpoints: [...state.checkpoints.values()].sort((a, b) => a.checkpoint - b.checkpoint),
    alerts: [...state.alerts.values()],
    offset: state.offset,
    now: iso(state, nowMs),
    speed,
    feed: feedState(state, nowMs),
    lastReadingAt: state.lastReadingAtMs === null ? null : iso(state, state.lastReadingAtMs),
    simulation: state.simulation ? { ...state.simulation, launchId: state.launch.id } : null,
    runSheetDone: [...state.runSheetDone.values()],
  };
}

export function summary(state: LaunchState): LaunchSummary {
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
  };
}
