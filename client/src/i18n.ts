/**
 * The client's view of the product dictionary (shared/src/i18n: zh-CN the source, English beside
 * it, placeholders {name}) and the label helpers the pages use.
 */
import {
  METRIC_LABELS,
  OWNER_ROLE_LABELS,
  isSituation,
  translate,
  type Lang,
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

export function roleLabel(lang: Lang, role: OwnerRole): string {
  return OWNER_ROLE_LABELS[role][lang];
}
