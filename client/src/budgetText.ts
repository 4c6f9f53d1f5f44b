/**
 * Channel and budget alerts in words, for every screen that lists alerts: 「直通车 花费 ¥12,050
 * 已超预算 ¥12,000（T+31）」, and a channel's breach named by its channel (「直通车 访客数」).
 */
import { type Alert, CHANNEL_LABELS, type ComparedMetric, type Lang, translate } from '@warroom/shared';
import { formatCount } from './format';
import { metricLabel } from './i18n';

/**
 * The metric an alert is about, with its channel when it is a channel's (直通车 访客数); `short`
 * (the wall's headline, read across the room) names the channel alone — its plan says 流量不足.
 */
export function alertMetricLabel(
  lang: Lang,
  alert: Pick<Alert, 'channel'>,
  metric: ComparedMetric,
  short = false,
): string {
  const name = metricLabel(lang, metric);
  if (!alert.channel) return name;
  const channel = CHANNEL_LABELS[alert.channel][lang];
  return short ? channel : `${channel} ${name}`;
}

export function budgetLine(lang: Lang, alert: Pick<Alert, 'kind' | 'budget'>): string | null {
  const b = alert.kind === 'budget' ? alert.budget : undefined;
  if (!b) return null;
  const scope = b.scope === 'total' ? translate(lang, 'channel.total') : CHANNEL_LABELS[b.scope][lang];
  return translate(lang, b.crossing === 'crossed' ? 'budget.crossed' : 'budget.projected', {
    scope,
    spend: formatCount(lang, b.spend, 0),
    budget: formatCount(lang, b.budget, 0),
    minute: b.minute,
  });
}
