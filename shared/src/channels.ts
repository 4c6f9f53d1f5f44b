/**
 * Where the traffic comes from and what it costs (流量来源, 花费, ROI). A reading, a forecast point
 * and a launch's plan may break visitors, paid buyers, GMV and spend down by channel. Platform
 * exports overlap (a visitor can arrive through two channels), so the channel totals need not equal
 * the launch totals and nothing here assumes they do.
 *
 * One module for the engine (channel comparisons at checkpoints, budget alerts), the wall's channel
 * strip and the review: the same sums, the same ROI (channel GMV / channel spend), the same budget
 * rule. Money is held in fen and counts in whole numbers, so every figure is exact.
 */
import { z } from 'zod';
import { type LabelPair, issueError, issueMessage, labelsOf } from './i18n';
import { type Comparison, MICRO, compare, toMicro } from './exact';
import { MetricValue } from './metrics';
import type { Reading } from './reading';

/** 站内免费 (search, 聚划算 channel, shop), 直通车, 钻展/引力魔方, 淘宝客, 站外/社交, 其他. */
export const CHANNELS = ['organic', 'ztc', 'display', 'affiliate', 'offsite', 'other'] as const;
export const TrafficChannel = z.enum(CHANNELS);
export type TrafficChannel = z.infer<typeof TrafficChannel>;

export const CHANNEL_LABELS: Record<TrafficChannel, LabelPair> = labelsOf(CHANNELS, (c) => `channel.${c}`);

/** The measures a channel carries. */
export const CHANNEL_FIELDS = ['uv', 'orders', 'gmv', 'spend'] as const;
export type ChannelField = (typeof CHANNEL_FIELDS)[number];

export function isChannel(key: string): key is TrafficChannel {
  return (CHANNELS as readonly string[]).includes(key);
}

/** One object per channel, every channel optional; any other key is refused by name. */
function perChannel<T extends z.ZodType>(value: T) {
  const shape = Object.fromEntries(CHANNELS.map((c) => [c, value.optional()])) as Record<
    TrafficChannel,
    z.ZodOptional<T>
  >;
  return z.strictObject(shape, {
    error: (iss) =>
      iss.code === 'unrecognized_keys'
        ? issueMessage('v.unknownChannel', { keys: iss.keys.join(', '), channels: CHANNELS.join(', ') })
        : undefined,
  });
}

const Count = MetricValue.int(issueError('v.mustBeWholeNumber'));

/** A channel's figures in a reading: increments for the minute, like the reading's own. */
export const ChannelReadingValues = z.strictObject({
  uv: Count.optional(),
  orders: Count.optional(),
  gmv: MetricValue.optional(),
  spend: MetricValue.optional(),
});
/** A channel's planned figures for a minute (a plan may be fractional). */
export const ChannelPlanValues = z.strictObject({
  uv: MetricValue.optional(),
  orders: MetricValue.optional(),
  gmv: MetricValue.optional(),
  spend: MetricValue.optional(),
});
export const ChannelReadingsInput = perChannel(ChannelReadingValues);
export const ChannelPlanInput = perChannel(ChannelPlanValues);

/** A channel's figures as stored: what was sent (an omitted one is 0). */
export const ChannelValues = z.object({
  uv: z.number().optional(),
  orders: z.number().optional(),
  gmv: z.number().optional(),
  spend: z.number().optional(),
});
export type ChannelValues = z.infer<typeof ChannelValues>;
export const ChannelBreakdown = z.partialRecord(TrafficChannel, ChannelValues);
export type ChannelBreakdown = z.infer<typeof ChannelBreakdown>;

/**
 * A plan share per channel: the channel's planned visitors, buyers and GMV are this share of the
 * launch's for every minute without a channel plan of its own. Shares need not sum to 1.
 */
export const ChannelSharesInput = perChannel(z.number().min(0).max(10));
export const ChannelShares = z.partialRecord(TrafficChannel, z.number());
export type ChannelShares = z.infer<typeof ChannelShares>;

/** Budgets (预算, yuan): per channel and in total. */
export const BudgetsInput = z.strictObject({
  total: MetricValue.positive(issueError('v.mustBePositive')).optional(),
  channels: perChannel(MetricValue.positive(issueError('v.mustBePositive'))).optional(),
});
export const Budgets = z.object({
  total: z.number().nullable(),
  channels: z.partialRecord(TrafficChannel, z.number()),
});
export type Budgets = z.infer<typeof Budgets>;

/** A budget is the total one or a channel's. */
export type BudgetScope = TrafficChannel | 'total';
export const BudgetScopeSchema = z.union([TrafficChannel, z.literal('total')]);

/** What a channel breach (traffic short) asks of the 推广主管, by channel. */
export const CHANNEL_ACTIONS: Readonly<Record<TrafficChannel, readonly string[]>> = {
  organic: ['核对搜索排名/主图点击率', '聚划算频道坑位核对'],
  ztc: ['直通车加价/放开限额'],
  display: ['钻展加投'],
  affiliate: ['淘客佣金上调'],
  offsite: ['社群/短信召回'],
  other: ['核对其他来源'],
};

/** Channels in the order a screen lists them, given the keys of a breakdown. */
export function channelsOf(b: ChannelBreakdown | undefined): TrafficChannel[] {
  return b ? CHANNELS.filter((c) => b[c] !== undefined) : [];
}

// --- the plan -------------------------------------------------------------------------------------

interface ChannelPlanSource {
  forecast: readonly { uv: number; orders: number; gmv: number; channels?: ChannelBreakdown | undefined }[];
  preheatForecast?:
    | readonly { uv: number; orders: number; gmv: number; channels?: ChannelBreakdown | undefined }[]
    | undefined;
  preheatMinutes?: number | undefined;
  channelShares?: ChannelShares | undefined;
}

/** Whether the launch plans any channel (per-minute channel plans or shares). */
export function hasChannelPlan(launch: ChannelPlanSource): boolean {
  if (launch.channelShares && Object.keys(launch.channelShares).length > 0) return true;
  return (
    launch.forecast.some((f) => f.channels !== undefined) || !!launch.preheatForecast?.some((f) => f.channels)
  );
}

/**
 * The planned value of a channel's field for minute m: the minute's own channel plan, else the
 * channel's share of the launch's plan (spend has no share: only a channel plan plans spend).
 * Exact: micro-units squared (a share times a value, both in micro-units).
 */
export function plannedChannelMicro2(
  launch: ChannelPlanSource,
  m: number,
  channel: TrafficChannel,
  field: ChannelField,
): bigint {
  const point = m >= 0 ? launch.forecast[m] : launch.preheatForecast?.[m + (launch.preheatMinutes ?? 0)];
  if (!point) return 0n;
  const own = point.channels?.[channel];
  if (own) return toMicro(own[field] ?? 0) * 1_000_000n;
  const share = launch.channelShares?.[channel];
  if (share === undefined || field === 'spend') return 0n;
  return toMicro(share) * toMicro(point[field]);
}

// --- spend and ROI ----------------------------------------------------------------------------------

const fen = (yuan: number) => Math.round(yuan * 100);

export interface ChannelFigures {
  channel: TrafficChannel;
  uv: number;
  orders: number;
  gmv: number;
  spend: number;
  /** TrafficChannel GMV / channel spend; null without spend. */
  roi: number | null;
  /** The channel's budget, the share of it spent (null without a budget). */
  budget: number | null;
  budgetUsed: number | null;
  /** Planned visitors over the minutes that carry channel data (null when not planned). */
  planUv: number | null;
  /** Visitors against that plan under the launch's ±tolerance rule, exactly (as checkpoints compare). */
  uvComparison: Comparison;
}

export interface ChannelLedger {
  /** Channels with data or a plan or a budget, in CHANNELS order. */
  channels: ChannelFigures[];
  /** Σ channel spend, Σ GMV of the channels that spent, their ROI; the launch GMV over Σ spend. */
  total: {
    spend: number;
    paidGmv: number;
    roi: number | null;
    launchGmv: number;
    activityRoi: number | null;
    budget: number | null;
    budgetUsed: number | null;
  };
  /** Minutes that carried a channel breakdown. */
  minutesWithChannels: number;
}

/**
 * The channel figures over `readings` (a launch's readings, any order): sums in fen and whole
 * counts, ROI as GMV over spend. `launch` gives the plan and budgets.
 */
export function channelLedger(
  readings: Iterable<Reading>,
  launch: ChannelPlanSource & { budgets?: Budgets | undefined; tolerance?: number },
): ChannelLedger {
  const tol = toMicro(launch.tolerance ?? 0.2);
  const sums = new Map<
    TrafficChannel,
    { uv: number; orders: number; gmvFen: number; spendFen: number; plan: bigint }
  >();
  for (const c of CHANNELS) sums.set(c, { uv: 0, orders: 0, gmvFen: 0, spendFen: 0, plan: 0n });
  let launchGmvFen = 0;
  let minutes = 0;
  const planned = hasChannelPlan(launch);
  for (const r of readings) {
    launchGmvFen += fen(r.gmv);
    if (!r.channels) continue;
    minutes++;
    for (const c of CHANNELS) {
      const s = sums.get(c)!;
      const v = r.channels[c];
      if (v) {
        s.uv += v.uv ?? 0;
        s.orders += v.orders ?? 0;
        s.gmvFen += fen(v.gmv ?? 0);
        s.spendFen += fen(v.spend ?? 0);
      }
      if (planned) s.plan += plannedChannelMicro2(launch, r.minute, c, 'uv');
    }
  }
  const budgets = launch.budgets;
  const out: ChannelFigures[] = [];
  let spendFen = 0;
  let paidGmvFen = 0;
  for (const c of CHANNELS) {
    const s = sums.get(c)!;
    const budget = budgets?.channels[c] ?? null;
    const seen = s.uv > 0 || s.orders > 0 || s.gmvFen > 0 || s.spendFen > 0 || s.plan > 0n || budget !== null;
    spendFen += s.spendFen;
    if (s.spendFen > 0) paidGmvFen += s.gmvFen;
    if (!seen) continue;
    out.push({
      channel: c,
      uv: s.uv,
      orders: s.orders,
      gmv: s.gmvFen / 100,
      spend: s.spendFen / 100,
      roi: s.spendFen > 0 ? s.gmvFen / s.spendFen : null,
      budget,
      budgetUsed: budget !== null ? s.spendFen / fen(budget) : null,
      planUv: planned ? Number(s.plan / 1_000_000n) / 1e6 : null,
      uvComparison: compare(toMicro(s.uv) * MICRO, s.plan, tol),
    });
  }
  const total = budgets?.total ?? null;
  return {
    channels: out,
    total: {
      spend: spendFen / 100,
      paidGmv: paidGmvFen / 100,
      roi: spendFen > 0 ? paidGmvFen / spendFen : null,
      launchGmv: launchGmvFen / 100,
      activityRoi: spendFen > 0 ? launchGmvFen / spendFen : null,
      budget: total,
      budgetUsed: total !== null ? spendFen / fen(total) : null,
    },
    minutesWithChannels: minutes,
  };
}

// --- the budget rule --------------------------------------------------------------------------------

/** Without a traffic plan, the pace of spend is measured over this many most recent minutes. */
export const BUDGET_PACE_MINUTES = 15;
/** A budget alert is raised when the pace says spend crosses the budget within this many minutes. */
export const BUDGET_LOOKAHEAD_MINUTES = 30;

export interface BudgetProjection {
  /** Spend is strictly over the budget. */
  crossed: boolean;
  /**
   * At the current pace, the first minute after `asOf` at which spend would be strictly over the
   * budget, when that is within the look-ahead; else null (and null once crossed).
   */
  projectedMinute: number | null;
}

/** What the budget rule needs at minute `asOf` (every amount in micro-units). */
export interface BudgetInputs {
  budget: bigint;
  /** Spent in the preheat (before 开团) and from 开团 through `asOf`. */
  preheat: bigint;
  spent: bigint;
  asOf: number;
  /** The launch's planned visitors over [0, asOf] and over [0, m] for m > asOf. */
  planSoFar: bigint;
  planThrough: (m: number) => bigint;
  /** Without a plan: spent over the last `paceMinutes` minutes. */
  recent: bigint;
  paceMinutes: number;
  lookahead?: number;
}

/**
 * The budget rule, exactly. Over when preheat + spent > budget; exactly at the budget is inside.
 * The pace follows the plan as the stock rule does (spend follows traffic, and a 开团 spike is
 * planned, so it does not read as a pace that runs the budget out): spend through m is projected
 * as preheat + spent · plan[0, m] / plan[0, asOf], over when
 * (preheat − budget) · plan[0, asOf] + spent · plan[0, m] > 0. Without a plan, the last minutes'
 * pace: over after k minutes when (preheat + spent − budget) · paceMinutes + k · recent > 0.
 */
export function projectBudget(i: BudgetInputs): BudgetProjection {
  const total = i.preheat + i.spent;
  if (total > i.budget) return { crossed: true, projectedMinute: null };
  const lookahead = i.lookahead ?? BUDGET_LOOKAHEAD_MINUTES;
  if (i.planSoFar > 0n) {
    if (i.spent <= 0n) return { crossed: false, projectedMinute: null };
    const base = (i.preheat - i.budget) * i.planSoFar;
    for (let k = 1; k <= lookahead; k++)
      if (base + i.spent * i.planThrough(i.asOf + k) > 0n)
        return { crossed: false, projectedMinute: i.asOf + k };
    return { crossed: false, projectedMinute: null };
  }
  if (i.recent <= 0n || i.paceMinutes <= 0) return { crossed: false, projectedMinute: null };
  // smallest k ≥ 1 with k·recent > (budget − total)·paceMinutes
  const k = ((i.budget - total) * BigInt(i.paceMinutes)) / i.recent + 1n;
  return { crossed: false, projectedMinute: k <= BigInt(lookahead) ? i.asOf + Number(k) : null };
}

/**
 * A breakdown in CHANNELS order with its fields in CHANNEL_FIELDS order, only what was given: the
 * same figures always give the same stored object (a re-send is recognised as the duplicate it is).
 */
export function canonicalChannels(
  b: Partial<Record<TrafficChannel, Partial<Record<ChannelField, number>>>>,
): ChannelBreakdown {
  const out: ChannelBreakdown = {};
  for (const c of CHANNELS) {
    const v = b[c];
    if (!v) continue;
    const values: ChannelValues = {};
    for (const f of CHANNEL_FIELDS) if (v[f] !== undefined) values[f] = v[f];
    out[c] = values;
  }
  return out;
}

/** Two breakdowns carry the same figures (both absent counts as the same). */
export function sameChannels(a: ChannelBreakdown | undefined, b: ChannelBreakdown | undefined): boolean {
  if (!a || !b) return a === b;
  return CHANNELS.every((c) => {
    const x = a[c];
    const y = b[c];
    if (!x || !y) return x === y;
    return CHANNEL_FIELDS.every((f) => x[f] === y[f]);
  });
}

// --- the review -------------------------------------------------------------------------------------

/** The review's channel section (活动总结 · 流量来源): the ledger at the end, and the budget alerts. */
export const ReviewChannelRow = z.object({
  channel: TrafficChannel,
  uv: z.number(),
  planUv: z.number().nullable(),
  uvDeviation: z.number().nullable(),
  orders: z.number(),
  gmv: z.number(),
  spend: z.number(),
  budget: z.number().nullable(),
  budgetUsed: z.number().nullable(),
  roi: z.number().nullable(),
});
export const ReviewChannels = z.object({
  rows: z.array(ReviewChannelRow),
  total: z.object({
    spend: z.number(),
    budget: z.number().nullable(),
    budgetUsed: z.number().nullable(),
    paidGmv: z.number(),
    roi: z.number().nullable(),
    launchGmv: z.number(),
    activityRoi: z.number().nullable(),
  }),
  /** Every budget alert: which budget, crossed or projected, at which minute, and who took it. */
  budgetAlerts: z.array(
    z.object({
      scope: BudgetScopeSchema,
      crossing: z.enum(['crossed', 'projected']),
      minute: z.number().int(),
      /** The budget and the spend when it was raised. */
      budget: z.number(),
      spend: z.number(),
      raisedAt: z.string(),
      status: z.enum(['open', 'acknowledged', 'cleared']),
      ackedBy: z.string().nullable(),
    }),
  ),
});
export type ReviewChannels = z.infer<typeof ReviewChannels>;
