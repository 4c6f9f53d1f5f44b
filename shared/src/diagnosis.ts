/**
 * Why a miss happened (归因): GMV = 访客数 × 转化率 × 客单价, so over a checkpoint's window
 * (1+g) = (1+u)(1+c)(1+a) — the GMV deviation is the product of the traffic (visitors), conversion
 * (paid buyers per visitor) and order value (GMV per paid buyer) deviations, exactly. The factor
 * that moved furthest in the direction of the miss is its cause, and the cause decides whose plan
 * applies: traffic → 推广主管; conversion → 运营主管 / 美工主管; order value → 运营主管.
 */
import { z } from 'zod';

export const CAUSES = ['traffic', 'conversion', 'order-value'] as const;
export const Cause = z.enum(CAUSES);
export type Cause = z.infer<typeof Cause>;

export const Diagnosis = z.object({
  cause: Cause,
  /** GMV's deviation, actual / forecast − 1. */
  gmv: z.number(),
  /** Each factor's deviation: (1+gmv) = (1+traffic)(1+conversion)(1+orderValue). */
  factors: z.object({ traffic: z.number(), conversion: z.number(), orderValue: z.number() }),
  /** Paid buyers were not known: `conversion` stands for GMV per visitor, `orderValue` for nothing. */
  withoutBuyers: z.literal(true).optional(),
  /** Each factor's share of log(1+gmv) (they sum to 1; null when GMV is exactly on plan). */
  shares: z.object({ traffic: z.number(), conversion: z.number(), orderValue: z.number() }).nullable(),
});
export type Diagnosis = z.infer<typeof Diagnosis>;
