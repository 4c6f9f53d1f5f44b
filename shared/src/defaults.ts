import type { Metric } from './metrics';
import type { Direction, PlaybookEntry } from './playbook';

/** 开团后 15/25/45/60 分钟, then every 30 minutes to the end of the launch. */
export function defaultCheckpoints(durationMinutes: number): number[] {
  const out = [15, 25, 45, 60].filter((t) => t <= durationMinutes);
  for (let t = 90; t <= durationMinutes; t += 30) out.push(t);
  return out;
}

const TRAFFIC_UNDER = {
  title: '流量不足',
  owners: [
    {
      role: '推广主管' as const,
      actions: ['直通车加价/放开限额', '钻展加投', '短信/旺旺/社群召回老客', '淘客佣金上调'],
    },
  ],
};
const TRAFFIC_OVER = {
  title: '流量超预期',
  owners: [
    { role: '客服主管' as const, actions: ['客服增援', '启用快捷短语'] },
    { role: '运营主管' as const, actions: ['核对库存与限购'] },
  ],
};
const SALES_UNDER = {
  title: '销量不足',
  owners: [
    {
      role: '运营主管' as const,
      actions: ['核对价格/链接/页面', '客服催付未付款订单', '发放限时优惠券'],
    },
    { role: '美工主管' as const, actions: ['调整主图/详情页'] },
  ],
};
const SALES_OVER = {
  title: '销量超预期',
  owners: [
    { role: '运营主管' as const, actions: ['库存预警', '补单给生产部'] },
    { role: '仓储主管' as const, actions: ['增加打包人手'] },
  ],
};
const DATA_GAP = {
  title: '数据中断 · 应急方案',
  owners: [
    { role: '运营主管' as const, actions: ['启动应急方案: 切换备用网络', '人工录入数据', '通知电商经理'] },
  ],
};

/** Traffic-side metrics take the traffic plans; the rest are sales-side. */
const TRAFFIC_METRICS: readonly Metric[] = ['uv', 'pv', 'fav'];

function entry(metric: Metric, direction: Direction): PlaybookEntry {
  const traffic = TRAFFIC_METRICS.includes(metric);
  const base =
    direction === 'under' ? (traffic ? TRAFFIC_UNDER : SALES_UNDER) : traffic ? TRAFFIC_OVER : SALES_OVER;
  return {
    metric,
    direction,
    title: base.title,
    owners: base.owners.map((o) => ({ ...o, actions: [...o.actions] })),
  };
}

/** The team's own plans (DESIGN.md), one entry per (metric, direction) plus the data-gap plan. */
export function defaultPlaybook(metrics: readonly Metric[]): PlaybookEntry[] {
  const out: PlaybookEntry[] = [];
  for (const m of metrics) out.push(entry(m, 'under'), entry(m, 'over'));
  out.push({
    metric: 'data-gap',
    direction: null,
    title: DATA_GAP.title,
    owners: DATA_GAP.owners.map((o) => ({ ...o, actions: [...o.actions] })),
  });
  return out;
}

/** The plan for a breach: the launch's own entry, else the default for that metric. */
export function playbookFor(
  playbook: readonly PlaybookEntry[],
  metric: Metric | 'data-gap',
  direction: Direction | null,
): PlaybookEntry {
  const own = playbook.find((e) => e.metric === metric && e.direction === direction);
  if (own) return own;
  if (metric === 'data-gap') return defaultPlaybook([]).at(-1)!;
  return entry(metric, direction ?? 'under');
}
