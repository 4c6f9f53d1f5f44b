/**
 * The domain engine: pure TypeScript, no I/O. Readings, forecast and the launch clock in;
 * checkpoint results and alert changes out, as facts for the event log.
 */
export { createLaunch } from './launch';
export { resolveForecast, templateForecast, templateWeight, cumulative } from './forecast';
export type { ForecastMinute } from './forecast';
export { compare, toMicro, fromMicro } from './exact';
export { type LaunchState, initialState, apply, clockMinute } from './state';
export {
  alertId,
  evaluate,
  checkpointDueMs,
  checkpointGraceEndsMs,
  overdueAtCreation,
  isComplete,
} from './checkpoints';
export { ingest, tick, acknowledge, FUTURE_TOLERANCE_MINUTES } from './commands';
export type { IngestOutcome, AckOutcome } from './commands';
export { feedState, snapshot, summary, STALE_AFTER_MS } from './view';
export { updateRunSheet, tickOffTask } from './runsheet';
export type { RunSheetOutcome } from './runsheet';
export { updateLaunch, updateIssues } from './update';
export type { UpdateOutcome, UpdateIssue } from './update';
