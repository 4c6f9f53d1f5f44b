import { z } from 'zod';
import { Metric } from './metrics';
import { Direction, OwnerRole, PlaybookEntry } from './playbook';

export const AlertKind = z.enum(['breach', 'data-gap']);
export const Severity = z.enum(['warning', 'critical']);
export type Severity = z.infer<typeof Severity>;
export const AlertStatus = z.enum(['open', 'acknowledged', 'cleared']);
export type AlertStatus = z.infer<typeof AlertStatus>;

export const AlertHistoryEntry = z.object({
  type: z.enum(['raised', 'updated', 'cleared', 'reopened', 'acknowledged', 'escalated']),
  at: z.string(),
  deviation: z.number().nullable().optional(),
  severity: Severity.optional(),
  by: z.string().optional(),
});
export type AlertHistoryEntry = z.infer<typeof AlertHistoryEntry>;

export const Alert = z.object({
  id: z.string(),
  launchId: z.string(),
  kind: AlertKind,
  checkpoint: z.number().int(),
  metric: Metric.nullable(),
  direction: Direction.nullable(),
  severity: Severity,
  deviation: z.number().nullable(),
  actual: z.number().nullable(),
  forecast: z.number().nullable(),
  /** Minutes missing from the window (data-gap alerts). */
  missingMinutes: z.array(z.number().int()),
  plan: PlaybookEntry,
  owner: OwnerRole,
  status: AlertStatus,
  raisedAt: z.string(),
  updatedAt: z.string(),
  escalated: z.boolean(),
  escalatedAt: z.string().nullable(),
  escalatedTo: OwnerRole.nullable(),
  ackedBy: z.string().nullable(),
  ackedAt: z.string().nullable(),
  action: z.string().nullable(),
  note: z.string().nullable(),
  history: z.array(AlertHistoryEntry),
});
export type Alert = z.infer<typeof Alert>;

/** POST /api/alerts/:id/ack. `by` names the acting person until accounts arrive. */
export const AckInput = z.strictObject({
  by: z.string().trim().min(1, { error: 'say who is acknowledging' }).max(60).optional(),
  action: z.string().trim().max(200).optional(),
  note: z.string().trim().max(1000).optional(),
});
export type AckInput = z.infer<typeof AckInput>;
