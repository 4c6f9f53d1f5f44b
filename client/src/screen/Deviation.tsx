import { useLang, useT } from '../hooks';
import { levelOf } from '../derive';
import { formatDeviation } from '../format';

/** "较预估 ▼ 低于 8.0%": direction in words and arrows, colour for severity only. */
export function Deviation({
  deviation,
  tolerance,
  prefix = true,
}: {
  deviation: number | null;
  tolerance: number;
  prefix?: boolean;
}) {
  const t = useT();
  const lang = useLang();
  if (deviation === null) return <span className="deviation">{prefix ? `${t('vsForecast')} —` : '—'}</span>;
  const level = levelOf(deviation, tolerance);
  const flat = Math.abs(deviation) < 0.0005;
  const arrow = flat ? '＝' : deviation > 0 ? '▲' : '▼';
  const word = flat ? t('onPlan') : deviation > 0 ? t('above') : t('below');
  return (
    <span className={`deviation level-${level}`} data-level={level}>
      {prefix && `${t('vsForecast')} `}
      <b>
        {arrow} {word}
        {!flat && ` ${formatDeviation(lang, deviation)}`}
      </b>
    </span>
  );
}
