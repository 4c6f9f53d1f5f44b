import { z } from 'zod';
import { Direction } from './playbook';
import { ComparedMetric } from './metrics';
import { Diagnosis } from './diagnosis';
import { Severity } from './alert';
import { TrafficChannel } from './channels';

export const MetricComparison = z.object({
  metric: ComparedMetric,
  actual: z.number(),
  forecast: z.number(),
  /** actual / forecast − 1; null when the forecast is 0 (nothing to compare against). */
  deviation: z.number().nullable(),
  breach: Direction.nullable(),
  severity: Severity.nullable(),
  /** A breach not raised: sales below plan after the item sold out are a success (售罄), not a miss. */
  suppressed: z.literal('sold-out').optional(),
  /** A channel's visitors against its plan (in `channels`; the metric is uv). */
  channel: TrafficChannel.optional(),
});
export type MetricComparison = z.infer<typeof MetricComparison>;

/**
 * A checkpoint result: cumulative actual vs forecast over minutes [0, T). An incomplete result
 * compares only the minutes that arrived (and lists the missing ones).
 */
export const CheckpointResult = z.object({
  checkpoint: z.number().int(),
  complete: z.boolean(),
  missingMinutes: z.array(z.number().int()),
  evaluatedAt: z.string(),
  revision: z.number().int(),
  metrics: z.array(MetricComparison),
  /** The funnel behind GMV over the window, when visitors, buyers and GMV all have a plan. */
  diagnosis: Diagnosis.nullable().optional(),
  /** The minute the item sold out (售罄) if it did before the window closed. */
  soldOutMinute: z.number().int().nullable().optional(),
  /**
   * Visitors by channel against the channel plan, over the window's minutes that carry a channel
   * breakdown (checkpoints comparing visitors, launches with a channel plan).
   */
  channels: z.array(MetricComparison).optional(),
});
export type CheckpointResult = z.infer<typeof CheckpointResult>;

/** How a checkpoint stands on the timeline. */
export type CheckpointState = 'pending' | 'within' | 'breached' | 'incomplete';
