import { z } from 'zod';
import { Alert } from './alert';
import { Incident } from './incident';
import { CheckpointResult } from './checkpoint';
import { FeedState, Launch } from './launch';

export { FeedState };
import { Reading } from './reading';
import { RunSheetTick } from './runsheet';

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
