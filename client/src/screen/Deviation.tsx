import type { Comparison } from '@warroom/shared';
import { useLang, useT } from '../hooks';
import { levelOf } from '../derive';
import { formatDeviation } from '../format';

/**
 * "较预估 ▼8.0%": direction by arrow (in words in the title), colour for severity only (as the
 * engine's exact rule decides it).
 */
export function Deviation({ comparison, prefix = true }: { comparison: Comparison; prefix?: boolean }) {
  const t = useT();
  const lang = useLang();
  const { deviation } = comparison;
  if (deviation === null) return <span className="deviation">{prefix ? `${t('vsForecast')} —` : '—'}</span>;
  const level = levelOf(comparison.severity);
  const flat = Math.abs(deviation) < 0.0005;
  const arrow = flat ? '＝' : deviation > 0 ? '▲' : '▼';
  const word = flat ? t('onPlan') : deviation > 0 ? t('above') : t('below');
  // Arrow and figure only: ten tiles share the row; the words stay in the title.
  return (
    <span
      className={`deviation level-${level}`}
      data-level={level}
      title={`${t('vsForecast')} ${word} ${flat ? '' : formatDeviation(lang, deviation)}`}
    >
      {prefix && `${t('vsForecast')} `}
      <b>{flat ? '±0%' : `${arrow}${formatDeviation(lang, deviation)}`}</b>
    </span>
  );
}
