/** The post-launch review (活动总结): GET /api/launches/:id/review. */
import { z } from 'zod';
import { Metric } from './metrics';
import { Direction, OwnerRole } from './playbook';

export const REVIEW_KPIS = ['uv', 'units', 'gmv', 'conversion', 'aov', 'sellThrough'] as const;
export const ReviewKpiKey = z.enum(REVIEW_KPIS);
export type ReviewKpiKey = z.infer<typeof ReviewKpiKey>;

export const REVIEW_KPI_LABELS: Record<ReviewKpiKey, { zh: string; en: string }> = {
  uv: { zh: '流量', en: 'Traffic' },
  units: { zh: '销量', en: 'Units sold' },
  gmv: { zh: '销售额', en: 'Sales' },
  conversion: { zh: '转化率', en: 'Conversion' },
  aov: { zh: '客单价', en: 'Average order value' },
  sellThrough: { zh: '售罄率', en: 'Sell-through' },
};

export const ReviewKpi = z.object({
  key: ReviewKpiKey,
  /** The plan's figure (targets, else the forecast's totals); null when there is none. */
  target: z.number().nullable(),
  actual: z.number().nullable(),
  /** actual / target; null without a target. */
  completion: z.number().nullable(),
});
export type ReviewKpi = z.infer<typeof ReviewKpi>;

export const ReviewCheckpointRow = z.object({
  checkpoint: z.number().int(),
  complete: z.boolean(),
  metric: Metric,
  actual: z.number(),
  forecast: z.number(),
  deviation: z.number().nullable(),
  breach: Direction.nullable(),
});
export type ReviewCheckpointRow = z.infer<typeof ReviewCheckpointRow>;

export const ReviewAlertRow = z.object({
  alertId: z.string(),
  kind: z.enum(['breach', 'data-gap']),
  checkpoint: z.number().int(),
  metric: Metric.nullable(),
  direction: Direction.nullable(),
  severity: z.enum(['warning', 'critical']),
  deviation: z.number().nullable(),
  owner: OwnerRole,
  status: z.enum(['open', 'acknowledged', 'cleared']),
  raisedAt: z.string(),
  escalated: z.boolean(),
  ackedBy: z.string().nullable(),
  ackedAt: z.string().nullable(),
  responseSeconds: z.number().nullable(),
  action: z.string().nullable(),
  note: z.string().nullable(),
});
export type ReviewAlertRow = z.infer<typeof ReviewAlertRow>;

export const ReviewTaskRow = z.object({
  taskId: z.string(),
  title: z.string(),
  owner: OwnerRole,
  dueAt: z.string(),
  status: z.enum(['done', 'late', 'due', 'overdue', 'upcoming']),
  doneBy: z.string().nullable(),
  doneAt: z.string().nullable(),
});
export type ReviewTaskRow = z.infer<typeof ReviewTaskRow>;

/** Cumulative forecast and actual at the end of each minute (actual null past the last reading). */
export const ReviewCurvePoint = z.object({
  minute: z.number().int(),
  forecastUv: z.number(),
  actualUv: z.number().nullable(),
  forecastUnits: z.number(),
  actualUnits: z.number().nullable(),
  forecastGmv: z.number(),
  actualGmv: z.number().nullable(),
});
export type ReviewCurvePoint = z.infer<typeof ReviewCurvePoint>;

export const LaunchReview = z.object({
  launch: z.object({
    id: z.string(),
    name: z.string(),
    startAt: z.string(),
    durationMinutes: z.number().int(),
    timezone: z.string(),
    tolerance: z.number(),
    stock: z.number().nullable(),
  }),
  generatedAt: z.string(),
  kpis: z.array(ReviewKpi),
  checkpoints: z.array(ReviewCheckpointRow),
  alerts: z.array(ReviewAlertRow),
  runSheet: z.array(ReviewTaskRow),
  curves: z.array(ReviewCurvePoint),
  /** The checkpoint comparisons furthest from forecast, largest first. */
  topDeviations: z.array(ReviewCheckpointRow),
});
export type LaunchReview = z.infer<typeof LaunchReview>;
