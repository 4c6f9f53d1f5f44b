import { z } from 'zod';
import { type LabelPair, labelsOf } from './i18n';
import { Alert } from './alert';
import { Incident } from './incident';
import { DeliveryAttempt, NotificationDue } from './notify';
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
  'paid-shortfall',
  'overspend',
] as const;
export const Scenario = z.enum(SCENARIOS);
export type Scenario = z.infer<typeof Scenario>;

export const SCENARIO_LABELS: Record<Scenario, LabelPair> = labelsOf(SCENARIOS, (s) => `scenario.${s}`);

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
  /**
   * Incidents: opened with the first breach of a story; updated in place as its figures change;
   * worsened when materially worse (re-notify; reopens an acknowledged one); acknowledged (its
   * alerts too); escalated; resolved when a later checkpoint shows the story over; reopened when it
   * comes back. Each carries the whole incident.
   */
  z.object({ type: z.literal('incident.opened'), incident: Incident }),
  z.object({ type: z.literal('incident.updated'), incident: Incident }),
  z.object({ type: z.literal('incident.worsened'), incident: Incident }),
  z.object({ type: z.literal('incident.acknowledged'), incident: Incident }),
  z.object({ type: z.literal('incident.escalated'), incident: Incident }),
  z.object({ type: z.literal('incident.resolved'), incident: Incident }),
  z.object({ type: z.literal('incident.reopened'), incident: Incident }),
  /** A run-sheet task was ticked off by its owner. */
  z.object({ type: z.literal('runsheet.task.done'), taskId: z.string(), by: z.string(), at: z.string() }),
  /** A message is due to the channels (decided with the incident fact it announces). */
  z.object({ type: z.literal('notification.due'), notification: NotificationDue }),
  /** The sender chose the channels a due message goes to (routing is the channels' configuration). */
  z.object({
    type: z.literal('notification.routed'),
    key: z.string(),
    channels: z.array(z.string()),
    at: z.string(),
  }),
  /** One attempt to deliver to one channel: sent, failed (for good) or retrying (with when). */
  z.object({ type: z.literal('notification.delivery'), delivery: DeliveryAttempt }),
]);
export type LaunchEventBody = z.infer<typeof LaunchEventBody>;
export type LaunchEventType = LaunchEventBody['type'];

/** A log line: the fact, its 1-based offset in the launch's log and the wall time it was written. */
export const LaunchEvent = z.intersection(
  z.object({ offset: z.number().int().positive(), launchId: z.string(), recordedAt: z.string() }),
  LaunchEventBody,
);
export type LaunchEvent = LaunchEventBody & { offset: number; launchId: string; recordedAt: string };

/** The facts of an incident's life (`incident.opened` … `incident.reopened`): each carries the whole incident. */
export type IncidentFact<E extends { type: string } = LaunchEventBody> = Extract<
  E,
  { type: `incident.${string}` }
>;

/** Whether a fact is one of an incident's, which every reader treats alike (the incident replaces the stored one). */
export function isIncidentFact<E extends { type: string }>(e: E): e is IncidentFact<E> {
  return e.type.startsWith('incident.');
}
