/**
 * Run-sheet commands: edit the tasks, tick one off. Like every command they decide against the
 * state at a launch-clock time, fold their facts in, and return them for the log.
 */
import {
  type LaunchEventBody,
  type LaunchState,
  type RunSheetTask,
  launchTime,
  runSheetOf,
} from '@warroom/shared';
import { record } from './record';

export type RunSheetOutcome =
  { ok: true; events: LaunchEventBody[] } | { ok: false; code: 'not_found'; message: string };

export function updateRunSheet(
  state: LaunchState,
  runSheet: RunSheetTask[],
  by: string,
  nowMs: number,
): LaunchEventBody[] {
  const events: LaunchEventBody[] = [];
  record(state, events, { type: 'runsheet.updated', runSheet, by, at: launchTime(state, nowMs) });
  return events;
}

/** Ticks a task off. Like an acknowledgement, the first tick stands; a second records nothing. */
export function tickOffTask(state: LaunchState, taskId: string, by: string, nowMs: number): RunSheetOutcome {
  if (!runSheetOf(state.launch).some((t) => t.id === taskId))
    return { ok: false, code: 'not_found', message: `no task ${taskId} in this launch's run sheet` };
  if (state.runSheetDone.has(taskId)) return { ok: true, events: [] };
  const events: LaunchEventBody[] = [];
  record(state, events, { type: 'runsheet.task.done', taskId, by, at: launchTime(state, nowMs) });
  return { ok: true, events };
}
