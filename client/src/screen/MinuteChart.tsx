/**
 * Per-minute visitors (left axis, blue) and units (right axis, purple) as bars against their
 * forecast (dashed), on the cumulative chart's minute axis. Each axis is named and coloured as its
 * series, so the two scales cannot be mistaken for one another.
 */
import { useEffect, useRef } from 'react';
import { useChart } from '../charts/useChart';
import { useUnit } from '../charts/useUnit';
import { COLORS } from '../charts/theme';
import { axisFontSize, chartGrid, minuteAxis } from '../charts/axis';
import { perMinuteSeries } from '../derive';
import { useLang, useT } from '../hooks';
import { metricLabel } from '../i18n';
import { formatCompact } from '../format';
import type { LaunchView } from '../store/launchFold';

function baseOption() {
  return {
    animationDurationUpdate: 300,
    grid: { left: 60, right: 60, top: 24, bottom: 24 },
    xAxis: { type: 'category' as const, data: [] as string[] },
    yAxis: [
      { type: 'value' as const, splitLine: { lineStyle: { color: COLORS.line } } },
      { type: 'value' as const, splitLine: { show: false } },
    ],
    series: [
      { id: 'uv', type: 'bar' as const, data: [], itemStyle: { color: 'rgba(56, 189, 248, 0.75)' } },
      {
        id: 'units',
        type: 'bar' as const,
        yAxisIndex: 1,
        data: [],
        itemStyle: { color: 'rgba(167, 139, 250, 0.8)' },
      },
      {
        id: 'forecastUv',
        type: 'line' as const,
        symbol: 'none',
        data: [],
        lineStyle: { type: 'dashed' as const, color: COLORS.forecast },
      },
      {
        id: 'forecastUnits',
        type: 'line' as const,
        yAxisIndex: 1,
        symbol: 'none',
        data: [],
        lineStyle: { type: 'dashed' as const, color: COLORS.units },
      },
    ],
  };
}

export function MinuteChart({ state }: { state: LaunchView }) {
  const t = useT();
  const lang = useLang();
  const u = useUnit();
  const el = useRef<HTMLDivElement>(null);
  const chart = useChart(el, baseOption);

  useEffect(() => {
    const instance = chart.current;
    if (!instance) return;
    const s = perMinuteSeries(state);
    const axis = (metric: 'uv' | 'units', color: string) => ({
      name: t('axisPerMinute', { metric: metricLabel(lang, metric) }),
      nameLocation: 'end' as const,
      nameGap: u * 0.6,
      nameTextStyle: { color, fontSize: axisFontSize(u), align: metric === 'uv' ? 'left' : 'right' },
      // A short chart: three lines at most, so the labels never crowd each other.
      splitNumber: 2,
      axisLabel: { color, fontSize: axisFontSize(u), formatter: (v: number) => formatCompact(lang, v) },
    });
    instance.setOption({
      textStyle: { fontFamily: getComputedStyle(document.body).fontFamily },
      grid: chartGrid(u, u * 2),
      xAxis: minuteAxis(u, s.minutes, state.launch.checkpoints),
      yAxis: [axis('uv', COLORS.actual), axis('units', COLORS.units)],
      series: [
        { id: 'uv', data: s.uv, barGap: '0%', barCategoryGap: '25%' },
        { id: 'units', data: s.units },
        { id: 'forecastUv', data: s.forecastUv, lineStyle: { width: u * 0.1 } },
        { id: 'forecastUnits', data: s.forecastUnits, lineStyle: { width: u * 0.1 } },
      ],
    });
  }, [chart, state, lang, u, t]);

  return (
    <section className="chart-panel panel" data-testid="chart-minute">
      <div className="chart-head">
        <span className="title">{t('chartMinute')}</span>
        <span>
          <i className="legend-swatch" style={{ borderTopColor: COLORS.actual }} />
          {metricLabel(lang, 'uv')}
        </span>
        <span>
          <i className="legend-swatch" style={{ borderTopColor: COLORS.units }} />
          {metricLabel(lang, 'units')}
        </span>
        <span>
          <i className="legend-swatch dashed" />
          {t('forecast')}
        </span>
      </div>
      <div className="chart" ref={el} data-testid="chart-minute-container" />
    </section>
  );
}
