import { z } from 'zod';
import { issueError } from './i18n';
import { ComparedMetric } from './metrics';
import { Direction, OwnerRole, PlaybookEntry } from './playbook';
import { Diagnosis } from './diagnosis';
import { BudgetScopeSchema, TrafficChannel } from './channels';

/**
 * breach: a checkpoint outside ±tolerance; data-gap: minutes missing past the grace; low-stock: at
 * the current pace the stock runs out before the planned end; sold-out: it ran out (售罄); unpaid:
 * too many orders placed and not yet paid (待付款); budget: spend crossed a budget, or at the
 * current pace will within 30 minutes (超预算, to the 电商经理).
 */
export const ALERT_KINDS = ['breach', 'data-gap', 'low-stock', 'sold-out', 'unpaid', 'budget'] as const;
export const AlertKind = z.enum(ALERT_KINDS);
export type AlertKind = z.infer<typeof AlertKind>;
export const Severity = z.enum(['warning', 'critical']);
export type Severity = z.infer<typeof Severity>;
export const AlertStatus = z.enum(['open', 'acknowledged', 'cleared']);
export type AlertStatus = z.infer<typeof AlertStatus>;

export const AlertHistoryEntry = z.object({
  type: z.enum(['raised', 'updated', 'cleared', 'reopened', 'acknowledged', 'escalated']),
  at: z.string(),
  /** An acknowledgement made for the whole incident (by its handler). */
  incident: z.boolean().optional(),
  deviation: z.number().nullable().optional(),
  severity: Severity.optional(),
  by: z.string().optional(),
});
export type AlertHistoryEntry = z.infer<typeof AlertHistoryEntry>;

export const Alert = z.object({
  id: z.string(),
  launchId: z.string(),
  kind: AlertKind,
  /** The checkpoint (breach, data-gap), or the minute it was decided at (stock, unpaid). */
  checkpoint: z.number().int(),
  metric: ComparedMetric.nullable(),
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
  /** The incident this alert belongs to (absent in logs from before incidents). */
  incidentId: z.string().nullable().optional(),
  /** A sales breach: the funnel behind it; its plan and owner follow the cause. */
  diagnosis: Diagnosis.nullable().optional(),
  /** low-stock / sold-out: units left and the minute the pace says (or the stock did) run out. */
  stock: z.object({ remaining: z.number(), sellOutMinute: z.number().nullable() }).optional(),
  /** unpaid: orders placed and not paid inside the payment window, and when the oldest closes. */
  unpaid: z
    .object({
      orders: z.number(),
      amount: z.number(),
      share: z.number().nullable(),
      expiresAt: z.string().nullable(),
    })
    .optional(),
  /** A channel's traffic breach (visitors of that channel short of its plan). */
  channel: TrafficChannel.optional(),
  /** A traffic shortfall: the channels short of their plan at the checkpoint (the plan follows them). */
  shortChannels: z.array(TrafficChannel).optional(),
  /**
   * budget: which budget, its amount and the spend, whether spend crossed it or the pace says it
   * will (and the minute it did or will).
   */
  budget: z
    .object({
      scope: BudgetScopeSchema,
      budget: z.number(),
      spend: z.number(),
      crossing: z.enum(['crossed', 'projected']),
      minute: z.number().int(),
    })
    .optional(),
});
export type Alert = z.infer<typeof Alert>;

/** POST /api/alerts/:id/ack. `by` names the acting person until accounts arrive. */
export const AckInput = z.strictObject({
  by: z.string().trim().min(1, issueError('v.sayWho')).max(60).optional(),
  action: z.string().trim().max(200).optional(),
  note: z.string().trim().max(1000).optional(),
});
export type AckInput = z.infer<typeof AckInput>;

/** The newest `limit` alerts (by when they were raised), newest first: a bounded inbox. */
export function newestAlerts(alerts: readonly Alert[], limit: number): Alert[] {
  return [...alerts].sort((a, b) => Date.parse(b.raisedAt) - Date.parse(a.raisedAt)).slice(0, limit);
}
