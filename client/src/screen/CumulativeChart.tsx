/** Cumulative actual (solid) vs forecast (dashed), ±tolerance band, checkpoints marked by result. */
import { useEffect, useRef, useState } from 'react';
import { preheatOf, type Metric } from '@warroom/shared';
import { useChart } from '../charts/useChart';
import { useUnit } from '../charts/useUnit';
import { COLORS } from '../charts/theme';
import { axisFontSize, chartGrid, minuteAxis } from '../charts/axis';
import {
  CHECKPOINT_MARK,
  checkpointViews,
  cumulativeSeries,
  featuredAlert,
  lastMinute,
  levelOf,
} from '../derive';
import { useLang, useT } from '../hooks';
import { metricLabel, type Lang } from '../i18n';
import { formatCompact, formatPercent } from '../format';
import type { LaunchView } from '../store/launchFold';

const CHART_METRICS: readonly Metric[] = ['gmv', 'units', 'uv', 'fav', 'cart'];
/** The switch has room for five buttons beside the title: 收藏/加购 short in English. */
const SWITCH_SHORT: Partial<Record<Metric, string>> = { fav: 'Fav', cart: 'Cart' };
const switchLabel = (lang: Lang, m: Metric) =>
  lang === 'en' ? (SWITCH_SHORT[m] ?? metricLabel(lang, m)) : metricLabel(lang, m);

function baseOption() {
  return {
    animationDurationUpdate: 400,
    grid: { left: 60, right: 60, top: 40, bottom: 24 },
    xAxis: { type: 'category' as const, boundaryGap: false, data: [] as string[] },
    yAxis: { type: 'value' as const, splitLine: { lineStyle: { color: COLORS.line } } },
    series: [
      {
        id: 'lower',
        type: 'line' as const,
        stack: 'band',
        symbol: 'none',
        data: [],
        lineStyle: { opacity: 0 },
      },
      {
        id: 'band',
        type: 'line' as const,
        stack: 'band',
        symbol: 'none',
        data: [],
        lineStyle: { opacity: 0 },
        areaStyle: { color: COLORS.band },
      },
      {
        id: 'forecast',
        type: 'line' as const,
        symbol: 'none',
        data: [],
        lineStyle: { type: 'dashed' as const, color: COLORS.forecast },
      },
      { id: 'actual', type: 'line' as const, symbol: 'none', data: [], lineStyle: { color: COLORS.actual } },
    ],
  };
}

export function CumulativeChart({ state }: { state: LaunchView }) {
  const t = useT();
  const lang = useLang();
  const u = useUnit();
  const el = useRef<HTMLDivElement>(null);
  const chart = useChart(el, baseOption);
  const [chosen, setChosen] = useState<Metric | null>(null);
  const alertMetric = featuredAlert(state)?.metric;
  // In the preheat (before 开团, with a planned preheat) 收藏 is what there is to follow.
  const preheating = preheatOf(state.launch) > 0 && lastMinute(state) < 0;
  // Follow the alert's metric unless someone picked one by hand.
  const metric: Metric =
    chosen ??
    (alertMetric && (CHART_METRICS as readonly string[]).includes(alertMetric)
      ? (alertMetric as Metric)
      : preheating
        ? 'fav'
        : 'gmv');
  const tol = state.launch.tolerance;

  useEffect(() => {
    const instance = chart.current;
    if (!instance) return;
    const s = cumulativeSeries(state, metric);
    const money = metric === 'gmv';
    // Checkpoints on this series' axis (the preheat's only where it starts before 开团).
    const first = s.minutes[0] ?? 1;
    const marks = checkpointViews(state)
      .filter((cp) => cp.t >= first)
      .map((cp) => {
        const level = levelOf(cp.worst?.severity);
        const color =
          cp.state === 'pending'
            ? COLORS.pending
            : cp.state === 'incomplete'
              ? COLORS.warning
              : cp.state === 'breached'
                ? level === 'critical'
                  ? COLORS.critical
                  : COLORS.warning
                : COLORS.ok;
        return {
          xAxis: String(cp.t),
          lineStyle: {
            color,
            type: cp.state === 'pending' ? ('dotted' as const) : ('solid' as const),
            width: 2,
          },
          label: {
            formatter: CHECKPOINT_MARK[cp.state],
            color,
            fontSize: u * 1.3,
            fontWeight: 700,
          },
        };
      });
    if (el.current) {
      const points = s.actual.filter((v) => v !== null).length;
      el.current.dataset.hasData = String(points > 0);
      el.current.dataset.points = String(points);
    }
    instance.setOption({
      textStyle: { fontFamily: getComputedStyle(document.body).fontFamily },
      grid: chartGrid(u, u * 2.2),
      xAxis: minuteAxis(u, s.minutes, state.launch.checkpoints),
      yAxis: {
        axisLabel: {
          color: COLORS.muted,
          fontSize: axisFontSize(u),
          formatter: (v: number) => (money ? '¥' : '') + formatCompact(lang, v),
        },
      },
      series: [
        { id: 'lower', data: s.lower },
        { id: 'band', data: s.bandWidth },
        { id: 'forecast', data: s.forecast, lineStyle: { width: u * 0.14 } },
        {
          id: 'actual',
          data: s.actual,
          lineStyle: { width: u * 0.22 },
          markLine: { symbol: 'none', silent: true, animation: false, data: marks },
        },
      ],
    });
  }, [chart, state, metric, lang, u, tol]);

  return (
    <section className="chart-panel panel" data-testid="chart-cumulative" data-metric={metric}>
      <div className="chart-head">
        <span className="title">
          {t('chartCumulative')} · {metricLabel(lang, metric)}
        </span>
        <span>
          <i className="legend-swatch" />
          {t('actual')}
        </span>
        <span>
          <i className="legend-swatch dashed" />
          {t('forecast')}
        </span>
        <span>
          <i className="legend-swatch band" />
          {t('chartBand', { tol: formatPercent(lang, tol, 0) })}
        </span>
        <span className="switch">
          {CHART_METRICS.map((m) => (
            <button
              key={m}
              type="button"
              aria-pressed={m === metric}
              data-testid={`chart-metric-${m}`}
              onClick={() => setChosen(m === chosen ? null : m)}
            >
              {switchLabel(lang, m)}
            </button>
          ))}
        </span>
      </div>
      <div className="chart" ref={el} data-testid="chart-container" />
    </section>
  );
}
