/**
 * A screen's copy of one launch (or replay): the shared fold's state (shared/src/fold.ts — the
 * same `evolve` the server's engine uses), started from a snapshot and then fed the log's facts in
 * offset order, each exactly once; plus the launch clock as this browser extrapolates it. Pure
 * functions; the store slice only calls them.
 */
import {
  type FeedState,
  type LaunchEvent,
  type LaunchSnapshot,
  type LaunchState,
  cloneState,
  evolveLogged,
  feedState,
  fromSnapshot as stateFromSnapshot,
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
  /**
   * Wall time the connection went down: the clock holds what it showed then (时钟暂停) until the
   * server tells it the time again. Extrapolating blind ran a simulated launch's clock on while
   * its server was dead, and it jumped back on reconnect.
   */
  pausedAt: number | null;
  /** The clock never shows less than this (what it showed when it last learnt the time). */
  floorMs: number;
}

/** A clock that knows launch time `nowMs` at wall time `at`. */
export function clockAt(nowMs: number, at: number, speed: number): LaunchClock {
  return { nowMs, at, speed, pausedAt: null, floorMs: -Infinity };
}

/**
 * The clock after the server told the time again. It resumes if it was paused, and a time behind
 * what the screen already showed (the browser extrapolated a little ahead, or a restarted
 * simulation resumed from its last stored tick) holds the shown time until the clock passes it,
 * instead of jumping back. `monotonic: false` (a replay's seek) takes the time as it is.
 */
export function retime(
  clock: LaunchClock,
  nowMs: number,
  speed: number,
  wallNow: number,
  monotonic = true,
): LaunchClock {
  const next = clockAt(nowMs, wallNow, speed);
  return monotonic ? { ...next, floorMs: launchNow(clock, wallNow) } : next;
}

/** The clock held at what it shows at `wallNow` (the connection went down then). */
export function pauseClock(clock: LaunchClock, wallNow: number): LaunchClock {
  return clock.pausedAt !== null ? clock : { ...clock, pausedAt: wallNow };
}

/** What a screen holds for a launch: the folded state and the clock. */
export interface LaunchView extends LaunchState {
  clock: LaunchClock;
}

function bounded<K, V>(map: Map<K, V>, max: number): void {
  while (map.size > max) {
    const first = map.keys().next();
    if (first.done) break;
    map.delete(first.value);
  }
}

function bound(state: LaunchState): void {
  bounded(state.readings, MAX_READINGS);
  bounded(state.alerts, MAX_ALERTS);
}

export function fromSnapshot(s: LaunchSnapshot, wallNow: number): LaunchView {
  const state = stateFromSnapshot(s);
  bound(state);
  const now = Date.parse(s.now);
  return { ...state, clock: clockAt(Number.isNaN(now) ? wallNow : now, wallNow, s.speed) };
}

/**
 * The launch clock extrapolated to a wall instant (at the launch's speed). While paused it holds
 * the instant the connection went down, whatever `wallNow` a render brings: a render that still
 * carries the previous timer tick's wall time would otherwise show an earlier time first, and the
 * held clock would then step forward once.
 */
export function launchNow(clock: LaunchClock, wallNow: number): number {
  const wall = clock.pausedAt === null ? wallNow : clock.pausedAt;
  return Math.max(clock.floorMs, clock.nowMs + (wall - clock.at) * clock.speed);
}

/** The feed's liveness as the screen's clock sees it (the server's rule, shared). */
export function feedOf(view: LaunchView, wallNow: number): FeedState {
  return feedState(view, launchNow(view.clock, wallNow));
}

/**
 * Folds logged facts in, each once (facts at or below the view's offset were folded already). The
 * clock moves on to the latest time the facts carry, unless that is behind what it shows by more
 * than a second's worth of launch time; a simulation's start sets its speed.
 */
export function applyEvents(view: LaunchView, events: readonly LaunchEvent[], wallNow: number): LaunchView {
  const fresh = events.filter((e) => e.offset > view.offset);
  if (fresh.length === 0) return view;
  const next = cloneState(view) as LaunchView;
  for (const e of fresh) evolveLogged(next, e);
  bound(next);
  let clock = view.clock;
  if (next.nowMs >= launchNow(clock, wallNow) - 1000 * clock.speed)
    clock = retime(clock, next.nowMs, clock.speed, wallNow);
  const started = fresh.findLast((e) => e.type === 'simulation.started');
  if (started?.type === 'simulation.started') clock = { ...clock, speed: started.speed };
  return { ...next, clock };
}

export type FoldOutcome = 'applied' | 'duplicate' | 'gap';

/** Where a batch starting at `offset` stands: next in line, already seen, or ahead of a gap. */
export function placeOf(view: LaunchView, offset: number): FoldOutcome {
  if (offset <= view.offset) return 'duplicate';
  if (offset > view.offset + 1) return 'gap';
  return 'applied';
}
