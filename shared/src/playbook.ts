import { z } from 'zod';
import { type LabelPair, issueError, labelsOf } from './i18n';
import { ComparedMetric } from './metrics';

/** Owner roles from the team's plans (who is paged for a backup plan). */
export const OWNER_ROLES = ['运营主管', '推广主管', '客服主管', '美工主管', '仓储主管', '电商经理'] as const;
export const OwnerRole = z.enum(OWNER_ROLES);
export type OwnerRole = z.infer<typeof OwnerRole>;

export const OWNER_ROLE_LABELS: Record<OwnerRole, LabelPair> = labelsOf(OWNER_ROLES, (r) => `ownerRole.${r}`);

/** Where an unacknowledged alert goes when it escalates. */
export const ESCALATION_ROLE: OwnerRole = '电商经理';

export const Direction = z.enum(['over', 'under']);
export type Direction = z.infer<typeof Direction>;

const Text = (max: number) => z.string().trim().min(1, issueError('v.mustNotBeEmpty')).max(max);

export const PlanOwner = z.strictObject({
  role: OwnerRole,
  actions: z.array(Text(200)).min(1).max(20),
});
export type PlanOwner = z.infer<typeof PlanOwner>;

/**
 * Situations with a plan of their own and no direction: the feed is down (data-gap), stock will run
 * out before the end (low-stock), it ran out (sold-out), orders wait to be paid (unpaid), traffic
 * off plan once the item sold out (sold-out-traffic: 关联销售 / 引流到关联款), spend over a budget
 * (budget: 超预算, the 电商经理's).
 */
export const SITUATIONS = [
  'data-gap',
  'low-stock',
  'sold-out',
  'unpaid',
  'sold-out-traffic',
  'budget',
] as const;
export const Situation = z.enum(SITUATIONS);
export type Situation = z.infer<typeof Situation>;
export const PlaybookKey = z.union([ComparedMetric, Situation]);
export type PlaybookKey = z.infer<typeof PlaybookKey>;

export function isSituation(key: string): key is Situation {
  return (SITUATIONS as readonly string[]).includes(key);
}

/**
 * One backup plan (预备方案): what to do when `metric` breaches in `direction`. A situation's plan
 * (data-gap, low-stock, sold-out, unpaid, sold-out-traffic, budget) has no direction.
 */
export const PlaybookEntry = z
  .strictObject({
    metric: PlaybookKey,
    direction: Direction.nullable(),
    title: Text(100),
    owners: z.array(PlanOwner).min(1).max(6),
  })
  .refine((e) => isSituation(e.metric) === (e.direction === null), {
    ...issueError('v.dataGapDirection'),
    path: ['direction'],
  });
export type PlaybookEntry = z.infer<typeof PlaybookEntry>;
