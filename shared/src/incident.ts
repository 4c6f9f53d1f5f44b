/**
 * Incidents (事件): the breaches that tell one story, handled once. The same story persisting
 * across checkpoints (a traffic shortfall at T+15, T+25, T+45) and the metrics one cause explains
 * at one checkpoint (visitors, units and GMV all short because traffic is) are one incident: one
 * owner, one plan, one acknowledgement, one escalation, one notification — while every checkpoint's
 * evaluation stays in its history. It re-notifies (and re-opens if acknowledged) only when it gets
 * materially worse: into critical, or another tolerance step further from plan.
 */
import { z } from 'zod';
import { Severity } from './alert';
import { Diagnosis } from './diagnosis';
import { TrafficChannel } from './channels';
import { ComparedMetric } from './metrics';
import { Direction, OwnerRole, PlaybookEntry } from './playbook';

export const IncidentStatus = z.enum(['open', 'acknowledged', 'resolved']);
export type IncidentStatus = z.infer<typeof IncidentStatus>;

/** One checkpoint's look at the story (kept for every checkpoint, updated when it is revised). */
export const IncidentEvaluation = z.object({
  checkpoint: z.number().int(),
  at: z.string(),
  /** Null once a revision took the breach away (the entry stays, as history). */
  severity: Severity.nullable(),
  /** The lead metric's deviation (GMV for a sales story, else the metric furthest off). */
  deviation: z.number().nullable(),
  /** The lead metric itself; absent for stock and unpaid looks (and in logs written before it was). */
  metric: ComparedMetric.optional(),
  metrics: z.array(
    z.object({
      metric: ComparedMetric,
      /** A channel's visitors (the metric is uv). */
      channel: TrafficChannel.optional(),
      deviation: z.number().nullable(),
      severity: Severity.nullable(),
    }),
  ),
  diagnosis: Diagnosis.nullable(),
});
export type IncidentEvaluation = z.infer<typeof IncidentEvaluation>;

export const IncidentHistoryEntry = z.object({
  type: z.enum(['opened', 'updated', 'worsened', 'acknowledged', 'escalated', 'resolved', 'reopened']),
  at: z.string(),
  checkpoint: z.number().int().optional(),
  severity: Severity.optional(),
  deviation: z.number().nullable().optional(),
  by: z.string().optional(),
  action: z.string().nullable().optional(),
  note: z.string().nullable().optional(),
});
export type IncidentHistoryEntry = z.infer<typeof IncidentHistoryEntry>;

export const Incident = z.object({
  /** `<launchId>-i-<key>`: one incident per story and launch. */
  id: z.string(),
  launchId: z.string(),
  /** The story: `traffic-under`, `conversion-under`, `order-value-over`, `stock`, `unpaid`, `data-gap`, … */
  key: z.string(),
  kind: z.enum(['breach', 'data-gap', 'stock', 'unpaid', 'budget']),
  cause: z.enum(['traffic', 'conversion', 'order-value']).nullable(),
  /** The lead metric of the latest evaluation. */
  metric: ComparedMetric.nullable(),
  direction: Direction.nullable(),
  severity: Severity,
  status: IncidentStatus,
  /** The latest checkpoint (or minute) that showed it, and the lead deviation there. */
  checkpoint: z.number().int(),
  deviation: z.number().nullable(),
  diagnosis: Diagnosis.nullable(),
  plan: PlaybookEntry,
  owner: OwnerRole,
  /** How many alerts belong to it (they carry its id as `incidentId`). */
  alertCount: z.number().int(),
  /** The checkpoints' looks at it, oldest first; the most recent MAX_INCIDENT_EVALUATIONS are kept. */
  evaluations: z.array(IncidentEvaluation),
  openedAt: z.string(),
  updatedAt: z.string(),
  /** What the room was last told (opening, or the last material worsening). */
  notified: z.object({ severity: Severity, deviation: z.number().nullable(), at: z.string() }),
  escalated: z.boolean(),
  escalatedAt: z.string().nullable(),
  escalatedTo: OwnerRole.nullable(),
  ackedBy: z.string().nullable(),
  ackedAt: z.string().nullable(),
  action: z.string().nullable(),
  note: z.string().nullable(),
  history: z.array(IncidentHistoryEntry),
  /** A traffic shortfall: the channels short of plan at its latest checkpoint. */
  shortChannels: z.array(TrafficChannel).optional(),
});
export type Incident = z.infer<typeof Incident>;

/** Evaluations an incident keeps (a year-long story's older ones stay in the log's checkpoints). */
export const MAX_INCIDENT_EVALUATIONS = 50;

/** The incident id for a story of a launch. */
export function incidentId(launchId: string, key: string): string {
  return `${launchId}-i-${key}`;
}
