import { z } from 'zod';
import { Alert } from './alert';
import { Incident } from './incident';
import { CheckpointResult } from './checkpoint';
import { FeedState, ForecastMinute, Launch, LaunchWarning } from './launch';
import { Reading } from './reading';
import { RunSheetTick } from './runsheet';

export { FeedState };

export const SimulationInfo = z.object({
  simulationId: z.string(),
  launchId: z.string(),
  scenario: z.string(),
  speed: z.number(),
  seed: z.number().int(),
  running: z.boolean(),
});
export type SimulationInfo = z.infer<typeof SimulationInfo>;

/** Everything a screen needs to draw a launch: GET /api/launches/:id and `subscribe`. */
export const LaunchSnapshot = z.object({
  launch: Launch,
  readings: z.array(Reading),
  checkpoints: z.array(CheckpointResult),
  alerts: z.array(Alert),
  /** The incidents the alerts form (absent from servers before incidents). */
  incidents: z.array(Incident).optional(),
  /** Offset of the last event folded into this snapshot. */
  offset: z.number().int(),
  /** The launch clock (ISO) and how fast it runs against the wall (1 for live launches). */
  now: z.string(),
  speed: z.number(),
  feed: FeedState,
  /** Launch-clock time of the last accepted reading. */
  lastReadingAt: z.string().nullable(),
  /** The latest launch-clock time the log has seen (what a fold of the log knows as "now"). */
  logNow: z.string().optional(),
  simulation: SimulationInfo.nullable(),
  /** Run-sheet tasks ticked off so far (the tasks are `launch.runSheet`). */
  runSheetDone: z.array(RunSheetTick).optional(),
});
export type LaunchSnapshot = z.infer<typeof LaunchSnapshot>;

/** A launch without its per-minute curve: a year-long launch's is hundreds of thousands of points. */
export const LaunchHead = Launch.omit({ forecast: true });
export type LaunchHead = z.infer<typeof LaunchHead>;

/**
 * What `GET /api/launches/:id` answers: the snapshot, with `launch.forecast` only when asked for
 * (`?include=forecast`); `GET /api/launches/:id/forecast?from=&to=` serves a part of the curve.
 */
export const LaunchSnapshotAnswer = LaunchSnapshot.extend({
  launch: LaunchHead.extend({ forecast: z.array(ForecastMinute).optional() }),
});
export type LaunchSnapshotAnswer = z.infer<typeof LaunchSnapshotAnswer>;

/**
 * What `POST /api/launches` and `PUT /api/launches/:id` answer: the saved launch (with `warnings`
 * when there is something to look at again); with `Prefer: return=minimal`, without its curves.
 */
export const SavedLaunchAnswer = LaunchHead.extend({
  forecast: z.array(ForecastMinute).optional(),
  warnings: z.array(LaunchWarning).optional(),
});
export type SavedLaunchAnswer = z.infer<typeof SavedLaunchAnswer>;

/** The most minutes `GET /api/launches/:id/forecast` serves at once (a week). */
export const FORECAST_RANGE_MAX = 7 * 24 * 60;

/** `GET /api/launches/:id/forecast?from=&to=`: the planned minutes [from, to) that exist. */
export const ForecastRange = z.object({
  launchId: z.string(),
  from: z.number().int(),
  to: z.number().int(),
  durationMinutes: z.number().int(),
  /** Minutes of preheat before 开团: minutes −preheatMinutes … −1 are the preheat's plan. */
  preheatMinutes: z.number().int(),
  points: z.array(ForecastMinute),
});
export type ForecastRange = z.infer<typeof ForecastRange>;
