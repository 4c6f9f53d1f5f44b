/** One launch on the group wall: name, T+mm, GMV and completion, stock or 售罄, worst incident, freshness. */
import { memo, useMemo } from 'react';
import type { GroupLaunch } from '@warroom/shared';
import { useLang, useT } from '../hooks';
import { formatAge, formatDeviation, formatMoney, formatPercent } from '../format';
import { metricLabel, roleLabel } from '../i18n';
import { IconCheck, IconDot, IconEscalated, IconWarning } from '../icons';
import type { LaunchView } from '../store/launchFold';

function minuteText(tile: GroupLaunch): string {
  const m = tile.minute;
  const mm = (n: number) => String(Math.abs(n)).padStart(2, '0');
  return m < 0 ? `T-${mm(m)}` : `T+${mm(Math.min(m, tile.durationMinutes))}`;
}

/** A tile redraws only when what it shows changed (the group view builds new objects every time). */
const sameTile = (
  a: { tile: GroupLaunch; state: LaunchView | undefined; compact: boolean },
  b: { tile: GroupLaunch; state: LaunchView | undefined; compact: boolean },
) =>
  a.compact === b.compact &&
  (a.state === b.state || a.state?.readings === b.state?.readings) &&
  JSON.stringify(a.tile) === JSON.stringify(b.tile);

export const LaunchTile = memo(function LaunchTile({
  tile,
  state,
  compact,
}: {
  tile: GroupLaunch;
  state: LaunchView | undefined;
  compact: boolean;
}) {
  const t = useT();
  const lang = useLang();
  const inc = tile.worstIncident;
  const level = !inc ? 'ok' : inc.status === 'open' ? inc.severity : 'acked';
  const age = tile.lastReadingAt ? Date.parse(tile.now) - Date.parse(tile.lastReadingAt) : null;
  const phaseWord =
    tile.phase === 'before' ? t('wall.before') : tile.phase === 'ended' ? t('ended') : minuteText(tile);
  return (
    <article
      className={`gtile panel gtile-${level}`}
      data-testid="group-tile"
      data-launch-id={tile.id}
      data-level={level}
      data-feed={tile.feed}
    >
      <div className="gtile-head">
        <span className="gtile-name">{tile.name}</span>
        <span className="gtile-t num" data-testid="tile-minute">
          {tile.phase === 'before' ? `${phaseWord} ${minuteText(tile)}` : phaseWord}
        </span>
      </div>
      <div className="gtile-body">
        <div className="gtile-figures">
          <div className="gtile-gmv num" data-testid="tile-gmv" data-value={tile.gmv}>
            {formatMoney(lang, tile.gmv)}
          </div>
          <div className="gtile-line num">
            {tile.completion === null ? '—' : formatPercent(lang, tile.completion)} {t('wall.ofPlanShort')}
            {' · '}
            {tile.soldOut ? (
              <span className="level-critical" data-testid="tile-soldout">
                {t('wall.soldOut')}
              </span>
            ) : tile.remaining !== null ? (
              t('remaining', { n: tile.remaining.toLocaleString() })
            ) : (
              t('wall.noStock')
            )}
          </div>
        </div>
        <MiniCurve state={state} compact={compact} />
      </div>
      <div className={`gtile-incident level-${level === 'acked' ? 'ok' : level}`} data-testid="tile-incident">
        {!inc ? (
          <>
            <IconCheck /> {t('wall.tileCalm')}
          </>
        ) : (
          <>
            {inc.status === 'open' ? <IconWarning /> : <IconCheck />}{' '}
            {inc.kind === 'data-gap'
              ? t('dataGap')
              : `${metricLabel(lang, inc.plan.metric)}${inc.deviation === null ? '' : ` ${formatDeviation(lang, inc.deviation)}`}`}
            {' · '}
            {inc.status === 'open'
              ? roleLabel(lang, inc.owner)
              : t('wall.ackedBy', { by: inc.ackedBy ?? '—' })}
            {inc.escalated && <IconEscalated />}
          </>
        )}
      </div>
      <div
        className={`gtile-fresh level-${tile.feed === 'stale' ? 'warning' : 'ok'}`}
        data-testid="tile-fresh"
      >
        <IconDot filled />{' '}
        {tile.feed === 'stale'
          ? t('stale')
          : tile.feed === 'ended'
            ? t('ended')
            : tile.feed === 'waiting'
              ? t('waiting')
              : t('live')}
        {' · '}
        {age === null ? t('noDataYet') : t('lastData', { age: formatAge(lang, Math.max(0, age)) })}
      </div>
    </article>
  );
}, sameTile);

/** Cumulative GMV, actual (solid) against forecast (dashed), as a small SVG: no chart instance per tile. */
function MiniCurve({ state, compact }: { state: LaunchView | undefined; compact: boolean }) {
  const paths = useMemo(() => (state ? curvePaths(state) : null), [state]);
  if (!paths) return <div className="gtile-curve" />;
  return (
    <svg
      className={`gtile-curve${compact ? ' compact' : ''}`}
      viewBox="0 0 100 40"
      preserveAspectRatio="none"
      aria-hidden="true"
      data-testid="tile-curve"
    >
      <path d={paths.forecast} className="mini-forecast" />
      {paths.actual && <path d={paths.actual} className="mini-actual" />}
    </svg>
  );
}

function curvePaths(state: LaunchView): { forecast: string; actual: string | null } {
  const n = state.launch.durationMinutes;
  const f: number[] = [];
  const a: number[] = [];
  let cf = 0;
  let ca = 0;
  let last = -1;
  for (const m of state.readings.keys()) if (m < n && m > last) last = m;
  for (let m = 0; m < n; m++) {
    cf += state.launch.forecast[m]?.gmv ?? 0;
    ca += state.readings.get(m)?.gmv ?? 0;
    f.push(cf);
    if (m <= last) a.push(ca);
  }
  const max = Math.max(1, cf, ca);
  const step = Math.max(1, Math.floor(n / 60));
  const path = (ys: number[]) =>
    ys
      .filter((_, i) => i % step === 0 || i === ys.length - 1)
      .map((y, i, arr) => {
        const idx = Math.min(ys.length - 1, i * step);
        const x = ((arr.length - 1 === i ? ys.length - 1 : idx) / Math.max(1, n - 1)) * 100;
        return `${i === 0 ? 'M' : 'L'}${x.toFixed(1)},${(40 - (y / max) * 38).toFixed(1)}`;
      })
      .join('');
  return { forecast: path(f), actual: a.length > 1 ? path(a) : null };
}
