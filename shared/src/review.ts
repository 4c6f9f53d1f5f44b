/** The post-launch review (活动总结): GET /api/launches/:id/review. */
import { z } from 'zod';
import { type LabelPair, labelsOf } from './i18n';
import { ComparedMetric } from './metrics';
import { AlertKind, Severity } from './alert';
import { Diagnosis } from './diagnosis';
import { Incident } from './incident';
import { Direction, OwnerRole } from './playbook';
import { ReviewChannels } from './channels';

/**
 * conversion: paid buyers per visitor (转化率); aov: GMV per paid buyer (客单价); payRate: paid per
 * placed order (下单-支付转化率, only when readings carry placedOrders); fav/cart: 收藏/加购 over the
 * preheat and the launch.
 */
export const REVIEW_KPIS = [
  'uv',
  'units',
  'gmv',
  'conversion',
  'aov',
  'sellThrough',
  'payRate',
  'fav',
  'cart',
] as const;
export const ReviewKpiKey = z.enum(REVIEW_KPIS);
export type ReviewKpiKey = z.infer<typeof ReviewKpiKey>;

export const REVIEW_KPI_LABELS: Record<ReviewKpiKey, LabelPair> = labelsOf(
  REVIEW_KPIS,
  (k) => `reviewKpi.${k}`,
);

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
  metric: ComparedMetric,
  actual: z.number(),
  forecast: z.number(),
  deviation: z.number().nullable(),
  breach: Direction.nullable(),
  /** The engine's severity of the breach (null within). */
  severity: Severity.nullable(),
  /** Sales under plan after the sell-out are recorded, not raised (售罄). */
  suppressed: z.literal('sold-out').nullable(),
  /** The incident whose history holds this evaluation (its story's breach at this checkpoint). */
  incidentId: z.string().nullable(),
});
export type ReviewCheckpointRow = z.infer<typeof ReviewCheckpointRow>;

/** How an alert or incident was handled: escalated, who acknowledged it, when, how fast, what they did. */
const Handling = z.object({
  escalated: z.boolean(),
  ackedBy: z.string().nullable(),
  ackedAt: z.string().nullable(),
  /** Real seconds from raising (opening) to the acknowledgement (a simulation's clock runs faster). */
  responseSeconds: z.number().nullable(),
  action: z.string().nullable(),
  note: z.string().nullable(),
});

export const ReviewAlertRow = z.object({
  alertId: z.string(),
  kind: AlertKind,
  checkpoint: z.number().int(),
  metric: ComparedMetric.nullable(),
  direction: Direction.nullable(),
  severity: z.enum(['warning', 'critical']),
  deviation: z.number().nullable(),
  owner: OwnerRole,
  status: z.enum(['open', 'acknowledged', 'cleared']),
  raisedAt: z.string(),
  ...Handling.shape,
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

/** An incident (事件) afterwards: its story, every checkpoint that looked at it, who took it on and how fast. */
export const ReviewIncidentRow = z.object({
  incidentId: z.string(),
  key: z.string(),
  kind: Incident.shape.kind,
  cause: Incident.shape.cause,
  metric: ComparedMetric.nullable(),
  direction: Direction.nullable(),
  severity: Severity,
  status: Incident.shape.status,
  owner: OwnerRole,
  openedAt: z.string(),
  /** The checkpoints (or minutes) of its evaluations, oldest first. */
  checkpoints: z.array(z.number().int()),
  /** The lead deviation at the worst of its evaluations. */
  worstDeviation: z.number().nullable(),
  alertCount: z.number().int(),
  ...Handling.shape,
});
export type ReviewIncidentRow = z.infer<typeof ReviewIncidentRow>;

/** Stock afterwards: what sold, what is left, and when it sold out (售罄). */
export const ReviewStock = z.object({
  stock: z.number(),
  sold: z.number(),
  remaining: z.number(),
  /** The minute cumulative sales reached the stock, and that instant's end (T+mm), or null. */
  soldOutMinute: z.number().int().nullable(),
  soldOutAt: z.string().nullable(),
});
export type ReviewStock = z.infer<typeof ReviewStock>;

/** Orders placed against paid (待付款, closed), when readings carried what was placed. */
export const ReviewOrders = z.object({
  placedOrders: z.number(),
  placedAmount: z.number(),
  paidOrders: z.number(),
  paidAmount: z.number(),
  /** Still inside the payment window at the last reading. */
  unpaidOrders: z.number(),
  unpaidAmount: z.number(),
  /** Placed, never paid, past the window: closed. */
  closedOrders: z.number(),
  closedAmount: z.number(),
  /** Paid per placed order (null when none were placed). */
  payRate: z.number().nullable(),
  paymentWindowMinutes: z.number().int(),
});
export type ReviewOrders = z.infer<typeof ReviewOrders>;

/** 收藏/加购 in the preheat (预热) and after 开团, against the plan of the same minutes. */
export const ReviewEngagementRow = z.object({
  phase: z.enum(['preheat', 'launch']),
  fav: z.number(),
  forecastFav: z.number(),
  cart: z.number(),
  forecastCart: z.number(),
});
export type ReviewEngagementRow = z.infer<typeof ReviewEngagementRow>;

/** Buyers new to the shop and returning, over the minutes whose readings carry newBuyers. */
export const ReviewBuyers = z.object({
  minutes: z.number().int(),
  paidBuyers: z.number(),
  newBuyers: z.number(),
  returningBuyers: z.number(),
  /** newBuyers / paidBuyers (null without paid buyers). */
  newShare: z.number().nullable(),
  /** The plan's new buyers over the same minutes, when it has them. */
  forecastNewBuyers: z.number().nullable(),
});
export type ReviewBuyers = z.infer<typeof ReviewBuyers>;

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
  /** Null for a launch without stock. */
  stock: ReviewStock.nullable(),
  /** Null when no reading carried placedOrders / placedGmv. */
  orders: ReviewOrders.nullable(),
  /** GMV's deviation over the launch as traffic × conversion × order value (null without a plan or sales). */
  funnel: Diagnosis.nullable(),
  engagement: z.array(ReviewEngagementRow),
  /** Null when no reading carried newBuyers. */
  buyers: ReviewBuyers.nullable(),
  incidents: z.array(ReviewIncidentRow),
  /** Per-channel traffic, spend against budget and ROI (launches with channel data). */
  channels: ReviewChannels.optional(),
});
export type LaunchReview = z.infer<typeof LaunchReview>;
