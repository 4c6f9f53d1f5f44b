import { z } from 'zod';
import { type LabelPair, issueError, labelsOf } from './i18n';

/** The per-minute measures every reading carries, as increments for that minute. */
export const METRICS = ['uv', 'pv', 'fav', 'cart', 'orders', 'units', 'gmv'] as const;
export const Metric = z.enum(METRICS);
export type Metric = z.infer<typeof Metric>;

/**
 * Measures a reading (or a forecast point) may carry besides: orders placed (下单买家数) and their
 * amount (下单金额) — paid ones are `orders`/`gmv` — and first-time buyers (新买家).
 */
export const ORDER_METRICS = ['placedOrders', 'placedGmv', 'newBuyers'] as const;
export type OrderMetric = (typeof ORDER_METRICS)[number];

/** One of the seven measures every reading carries (an order measure is optional). */
export function isCoreMetric(m: BaseMetric): m is Metric {
  return (METRICS as readonly string[]).includes(m);
}

/** Every summed measure: what a checkpoint can add up over its window. */
export const BASE_METRICS = [...METRICS, ...ORDER_METRICS] as const;
export type BaseMetric = (typeof BASE_METRICS)[number];

/**
 * Ratios compared as metrics under the same ±tolerance rule, exactly: conversion (转化率 = paid
 * buyers per visitor), order value (客单价 = GMV per paid buyer) and payment rate (下单-支付转化率 =
 * paid per placed order).
 */
export const RATIO_METRICS = ['conversion', 'orderValue', 'payRate'] as const;
export type RatioMetric = (typeof RATIO_METRICS)[number];
export const RATIOS: Readonly<Record<RatioMetric, { num: BaseMetric; den: BaseMetric }>> = {
  conversion: { num: 'orders', den: 'uv' },
  orderValue: { num: 'gmv', den: 'orders' },
  payRate: { num: 'orders', den: 'placedOrders' },
};

/** What a checkpoint may compare with the forecast. */
export const COMPARED_METRICS = [...BASE_METRICS, ...RATIO_METRICS] as const;
export const ComparedMetric = z.enum(COMPARED_METRICS);
export type ComparedMetric = z.infer<typeof ComparedMetric>;

export function isRatioMetric(m: ComparedMetric): m is RatioMetric {
  return (RATIO_METRICS as readonly string[]).includes(m);
}

/** The summed measures a compared metric needs. */
export function baseMetricsOf(m: ComparedMetric): BaseMetric[] {
  return isRatioMetric(m) ? [RATIOS[m].num, RATIOS[m].den] : [m];
}

/**
 * Side measures a feed may never send (page views, 收藏/加购, placed orders, new buyers): a window
 * with no reading carrying one has nothing to compare or project; the core ones always count.
 */
export const NOT_ALWAYS_REPORTED: readonly ComparedMetric[] = [
  'pv',
  'fav',
  'cart',
  'placedOrders',
  'placedGmv',
  'newBuyers',
];

/** Metrics compared at checkpoints unless a launch says otherwise. */
export const DEFAULT_COMPARED_METRICS: readonly Metric[] = ['uv', 'units', 'gmv'];

/** Counts are whole numbers; money (gmv) may carry fen. */
export const COUNT_METRICS: readonly Metric[] = ['uv', 'pv', 'fav', 'cart', 'orders', 'units'];

/** Every base measure counted in whole numbers (money — gmv, placedGmv — may carry fen). */
export const WHOLE_METRICS: readonly BaseMetric[] = [...COUNT_METRICS, 'placedOrders', 'newBuyers'];

/** Largest value a single metric may carry; keeps sums exact and rejects unit mix-ups. */
export const MAX_METRIC_VALUE = 1e12;

export const METRIC_LABELS: Record<ComparedMetric, LabelPair> = labelsOf(
  COMPARED_METRICS,
  (m) => `metric.${m}`,
);

/** A metric value as it may appear on the wire: finite, non-negative, bounded. */
export const MetricValue = z
  .number(issueError('v.mustBeNumber'))
  .finite(issueError('v.mustBeFinite'))
  .min(0, issueError('v.mustNotBeNegative'))
  .max(MAX_METRIC_VALUE, issueError('v.mustBeAtMost', { max: MAX_METRIC_VALUE }));

/** All seven metrics present (missing increments are zero). */
export const MetricValues = z.object({
  uv: z.number(),
  pv: z.number(),
  fav: z.number(),
  cart: z.number(),
  orders: z.number(),
  units: z.number(),
  gmv: z.number(),
});
export type MetricValues = z.infer<typeof MetricValues>;

export function zeroMetrics(): MetricValues {
  return { uv: 0, pv: 0, fav: 0, cart: 0, orders: 0, units: 0, gmv: 0 };
}

/** The optional order measures, as they may appear on the wire. */
export const OrderMetricValues = {
  placedOrders: MetricValue.int(issueError('v.mustBeWholeNumber')).optional(),
  placedGmv: MetricValue.optional(),
  newBuyers: MetricValue.int(issueError('v.mustBeWholeNumber')).optional(),
};

/** A value of a base metric of a point (a reading or a forecast minute); an absent one is 0. */
export function valueOf(p: Partial<Record<BaseMetric, number>>, m: BaseMetric): number {
  return p[m] ?? 0;
}
