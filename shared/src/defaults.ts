import type { CheckpointMetrics } from './launch';
import type { ComparedMetric } from './metrics';
import type { Direction, OwnerRole, PlaybookEntry, PlaybookKey, Situation } from './playbook';

/** A plan as the defaults write it. */
interface Plan {
  title: string;
  owners: { role: OwnerRole; actions: string[] }[];
}

/**
 * The team's checks: 开团前1小时 点击/收藏/加购 (T−60) and 开团前半小时 流量 (T−30) when the launch has
 * a preheat that long; 开团后5分钟 收藏/加购/销量 (T+5); then 开团后 15/25/45/60 分钟 and every 30
 * minutes to the end with the launch's metrics.
 */
export function defaultCheckpoints(durationMinutes: number, preheatMinutes = 0): number[] {
  const out = DEFAULT_CHECKPOINT_METRICS.map((c) => c.at).filter((t) =>
    t < 0 ? -t < preheatMinutes : t <= durationMinutes,
  );
  for (const t of [15, 25, 45, 60]) if (t <= durationMinutes) out.push(t);
  for (let t = 90; t <= durationMinutes; t += 30) out.push(t);
  return out;
}

/** The default checkpoints with metric sets of their own. */
export const DEFAULT_CHECKPOINT_METRICS: readonly CheckpointMetrics[] = [
  { at: -60, metrics: ['pv', 'fav', 'cart'] },
  { at: -30, metrics: ['pv', 'uv'] },
  { at: 5, metrics: ['fav', 'cart', 'units'] },
];

const TRAFFIC_UNDER: Plan = {
  title: '流量不足',
  owners: [
    {
      role: '推广主管' as const,
      actions: ['直通车加价/放开限额', '钻展加投', '短信/旺旺/社群召回老客', '淘客佣金上调'],
    },
  ],
};
const TRAFFIC_OVER: Plan = {
  title: '流量超预期',
  owners: [
    { role: '客服主管' as const, actions: ['客服增援', '启用快捷短语'] },
    { role: '运营主管' as const, actions: ['核对库存与限购'] },
  ],
};
const SALES_UNDER: Plan = {
  title: '销量不足',
  owners: [
    {
      role: '运营主管' as const,
      actions: ['核对价格/链接/页面', '客服催付未付款订单', '发放限时优惠券'],
    },
    { role: '美工主管' as const, actions: ['调整主图/详情页'] },
  ],
};
const SALES_OVER: Plan = {
  title: '销量超预期',
  owners: [
    { role: '运营主管' as const, actions: ['库存预警', '补单给生产部'] },
    { role: '仓储主管' as const, actions: ['增加打包人手'] },
  ],
};
const CONVERSION_UNDER: Plan = {
  title: '转化不足',
  owners: [
    { role: '运营主管' as const, actions: ['核对价格/链接/页面', '发放限时优惠券', '客服催付未付款订单'] },
    { role: '美工主管' as const, actions: ['调整主图/详情页'] },
  ],
};
const ORDER_VALUE_UNDER: Plan = {
  title: '客单价偏低',
  owners: [{ role: '运营主管' as const, actions: ['推出搭配套餐', '设置满减/满件优惠', '关联推荐加购'] }],
};
const ORDER_VALUE_OVER: Plan = {
  title: '客单价超预期',
  owners: [{ role: '运营主管' as const, actions: ['核对价格与优惠是否生效', '核对库存与限购'] }],
};
const PAYMENT_UNDER: Plan = {
  title: '支付率偏低',
  owners: [{ role: '客服主管' as const, actions: ['旺旺/短信催付', '核对支付通道'] }],
};
const SITUATION_PLANS: Record<Exclude<Situation, 'data-gap'>, Plan> = {
  'low-stock': {
    title: '库存预警',
    owners: [{ role: '运营主管', actions: ['补货', '开启预售', '准备关联款'] }],
  },
  'sold-out': {
    title: '已售罄',
    owners: [
      { role: '运营主管', actions: ['上架关联款/关联销售', '核对补货与发货'] },
      { role: '推广主管', actions: ['引流到关联款'] },
    ],
  },
  'sold-out-traffic': {
    title: '售罄后流量 · 关联销售',
    owners: [
      { role: '推广主管', actions: ['引流到关联款'] },
      { role: '运营主管', actions: ['关联销售'] },
    ],
  },
  budget: {
    title: '超预算',
    owners: [
      { role: '电商经理', actions: ['核对各渠道花费与ROI', '暂停或降低低ROI渠道出价', '决定追加或调整预算'] },
      { role: '推广主管', actions: ['按决定调整出价/限额'] },
    ],
  },
  unpaid: {
    title: '待付款过多',
    owners: [{ role: '客服主管', actions: ['旺旺催付', '短信催付', '核对支付通道'] }],
  },
};
const DATA_GAP: Plan = {
  title: '数据中断 · 应急方案',
  owners: [
    { role: '运营主管' as const, actions: ['启动应急方案: 切换备用网络', '人工录入数据', '通知电商经理'] },
  ],
};

/** Traffic-side metrics take the traffic plans; the rest are sales-side. */
const TRAFFIC_METRICS: readonly ComparedMetric[] = ['uv', 'pv', 'fav'];

function planFor(metric: ComparedMetric, direction: Direction): Plan {
  const under = direction === 'under';
  if (metric === 'conversion') return under ? CONVERSION_UNDER : SALES_OVER;
  if (metric === 'orderValue') return under ? ORDER_VALUE_UNDER : ORDER_VALUE_OVER;
  if (metric === 'payRate') return under ? PAYMENT_UNDER : SALES_OVER;
  const traffic = TRAFFIC_METRICS.includes(metric);
  return under ? (traffic ? TRAFFIC_UNDER : SALES_UNDER) : traffic ? TRAFFIC_OVER : SALES_OVER;
}

function copy(key: PlaybookKey, direction: Direction | null, base: Plan): PlaybookEntry {
  return {
    metric: key,
    direction,
    title: base.title,
    owners: base.owners.map((o) => ({ ...o, actions: [...o.actions] })),
  };
}

function situationPlan(s: Situation): Plan {
  return s === 'data-gap' ? DATA_GAP : SITUATION_PLANS[s];
}

/**
 * The team's own plans: one entry per (metric, direction) of the compared metrics, then the
 * situations' plans (data gap, low stock, sold out, traffic after a sell-out, unpaid orders, budget).
 */
export function defaultPlaybook(metrics: readonly ComparedMetric[]): PlaybookEntry[] {
  const out: PlaybookEntry[] = [];
  for (const m of metrics)
    out.push(copy(m, 'under', planFor(m, 'under')), copy(m, 'over', planFor(m, 'over')));
  out.push(copy('data-gap', null, DATA_GAP));
  for (const s of ['low-stock', 'sold-out', 'sold-out-traffic', 'unpaid', 'budget'] as const)
    out.push(copy(s, null, SITUATION_PLANS[s]));
  return out;
}

/** The plan for a breach or a situation: the launch's own entry, else the team's default. */
export function playbookFor(
  playbook: readonly PlaybookEntry[],
  key: PlaybookKey,
  direction: Direction | null,
): PlaybookEntry {
  const own = playbook.find((e) => e.metric === key && e.direction === direction);
  if (own) return own;
  if (direction === null || key === 'data-gap' || isSituationKey(key))
    return copy(key, null, situationPlan(key as Situation));
  return copy(key, direction, planFor(key, direction));
}

function isSituationKey(key: PlaybookKey): key is Situation {
  return ['data-gap', 'low-stock', 'sold-out', 'unpaid', 'sold-out-traffic', 'budget'].includes(key);
}
