import { z } from 'zod';
import { MAX_METRIC_VALUE, Metric, MetricValue, METRICS } from './metrics';
import { PlaybookEntry } from './playbook';
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
  .refine((s) => !Number.isNaN(parseDateTime(s, DEFAULT_TIMEZONE)), {
    error: 'must be an ISO date-time such as 2026-11-11T10:00:00+08:00',
  });

export const ForecastPoint = z.strictObject({
  minute: z
    .number()
    .int()
    .min(0)
    .max(MAX_DURATION_MINUTES - 1),
  uv: MetricValue.optional(),
  pv: MetricValue.optional(),
  fav: MetricValue.optional(),
  cart: MetricValue.optional(),
  orders: MetricValue.optional(),
  units: MetricValue.optional(),
  gmv: MetricValue.optional(),
});
export type ForecastPoint = z.infer<typeof ForecastPoint>;

/** Whole-launch targets from which the template forecast is drawn. */
export const Targets = z.strictObject({
  uv: MetricValue.positive({ error: 'must be more than 0' }),
  units: MetricValue.positive({ error: 'must be more than 0' }),
  gmv: MetricValue.positive({ error: 'must be more than 0' }),
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
    name: z.string().trim().min(1, { error: 'must not be empty' }).max(120),
    startAt: DateTimeText,
    durationMinutes: z.number().int().min(1).max(MAX_DURATION_MINUTES).optional(),
    timezone: z
      .string()
      .max(64)
      .refine(isValidTimezone, { error: 'must be an IANA time zone such as Asia/Shanghai' })
      .optional(),
    checkpoints: z.array(z.number().int().min(1).max(MAX_DURATION_MINUTES)).min(1).max(1000).optional(),
    tolerance: z.number().gt(0).max(10).optional(),
    metrics: z.array(Metric).min(1).max(METRICS.length).optional(),
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
    if (l.checkpoints) {
      const seen = new Set<number>();
      l.checkpoints.forEach((t, i) => {
        if (t > duration)
          ctx.addIssue({
            code: 'custom',
            path: ['checkpoints', i],
            message: `checkpoint ${t} is after the launch ends (durationMinutes ${duration})`,
          });
        if (seen.has(t))
          ctx.addIssue({
            code: 'custom',
            path: ['checkpoints', i],
            message: `checkpoint ${t} is listed twice`,
          });
        seen.add(t);
      });
    }
    if (l.metrics && new Set(l.metrics).size !== l.metrics.length)
      ctx.addIssue({ code: 'custom', path: ['metrics'], message: 'a metric is listed twice' });
    if (Array.isArray(l.forecast)) {
      const seen = new Set<number>();
      l.forecast.forEach((p, i) => {
        if (p.minute >= duration)
          ctx.addIssue({
            code: 'custom',
            path: ['forecast', i, 'minute'],
            message: `minute ${p.minute} is after the launch ends (durationMinutes ${duration})`,
          });
        if (seen.has(p.minute))
          ctx.addIssue({
            code: 'custom',
            path: ['forecast', i, 'minute'],
            message: `minute ${p.minute} is listed twice`,
          });
        seen.add(p.minute);
      });
    }
    if (l.playbook) {
      const keys = new Set<string>();
      l.playbook.forEach((e, i) => {
        const key = `${e.metric}/${e.direction}`;
        if (keys.has(key))
          ctx.addIssue({ code: 'custom', path: ['playbook', i], message: `two plans for ${key}` });
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
  checkpoints: z.array(z.number().int()),
  tolerance: z.number(),
  metrics: z.array(Metric),
  graceSeconds: z.number().int(),
  escalateAfterSeconds: z.number().int(),
  stock: z.number().nullable(),
  price: z.number().nullable(),
  targets: Targets.nullable(),
  playbook: z.array(PlaybookEntry),
  /** forecast[m] is the expected reading for minute m, m = 0 … durationMinutes − 1. */
  forecast: z.array(
    z.object({
      minute: z.number().int(),
      uv: z.number(),
      pv: z.number(),
      fav: z.number(),
      cart: z.number(),
      orders: z.number(),
      units: z.number(),
      gmv: z.number(),
    }),
  ),
  clock: ClockKind,
  createdAt: z.string(),
  /** Resolved run sheet; absent in logs written before run sheets existed (see `runSheetOf`). */
  runSheet: z.array(RunSheetTask).optional(),
});
export type Launch = z.infer<typeof Launch>;

/** A launch's run sheet: its own, or the team's defaults for launches stored without one. */
export function runSheetOf(launch: Pick<Launch, 'runSheet'>): RunSheetTask[] {
  return launch.runSheet ?? defaultRunSheet();
}

/** One line of GET /api/launches. */
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
});
export type LaunchSummary = z.infer<typeof LaunchSummary>;
