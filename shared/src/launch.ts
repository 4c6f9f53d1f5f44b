import { z } from 'zod';
import { issueError, issueMessage } from './i18n';
import {
  type BaseMetric,
  COMPARED_METRICS,
  ComparedMetric,
  MAX_METRIC_VALUE,
  MetricValue,
  MetricValues,
} from './metrics';
import { PlaybookEntry } from './playbook';
import {
  Budgets,
  BudgetsInput,
  ChannelBreakdown,
  ChannelPlanInput,
  ChannelShares,
  ChannelSharesInput,
} from './channels';
import { RunSheetInput, RunSheetTask, defaultRunSheet } from './runsheet';
import { DEFAULT_TIMEZONE, isValidTimezone, parseDateTime } from './time';

/** Up to a leap year of minutes: a year-long always-on launch, or a year of history imported. */
export const MAX_DURATION_MINUTES = 366 * 24 * 60;
export const DEFAULT_DURATION_MINUTES = 180;
export const DEFAULT_TOLERANCE = 0.2;
export const DEFAULT_GRACE_SECONDS = 60;
export const DEFAULT_ESCALATE_AFTER_SECONDS = 300;
/** Readings may start this long before 开团 (预热). */
export const PREHEAT_MINUTES = 24 * 60;

/** A date-time with an offset, or a local time read in the launch's zone. */
export const DateTimeText = z
  .string()
  .trim()
  .min(1)
  .max(40)
  .refine((s) => !Number.isNaN(parseDateTime(s, DEFAULT_TIMEZONE)), issueError('v.isoDateTime'));

/** A planned minute: before 开团 (negative, the preheat 预热) or during the launch. */
export const ForecastPoint = z.strictObject({
  minute: z
    .number()
    .int()
    .min(-PREHEAT_MINUTES)
    .max(MAX_DURATION_MINUTES - 1),
  uv: MetricValue.optional(),
  pv: MetricValue.optional(),
  fav: MetricValue.optional(),
  cart: MetricValue.optional(),
  orders: MetricValue.optional(),
  units: MetricValue.optional(),
  gmv: MetricValue.optional(),
  // A plan may be fractional (an average per minute), orders placed and new buyers too.
  placedOrders: MetricValue.optional(),
  placedGmv: MetricValue.optional(),
  newBuyers: MetricValue.optional(),
  /** The minute's plan per channel (visitors, buyers, GMV, spend). */
  channels: ChannelPlanInput.optional(),
});
export type ForecastPoint = z.infer<typeof ForecastPoint>;

/** A minute of the stored forecast: every metric present, the order measures when planned. */
export const ForecastMinute = z.object({
  minute: z.number().int(),
  ...MetricValues.shape,
  placedOrders: z.number().optional(),
  placedGmv: z.number().optional(),
  newBuyers: z.number().optional(),
  channels: ChannelBreakdown.optional(),
});
export type ForecastMinute = z.infer<typeof ForecastMinute>;

/**
 * A checkpoint T minutes from 开团: after it (T > 0, the window [0, T)) or in the preheat (T < 0, the
 * window from the start of the preheat to T). With `metrics`, it compares those instead of the
 * launch's metrics (开团前 checks look at 点击/收藏/加购, the first minutes at 收藏/销量).
 */
export const CheckpointAt = z
  .number()
  .int()
  .min(-PREHEAT_MINUTES + 1)
  .max(MAX_DURATION_MINUTES)
  .refine((t) => t !== 0, issueError('v.checkpointAtZero'));
export const CheckpointInput = z.union([
  CheckpointAt,
  z.strictObject({ at: CheckpointAt, metrics: z.array(ComparedMetric).min(1).max(COMPARED_METRICS.length) }),
]);
export type CheckpointInput = z.infer<typeof CheckpointInput>;

/** A checkpoint that compares its own metric set. */
export const CheckpointMetrics = z.object({ at: z.number().int(), metrics: z.array(ComparedMetric) });
export type CheckpointMetrics = z.infer<typeof CheckpointMetrics>;

/** When unpaid orders (待付款) raise an alert: strictly more than this share, or this amount. */
export const UnpaidAlertInput = z.strictObject({
  share: z.number().gt(0).max(1).nullable().optional(),
  amount: MetricValue.nullable().optional(),
});
export const DEFAULT_PAYMENT_WINDOW_MINUTES = 30;
export const DEFAULT_UNPAID_SHARE = 0.3;

/** Whole-launch targets from which the template forecast is drawn. */
export const Targets = z.strictObject({
  uv: MetricValue.positive(issueError('v.mustBePositive')),
  units: MetricValue.positive(issueError('v.mustBePositive')),
  gmv: MetricValue.positive(issueError('v.mustBePositive')),
});
export type Targets = z.infer<typeof Targets>;

export const ForecastInput = z.union([
  z.array(ForecastPoint).min(1).max(MAX_DURATION_MINUTES),
  z.strictObject({ template: Targets }),
]);
export type ForecastInput = z.infer<typeof ForecastInput>;

/** What a planner sends to create a launch (POST /api/launches). */
export const LaunchInput = z
  .strictObject({
    name: z.string().trim().min(1, issueError('v.mustNotBeEmpty')).max(120),
    startAt: DateTimeText,
    durationMinutes: z.number().int().min(1).max(MAX_DURATION_MINUTES).optional(),
    timezone: z.string().max(64).refine(isValidTimezone, issueError('v.ianaZoneExample')).optional(),
    checkpoints: z.array(CheckpointInput).min(1).max(1000).optional(),
    tolerance: z.number().gt(0).max(10).optional(),
    metrics: z.array(ComparedMetric).min(1).max(COMPARED_METRICS.length).optional(),
    /** Minutes of preheat (预热) before 开团 the forecast plans; from the forecast's points when omitted. */
    preheatMinutes: z.number().int().min(0).max(PREHEAT_MINUTES).optional(),
    /** Buyers must pay within this many minutes of ordering, or the order closes (聚划算: 30). */
    paymentWindowMinutes: z
      .number()
      .int()
      .min(1)
      .max(24 * 60)
      .optional(),
    unpaidAlert: UnpaidAlertInput.optional(),
    /** Each channel's planned share of the launch's visitors, buyers and GMV (minutes without a channel plan). */
    channelShares: ChannelSharesInput.optional(),
    /** Spend budgets (yuan), per channel and in total: a `budget` alert to the 电商经理 when spend crosses one. */
    budgets: BudgetsInput.optional(),
    graceSeconds: z.number().int().min(0).max(3600).optional(),
    escalateAfterSeconds: z
      .number()
      .int()
      .min(1)
      .max(24 * 3600)
      .optional(),
    stock: z.number().int().min(0).max(MAX_METRIC_VALUE).optional(),
    price: MetricValue.optional(),
    targets: Targets.optional(),
    playbook: z.array(PlaybookEntry).max(50).optional(),
    /** The run sheet (作战时间表); the team's default schedule when omitted. */
    runSheet: RunSheetInput.optional(),
    forecast: ForecastInput,
  })
  .superRefine((l, ctx) => {
    const duration = l.durationMinutes ?? DEFAULT_DURATION_MINUTES;
    const firstForecast = Array.isArray(l.forecast)
      ? Math.min(0, ...l.forecast.map((p) => p.minute))
      : -(l.preheatMinutes ?? 0);
    const preheat = l.preheatMinutes ?? -firstForecast;
    if (l.checkpoints) {
      const seen = new Set<number>();
      l.checkpoints.forEach((c, i) => {
        const t = typeof c === 'number' ? c : c.at;
        if (t < 0 && t <= -preheat)
          ctx.addIssue({
            code: 'custom',
            path: ['checkpoints', i],
            message: issueMessage('v.checkpointBeforePreheat', { t, preheat }),
          });
        if (t > duration)
          ctx.addIssue({
            code: 'custom',
            path: ['checkpoints', i],
            message: issueMessage('v.checkpointAfterEnd', { t, duration }),
          });
        if (seen.has(t))
          ctx.addIssue({
            code: 'custom',
            path: ['checkpoints', i],
            message: issueMessage('v.checkpointTwice', { t }),
          });
        seen.add(t);
      });
    }
    if (l.metrics && new Set(l.metrics).size !== l.metrics.length)
      ctx.addIssue({ code: 'custom', path: ['metrics'], message: issueMessage('v.metricTwice') });
    if (Array.isArray(l.forecast)) {
      const seen = new Set<number>();
      l.forecast.forEach((p, i) => {
        if (p.minute < -preheat)
          ctx.addIssue({
            code: 'custom',
            path: ['forecast', i, 'minute'],
            message: issueMessage('v.minuteBeforePreheat', { minute: p.minute, preheat }),
          });
        if (p.minute >= duration)
          ctx.addIssue({
            code: 'custom',
            path: ['forecast', i, 'minute'],
            message: issueMessage('v.minuteAfterEnd', { minute: p.minute, duration }),
          });
        if (seen.has(p.minute))
          ctx.addIssue({
            code: 'custom',
            path: ['forecast', i, 'minute'],
            message: issueMessage('v.minuteTwice', { minute: p.minute }),
          });
        seen.add(p.minute);
      });
    }
    if (l.playbook) {
      const keys = new Set<string>();
      l.playbook.forEach((e, i) => {
        const key = `${e.metric}/${e.direction}`;
        if (keys.has(key))
          ctx.addIssue({
            code: 'custom',
            path: ['playbook', i],
            message: issueMessage('v.twoPlans', { key }),
          });
        keys.add(key);
      });
    }
  });
export type LaunchInput = z.infer<typeof LaunchInput>;

/** How a launch's clock runs: the wall clock, or a simulation's scaled clock. */
export const ClockKind = z.enum(['wall', 'simulated']);
export type ClockKind = z.infer<typeof ClockKind>;

/** A stored launch: every default resolved, the forecast one full point per minute. */
export const Launch = z.object({
  id: z.string(),
  name: z.string(),
  startAt: z.string(),
  durationMinutes: z.number().int(),
  timezone: z.string(),
  /** Checkpoint minutes, sorted (negative ones are in the preheat). */
  checkpoints: z.array(z.number().int()),
  tolerance: z.number(),
  metrics: z.array(ComparedMetric),
  /** The checkpoints that compare their own metric set (the others compare `metrics`). */
  checkpointMetrics: z.array(CheckpointMetrics).optional(),
  graceSeconds: z.number().int(),
  escalateAfterSeconds: z.number().int(),
  stock: z.number().nullable(),
  price: z.number().nullable(),
  targets: Targets.nullable(),
  playbook: z.array(PlaybookEntry),
  /** forecast[m] is the expected reading for minute m, m = 0 … durationMinutes − 1. */
  forecast: z.array(ForecastMinute),
  /** Minutes of preheat before 开团 (absent in logs from before preheats: 0). */
  preheatMinutes: z.number().int().optional(),
  /** preheatForecast[i] is minute i − preheatMinutes (the preheat's plan), when there is one. */
  preheatForecast: z.array(ForecastMinute).optional(),
  paymentWindowMinutes: z.number().int().optional(),
  unpaidAlert: z.object({ share: z.number().nullable(), amount: z.number().nullable() }).optional(),
  channelShares: ChannelShares.optional(),
  budgets: Budgets.optional(),
  clock: ClockKind,
  createdAt: z.string(),
  /** Resolved run sheet; absent in logs written before run sheets existed (see `runSheetOf`). */
  runSheet: z.array(RunSheetTask).optional(),
});
export type Launch = z.infer<typeof Launch>;

/** A set-up warning about a launch: it is saved, but the planner should look again. */
export const LaunchWarning = z.object({
  /** stock-cover: stock under three times the planned units (核心商品库存需满足预期销量3倍以上). */
  code: z.enum(['stock-cover']),
  /** In the caller's language. */
  message: z.string(),
});
export type LaunchWarning = z.infer<typeof LaunchWarning>;

/** A launch as saving it answers: with `warnings` when there is something to look at again. */
export const SavedLaunch = Launch.extend({ warnings: z.array(LaunchWarning).optional() });
export type SavedLaunch = z.infer<typeof SavedLaunch>;

/** The preheat's length in minutes (0 for launches stored before preheats). */
export function preheatOf(launch: Pick<Launch, 'preheatMinutes'>): number {
  return launch.preheatMinutes ?? 0;
}

/** The metrics checkpoint T compares. */
export function checkpointMetricsOf(
  launch: Pick<Launch, 'metrics' | 'checkpointMetrics'>,
  t: number,
): ComparedMetric[] {
  return launch.checkpointMetrics?.find((c) => c.at === t)?.metrics ?? launch.metrics;
}

/** The planned value of a base metric for minute m (preheat minutes included); 0 outside the plan. */
export function forecastAt(
  launch: Pick<Launch, 'forecast' | 'preheatForecast' | 'preheatMinutes'>,
  m: number,
  metric: BaseMetric,
): number {
  const point = m >= 0 ? launch.forecast[m] : launch.preheatForecast?.[m + preheatOf(launch)];
  return point?.[metric] ?? 0;
}

/** A launch's run sheet: its own, or the team's defaults for launches stored without one. */
export function runSheetOf(launch: Pick<Launch, 'runSheet'>): RunSheetTask[] {
  return launch.runSheet ?? defaultRunSheet();
}

/** One line of GET /api/launches. */
/** Whether a launch's data is arriving (the wall's freshness; shared/view.ts feedState). */
export const FeedState = z.enum(['live', 'stale', 'waiting', 'ended']);
export type FeedState = z.infer<typeof FeedState>;

export const LaunchSummary = z.object({
  id: z.string(),
  name: z.string(),
  startAt: z.string(),
  durationMinutes: z.number().int(),
  timezone: z.string(),
  clock: ClockKind,
  openAlerts: z.number().int(),
  readings: z.number().int(),
  lastOffset: z.number().int(),
  /** The launch clock's time when answered (a simulated launch runs at its own speed). */
  now: z.string(),
  /** Launch-clock seconds per wall second (0: a simulated launch standing still). */
  speed: z.number(),
  /** Whether data is arriving, as on the wall. */
  feed: FeedState,
  /** Launch-clock ms per real ms for people's timers (a running simulation's speed, else 1). */
  peopleSpeed: z.number(),
});
export type LaunchSummary = z.infer<typeof LaunchSummary>;
