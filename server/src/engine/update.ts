/**
 * Editing a launch (the planner's PUT): the new settings replace the old as one fact, then every
 * checkpoint they touch is evaluated again under them. Like every command it decides against the
 * state at a launch-clock time, folds its facts in and returns them.
 */
import {
  type Launch,
  type LaunchEventBody,
  type LaunchState,
  checkpointMetricsOf,
  launchTime,
} from '@warroom/shared';
import { clearAlert } from './alerts';
import { evaluateCheckpoint, isComplete } from './checkpoints';
import { evaluateStock, evaluateUnpaid } from './stock';
import { evaluateBudgets } from './budget';
import { record } from './record';

/** Why an edit cannot be made, tied to the field a planner has to change. */
export interface UpdateIssue {
  path: string[];
  message: string;
}

export type UpdateOutcome =
  | { ok: true; launch: Launch; events: LaunchEventBody[] }
  | { ok: false; code: 'conflict'; message: string; issues: UpdateIssue[] };

/**
 * What the stored readings rule out. Minutes are offsets from 开团, so once readings are in, moving
 * 开团 (or reading its local time in another zone) would silently re-date every one of them; and
 * a launch cannot end before a minute that already has a reading.
 */
export function updateIssues(state: LaunchState, next: Launch): UpdateIssue[] {
  const issues: UpdateIssue[] = [];
  const current = state.launch;
  if (next.id !== current.id)
    issues.push({ path: ['id'], message: `the launch id cannot change (${current.id})` });
  if (state.readings.size === 0) return issues;
  const n = state.readings.size;
  const has = `the launch already has readings for ${n} minute${n === 1 ? '' : 's'}`;
  if (Date.parse(next.startAt) !== state.startMs)
    issues.push({
      path: ['startAt'],
      message: `开团 time cannot move (${current.startAt}): ${has}, which would shift to other minutes`,
    });
  if (next.timezone !== current.timezone)
    issues.push({
      path: ['timezone'],
      message: `the time zone cannot change (${current.timezone}): ${has}`,
    });
  let last = -Infinity;
  for (const m of state.readings.keys()) if (m > last) last = m;
  if (next.durationMinutes <= last)
    issues.push({
      path: ['durationMinutes'],
      message: `the launch must last at least ${last + 1} minutes: minute ${last} already has a reading`,
    });
  return issues;
}

/**
 * Replaces the launch's settings with `next` (a full launch, resolved like a new one) and
 * re-evaluates: every evaluated checkpoint still in the launch is evaluated again under the new
 * forecast, tolerance, metrics and playbook (its alerts updated in place, cleared when the breach
 * is gone, raised for new breaches); checkpoints dropped from the launch keep their results but
 * their alerts are cleared, as are alerts of metrics no longer compared; newly added checkpoints
 * whose minutes are all in are evaluated. An identical launch records nothing.
 */
export function updateLaunch(state: LaunchState, next: Launch, by: string, nowMs: number): UpdateOutcome {
  const issues = updateIssues(state, next);
  if (issues.length > 0)
    return {
      ok: false,
      code: 'conflict',
      message: issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; '),
      issues,
    };
  const events: LaunchEventBody[] = [];
  if (JSON.stringify(next) === JSON.stringify(state.launch)) return { ok: true, launch: next, events };
  record(state, events, { type: 'launch.updated', launch: next, by, at: launchTime(state, nowMs) });
  const checkpoints = new Set(next.checkpoints);

  for (const t of next.checkpoints) {
    if (state.checkpoints.has(t)) evaluateCheckpoint(state, t, nowMs, events, true);
    else if (isComplete(state, t)) evaluateCheckpoint(state, t, nowMs, events);
  }
  for (const alert of [...state.alerts.values()]) {
    if (alert.kind !== 'breach' && alert.kind !== 'data-gap') continue; // stock and payments: below
    const gone = !checkpoints.has(alert.checkpoint);
    const notCompared =
      alert.kind === 'breach' &&
      alert.metric !== null &&
      !checkpointMetricsOf(next, alert.checkpoint).includes(alert.metric);
    if (gone || notCompared) clearAlert(state, alert, launchTime(state, nowMs), events);
  }
  // Stock and payments under the new settings (the stock or the payment window may have changed).
  evaluateStock(state, nowMs, events);
  evaluateUnpaid(state, nowMs, events);
  evaluateBudgets(state, nowMs, events);
  return { ok: true, launch: next, events };
}
