/**
 * When a launch next needs its clock: the instant at which `tick` (commands.ts) would first record
 * something, and the instant its feed state next changes. The server's scheduler sleeps until then
 * instead of ticking every launch all the time, so these mirror `tick` rule for rule: a deadline
 * missed here is an alert missing on launch day.
 */
import { type LaunchState, feedChangesAtMs } from '@warroom/shared';
import { checkpointGraceEndsMs, isComplete, nextEscalationMs, overdueAtCreation } from './checkpoints';

/**
 * The first launch-clock instant at or after `nowMs` at which `tick(state, ·)` records something, or
 * null when no instant will (the state as it is; every command that records something may move
 * it). `tick` at any instant in [nowMs, answer) records nothing; at the answer it records.
 *
 * - an incident, or an alert outside any incident, escalates at its escalation time;
 * - a complete checkpoint not yet evaluated is evaluated at once (nowMs);
 * - an incomplete one is evaluated (with its data-gap alert) at its grace deadline — unless its grace
 *   had run out when the launch was created (it waits for its data) — and no earlier than the grace
 *   deadlines of the unevaluated, incomplete checkpoints before it (`tick` goes in order and stops
 *   at the first one still within its grace).
 */
export function nextTickMs(state: LaunchState, nowMs: number): number | null {
  let next = nextEscalationMs(state);
  // The instant `tick` gets past every unevaluated incomplete checkpoint so far.
  let reach = -Infinity;
  for (const t of state.launch.checkpoints) {
    if (state.checkpoints.has(t)) continue;
    if (isComplete(state, t)) {
      if (next === null || reach < next) next = reach;
      continue;
    }
    const grace = checkpointGraceEndsMs(state, t);
    const at = Math.max(reach, grace);
    if (!overdueAtCreation(state, t) && (next === null || at < next)) next = at;
    reach = at;
  }
  return next === null ? null : Math.max(next, nowMs);
}

/** What a launch waits for on its clock: `tick`'s next record and the feed's next change. */
export interface NextDue {
  /** `nextTickMs`. */
  tickMs: number | null;
  /** `feedChangesAtMs` (shared/view.ts): the first instant the feed state may differ. */
  feedMs: number | null;
}

export function nextDue(state: LaunchState, nowMs: number): NextDue {
  return { tickMs: nextTickMs(state, nowMs), feedMs: feedChangesAtMs(state, nowMs) };
}
