/**
 * The client's view of the product dictionary (shared/src/i18n: zh-CN the source, English beside
 * it, placeholders {name}) and the label helpers the pages use.
 */
import {
  METRIC_LABELS,
  OWNER_ROLE_LABELS,
  isSituation,
  translate,
  type ComparedMetric,
  type Lang,
  type Metric,
  type OwnerRole,
  type PlaybookKey,
} from '@warroom/shared';

export { SCENARIO_LABELS, translate, type Lang, type MessageKey } from '@warroom/shared';

/** A compared metric's name, or a situation's (数据中断, 库存预警, 已售罄, 待付款…). */
export function metricLabel(lang: Lang, metric: PlaybookKey): string {
  if (metric === 'data-gap') return translate(lang, 'dataGap');
  if (isSituation(metric)) return translate(lang, `situation.${metric}`);
  return METRIC_LABELS[metric][lang];
}

/** Short metric names, where a line has no room for full labels (the checkpoint strip: seven at 1920 px). */
const SHORT_METRIC: Record<Metric, { zh: string; en: string }> = {
  uv: { zh: '访客', en: 'UV' },
  pv: { zh: '浏览', en: 'PV' },
  fav: { zh: '收藏', en: 'Fav' },
  cart: { zh: '加购', en: 'Cart' },
  orders: { zh: '买家', en: 'Buyers' },
  units: { zh: '件数', en: 'Units' },
  gmv: { zh: '金额', en: 'GMV' },
};

/** A compared metric's short name (访客, 金额…); a derived metric keeps its full label. */
export function metricShortLabel(lang: Lang, metric: ComparedMetric): string {
  return metric in SHORT_METRIC ? SHORT_METRIC[metric as Metric][lang] : metricLabel(lang, metric);
}

export function roleLabel(lang: Lang, role: OwnerRole): string {
  return OWNER_ROLE_LABELS[role][lang];
}
