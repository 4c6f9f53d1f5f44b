/**
 * Replays (回放/训练): a stored launch re-run through the engine on its own clock, in its own room.
 * A drill adds a trainee whose acknowledgements are scored against what the real team did.
 */
import { z } from 'zod';
import { Alert, AckInput } from './alert';
import { COMPARED_METRICS, ComparedMetric } from './metrics';
import { Direction } from './playbook';
import { CheckpointResult } from './checkpoint';

export const REPLAY_SPEEDS = [1, 2, 5, 10, 30, 60] as const;
/** Launch-clock seconds per wall second, or "max": straight to the end. */
export const ReplaySpeed = z.union([
  z.literal(1),
  z.literal(2),
  z.literal(5),
  z.literal(10),
  z.literal(30),
  z.literal(60),
  z.literal('max'),
]);
export type ReplaySpeed = z.infer<typeof ReplaySpeed>;

export const ReplayInput = z.strictObject({
  launchId: z.string().min(1).max(100),
  speed: ReplaySpeed.default(10),
  /** Start paused (a trainer may want to brief the room first). */
  paused: z.boolean().optional(),
  drill: z.strictObject({ trainee: z.string().trim().min(1).max(60) }).optional(),
});
export type ReplayInput = z.infer<typeof ReplayInput>;

export const ReplaySeekInput = z.strictObject({
  minute: z
    .number()
    .int()
    .min(-24 * 60)
    .max(366 * 24 * 60),
});
export const ReplaySpeedInput = z.strictObject({ speed: ReplaySpeed });
export const ReplayAckInput = AckInput;

/** Where a replay stands: its clock, speed, and the span it covers. */
export const ReplayInfo = z.object({
  replayId: z.string(),
  launchId: z.string(),
  launchName: z.string(),
  speed: ReplaySpeed,
  paused: z.boolean(),
  ended: z.boolean(),
  /** The replay's launch clock (ISO) and its minute relative to 开团. */
  now: z.string(),
  minute: z.number().int(),
  /** The span a seek may reach, in minutes relative to 开团. */
  firstMinute: z.number().int(),
  lastMinute: z.number().int(),
  drill: z.object({ trainee: z.string() }).nullable(),
  /** The username of the trainer who started it: they and admins control and delete it; others watch. */
  startedBy: z.string().nullable(),
  createdAt: z.string(),
});
export type ReplayInfo = z.infer<typeof ReplayInfo>;

/** One alert of a drill's score sheet: the trainee's response next to the real team's. */
export const DrillAlertScore = z.object({
  alertId: z.string(),
  checkpoint: z.number().int(),
  metric: ComparedMetric.nullable(),
  direction: Direction.nullable(),
  severity: z.enum(['warning', 'critical']),
  raisedAt: z.string(),
  trainee: z
    .object({
      ackedBy: z.string(),
      ackedAt: z.string(),
      responseSeconds: z.number(),
      action: z.string().nullable(),
      note: z.string().nullable(),
    })
    .nullable(),
  team: z
    .object({
      ackedBy: z.string(),
      ackedAt: z.string(),
      responseSeconds: z.number(),
      action: z.string().nullable(),
    })
    .nullable(),
  /** The action is one the plan lists, and whether it matches the team's. */
  actionInPlan: z.boolean(),
  sameActionAsTeam: z.boolean(),
  /** 0–100: speed (up to 70, full marks within a minute, none once it would escalate) + action (30). */
  score: z.number(),
});
export type DrillAlertScore = z.infer<typeof DrillAlertScore>;

export const DrillScoreSheet = z.object({
  replayId: z.string(),
  launchId: z.string(),
  trainee: z.string().nullable(),
  alerts: z.array(DrillAlertScore),
  acknowledged: z.number().int(),
  missed: z.number().int(),
  medianResponseSeconds: z.number().nullable(),
  teamMedianResponseSeconds: z.number().nullable(),
  /** Mean of the alerts' scores (0 when no alert fired). */
  score: z.number(),
});
export type DrillScoreSheet = z.infer<typeof DrillScoreSheet>;

/** POST /api/launches/:id/what-if: the launch re-evaluated with other settings. */
export const WhatIfInput = z.strictObject({
  tolerance: z.number().gt(0).max(10).optional(),
  checkpoints: z
    .array(
      z
        .number()
        .int()
        .min(1)
        .max(366 * 24 * 60),
    )
    .min(1)
    .max(1000)
    .optional(),
  metrics: z.array(ComparedMetric).min(1).max(COMPARED_METRICS.length).optional(),
  /** Per-minute points or `{template}` targets, as when creating a launch. */
  forecast: z.unknown().optional(),
});
export type WhatIfInput = z.infer<typeof WhatIfInput>;

export const WhatIfResult = z.object({
  launchId: z.string(),
  settings: z.object({
    tolerance: z.number(),
    checkpoints: z.array(z.number()),
    metrics: z.array(ComparedMetric),
  }),
  alerts: z.array(Alert),
  checkpoints: z.array(CheckpointResult),
  /** Breach alerts (checkpoint/metric/direction) that fire only with the new settings, or only without. */
  added: z.array(z.string()),
  removed: z.array(z.string()),
});
export type WhatIfResult = z.infer<typeof WhatIfResult>;
