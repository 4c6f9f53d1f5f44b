import { z } from 'zod';
import { Direction } from './playbook';
import { Metric } from './metrics';
import { Severity } from './alert';

export const MetricComparison = z.object({
  metric: Metric,
  actual: z.number(),
  forecast: z.number(),
  /** actual / forecast − 1; null when the forecast is 0 (nothing to compare against). */
  deviation: z.number().nullable(),
  breach: Direction.nullable(),
  severity: Severity.nullable(),
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
});
export type CheckpointResult = z.infer<typeof CheckpointResult>;

/** How a checkpoint stands on the timeline. */
export type CheckpointState = 'pending' | 'within' | 'breached' | 'incomplete';
