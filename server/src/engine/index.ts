/**
 * The domain engine: pure TypeScript, no I/O. Readings, forecast and the launch clock in;
 * checkpoint results and alert changes out, as facts for the event log. Every command decides
 * against a launch's state (shared/src/fold.ts, the one fold) and folds what it decides into it.
 * Code outside the engine imports it through this index only.
 */
export { createLaunch } from './launch';
export { resolveForecast, templateForecast, templatePreheat, templateWeight, cumulative } from './forecast';
export type { ForecastMinute } from './forecast';
export {
  alertId,
  evaluate,
  checkpointDueMs,
  checkpointGraceEndsMs,
  overdueAtCreation,
  isComplete,
  nextEscalationMs,
  forecastPrefix,
} from './checkpoints';
export {
  ingest,
  tick,
  escalate,
  acknowledge,
  acknowledgeIncidentCommand,
  clockMinute,
  startSimulation,
  stopSimulation,
  simulationStep,
  FUTURE_TOLERANCE_MINUTES,
} from './commands';
export type { IngestOutcome, AckOutcome, IncidentAckOutcome, SimulationSettings, Delivery } from './commands';
export { nextTickMs, nextDue } from './schedule';
export type { NextDue } from './schedule';
export { funnel, diagnose } from './diagnosis';
export type { Funnel, Ratio } from './diagnosis';
export { storyOf } from './incidents';
export { soldOutMinute } from './stock';
export { updateRunSheet, tickOffTask } from './runsheet';
export type { RunSheetOutcome } from './runsheet';
export { updateLaunch, updateIssues } from './update';
export type { UpdateOutcome, UpdateIssue } from './update';
export { routeNotification, recordDelivery } from './notify';
