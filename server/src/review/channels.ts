/**
 * The review's channel section (流量来源): visitors by channel against the channel plan, spend
 * against budget and ROI, from the shared channel ledger the engine and the wall use, and the budget
 * alerts the launch raised. For launches with channel data only.
 */
import {
  type BudgetScope,
  CHANNEL_LABELS,
  type LaunchState,
  type MessageKey,
  type ReviewChannels,
  channelLedger,
  hasChannelPlan,
  translate,
} from '@warroom/shared';
import type { Section } from './export';

export function channelReview(state: LaunchState): ReviewChannels | null {
  const { launch } = state;
  const ledger = channelLedger(state.readings.values(), launch);
  if (ledger.minutesWithChannels === 0 && !hasChannelPlan(launch) && !launch.budgets) return null;
  const budgetAlerts = [...state.alerts.values()]
    .filter((a) => a.kind === 'budget' && a.budget)
    .sort((x, y) => x.raisedAt.localeCompare(y.raisedAt) || x.id.localeCompare(y.id))
    .map((a) => ({
      scope: a.budget!.scope,
      crossing: a.budget!.crossing,
      minute: a.budget!.minute,
      budget: a.budget!.budget,
      spend: a.budget!.spend,
      raisedAt: a.raisedAt,
      status: a.status,
      ackedBy: a.ackedBy,
    }));
  return {
    rows: ledger.channels.map((f) => ({
      channel: f.channel,
      uv: f.uv,
      planUv: f.planUv,
      uvDeviation: f.uvComparison.deviation,
      orders: f.orders,
      gmv: f.gmv,
      spend: f.spend,
      budget: f.budget,
      budgetUsed: f.budgetUsed,
      roi: f.roi,
    })),
    total: {
      spend: ledger.total.spend,
      budget: ledger.total.budget,
      budgetUsed: ledger.total.budgetUsed,
      paidGmv: ledger.total.paidGmv,
      roi: ledger.total.roi,
      launchGmv: ledger.total.launchGmv,
      activityRoi: ledger.total.activityRoi,
    },
    budgetAlerts,
  };
}

const w = (key: MessageKey) => translate('zh', key);
const STATUS: Record<ReviewChannels['budgetAlerts'][number]['status'], MessageKey> = {
  open: 'statusOpen',
  acknowledged: 'statusAcknowledged',
  cleared: 'export.cleared',
};
const scopeName = (s: BudgetScope) => (s === 'total' ? w('channel.total') : CHANNEL_LABELS[s].zh);

/** The channel section as export tables (in Chinese, like the rest of the export). */
export function channelSections(c: ReviewChannels | undefined): Section[] {
  if (!c) return [];
  return [
    {
      name: w('channel.strip'),
      headers: [
        w('export.channel'),
        w('channel.uv'),
        w('export.planUv'),
        w('deviationCol'),
        w('metric.orders'),
        w('metric.gmv'),
        w('channel.spend'),
        w('channel.budget'),
        w('export.budgetUsed'),
        w('channel.roi'),
      ],
      rows: [
        ...c.rows.map((r) => [
          CHANNEL_LABELS[r.channel].zh,
          r.uv,
          r.planUv,
          r.uvDeviation,
          r.orders,
          r.gmv,
          r.spend,
          r.budget,
          r.budgetUsed,
          r.roi,
        ]),
        [
          w('channel.total'),
          null,
          null,
          null,
          null,
          c.total.paidGmv,
          c.total.spend,
          c.total.budget,
          c.total.budgetUsed,
          c.total.roi,
        ],
        [
          w('channel.activityRoi'),
          null,
          null,
          null,
          null,
          c.total.launchGmv,
          c.total.spend,
          null,
          null,
          c.total.activityRoi,
        ],
      ],
    },
    {
      name: w('situation.budget'),
      headers: [
        w('export.budgetScope'),
        w('export.crossing'),
        w('export.minute'),
        w('export.raisedAt'),
        w('statusCol'),
        w('ackCol'),
      ],
      rows: c.budgetAlerts.map((a) => [
        scopeName(a.scope),
        w(a.crossing === 'crossed' ? 'export.crossed' : 'export.projected'),
        a.minute,
        a.raisedAt,
        w(STATUS[a.status]),
        a.ackedBy,
      ]),
    },
  ];
}
