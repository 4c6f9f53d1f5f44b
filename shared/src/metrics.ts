import { z } from 'zod';

/** The per-minute measures a reading carries, as increments for that minute. */
export const METRICS = ['uv', 'pv', 'fav', 'cart', 'orders', 'units', 'gmv'] as const;
export const Metric = z.enum(METRICS);
export type Metric = z.infer<typeof Metric>;

/** Metrics compared at checkpoints unless a launch says otherwise. */
export const DEFAULT_COMPARED_METRICS: readonly Metric[] = ['uv', 'units', 'gmv'];

/** Counts are whole numbers; money (gmv) may carry fen. */
export const COUNT_METRICS: readonly Metric[] = ['uv', 'pv', 'fav', 'cart', 'orders', 'units'];

/** Largest value a single metric may carry; keeps sums exact and rejects unit mix-ups. */
export const MAX_METRIC_VALUE = 1e12;

export const METRIC_LABELS: Record<Metric, { zh: string; en: string }> = {
  uv: { zh: '访客数', en: 'Visitors' },
  pv: { zh: '浏览量', en: 'Page views' },
  fav: { zh: '收藏', en: 'Favourites' },
  cart: { zh: '加购', en: 'Add to cart' },
  orders: { zh: '支付买家数', en: 'Buyers' },
  units: { zh: '支付件数', en: 'Units sold' },
  gmv: { zh: '支付金额', en: 'GMV' },
};

/** A metric value as it may appear on the wire: finite, non-negative, bounded. */
export const MetricValue = z
  .number({ error: 'must be a number' })
  .finite({ error: 'must be a finite number' })
  .min(0, { error: 'must not be negative' })
  .max(MAX_METRIC_VALUE, { error: `must be at most ${MAX_METRIC_VALUE}` });

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
