import { z } from 'zod';
import { Metric } from './metrics';

/** Owner roles from the team's plans (who is paged for a backup plan). */
export const OWNER_ROLES = ['运营主管', '推广主管', '客服主管', '美工主管', '仓储主管', '电商经理'] as const;
export const OwnerRole = z.enum(OWNER_ROLES);
export type OwnerRole = z.infer<typeof OwnerRole>;

export const OWNER_ROLE_LABELS: Record<OwnerRole, { zh: string; en: string }> = {
  运营主管: { zh: '运营主管', en: 'Operations lead' },
  推广主管: { zh: '推广主管', en: 'Promotion lead' },
  客服主管: { zh: '客服主管', en: 'Customer service lead' },
  美工主管: { zh: '美工主管', en: 'Design lead' },
  仓储主管: { zh: '仓储主管', en: 'Warehouse lead' },
  电商经理: { zh: '电商经理', en: 'E-commerce manager' },
};

/** Where an unacknowledged alert goes when it escalates. */
export const ESCALATION_ROLE: OwnerRole = '电商经理';

export const Direction = z.enum(['over', 'under']);
export type Direction = z.infer<typeof Direction>;

const Text = (max: number) => z.string().trim().min(1, { error: 'must not be empty' }).max(max);

export const PlanOwner = z.strictObject({
  role: OwnerRole,
  actions: z.array(Text(200)).min(1).max(20),
});
export type PlanOwner = z.infer<typeof PlanOwner>;

/**
 * One backup plan (预备方案): what to do when `metric` breaches in `direction`. A data-gap plan has
 * metric "data-gap" and no direction.
 */
export const PlaybookEntry = z
  .strictObject({
    metric: z.union([Metric, z.literal('data-gap')]),
    direction: Direction.nullable(),
    title: Text(100),
    owners: z.array(PlanOwner).min(1).max(6),
  })
  .refine((e) => (e.metric === 'data-gap') === (e.direction === null), {
    error: 'a data-gap plan has direction null; a metric plan has direction "over" or "under"',
    path: ['direction'],
  });
export type PlaybookEntry = z.infer<typeof PlaybookEntry>;
