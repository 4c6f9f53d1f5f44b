import { z } from 'zod';
import { Alert } from './alert';
import { CheckpointResult } from './checkpoint';
import { Launch } from './launch';
import { Reading } from './reading';
import { RunSheetTask } from './runsheet';

export const SCENARIOS = [
  'on-plan',
  'traffic-shortfall',
  'surge',
  'conversion-drop',
  'stockout',
  'feed-outage',
  'late-and-duplicate',
] as const;
export const Scenario = z.enum(SCENARIOS);
export type Scenario = z.infer<typeof Scenario>;

/**
 * The facts in a launch's append-only log. State is a fold of these; `now` fields are launch-clock
 * times (a simulation's clock runs faster than the wall).
 */
export const LaunchEventBody = z.discriminatedUnion('type', [
  z.object({ type: z.literal('launch.created'), launch: Launch }),
  z.object({ type: z.literal('reading.ingested'), reading: Reading, now: z.string() }),
  z.object({ type: z.literal('checkpoint.evaluated'), result: CheckpointResult }),
  z.object({ type: z.literal('alert.raised'), alert: Alert }),
  z.object({ type: z.literal('alert.updated'), alert: Alert }),
  z.object({ type: z.literal('alert.acknowledged'), alert: Alert }),
  z.object({ type: z.literal('alert.escalated'), alert: Alert }),
  z.object({ type: z.literal('clock.advanced'), now: z.string() }),
  z.object({
    type: z.literal('simulation.started'),
    simulationId: z.string(),
    scenario: Scenario,
    speed: z.number(),
    seed: z.number().int(),
    now: z.string(),
  }),
  z.object({
    type: z.literal('simulation.stopped'),
    simulationId: z.string(),
    reason: z.enum(['finished', 'stopped', 'interrupted']),
    now: z.string(),
  }),
  /** The run sheet was edited; `at` is launch-clock time. */
  z.object({
    type: z.literal('runsheet.updated'),
    runSheet: z.array(RunSheetTask),
    by: z.string(),
    at: z.string(),
  }),
  /**
   * The planner edited the launch (PUT /api/launches/:id): `launch` replaces the stored one;
   * the checkpoint and alert changes it implies follow as their own facts. `at` is launch-clock time.
   */
  z.object({ type: z.literal('launch.updated'), launch: Launch, by: z.string(), at: z.string() }),
  /** A run-sheet task was ticked off by its owner. */
  z.object({ type: z.literal('runsheet.task.done'), taskId: z.string(), by: z.string(), at: z.string() }),
]);
export type LaunchEventBody = z.infer<typeof LaunchEventBody>;
export type LaunchEventType = LaunchEventBody['type'];

/** A log line: the fact, its 1-based offset in the launch's log and the wall time it was written. */
export const LaunchEvent = z.intersection(
  z.object({ offset: z.number().int().positive(), launchId: z.string(), recordedAt: z.string() }),
  LaunchEventBody,
);
export type LaunchEvent = LaunchEventBody & { offset: number; launchId: string; recordedAt: string };
