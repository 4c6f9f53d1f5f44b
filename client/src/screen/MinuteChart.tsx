/** Per-minute visitors and units (bars) against their forecast (dashed lines). */
import { useEffect, useRef } from 'react';
import { useChart } from '../charts/useChart';
import { useUnit } from '../charts/useUnit';
import { COLORS } from '../charts/theme';
import { perMinuteSeries } from '../derive';
import { useLang, useT } from '../hooks';
import { metricLabel } from '../i18n';
import { formatCompact } from '../format';
import type { LaunchState } from '../store/launchFold';

function baseOption() {
  return {
    animationDurationUpdate: 300,
    grid: { left: 8, right: 8, top: 12, bottom: 4, containLabel: true },
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

export function MinuteChart({ state }: { state: LaunchState }) {
  const t = useT();
  const lang = useLang();
  const u = useUnit();
  const el = useRef<HTMLDivElement>(null);
  const chart = useChart(el, baseOption);

  useEffect(() => {
    const instance = chart.current;
    if (!instance) return;
    const s = perMinuteSeries(state);
    const axisLabel = {
      color: COLORS.muted,
      fontSize: u * 0.8,
      formatter: (v: number) => formatCompact(lang, v),
    };
    instance.setOption({
      grid: { top: u * 0.8 },
      xAxis: {
        data: s.minutes.map(String),
        axisLabel: { color: COLORS.muted, fontSize: u * 0.8, formatter: (v: string) => `T+${v}` },
        axisLine: { lineStyle: { color: COLORS.line } },
      },
      yAxis: [{ axisLabel }, { axisLabel }],
      series: [
        { id: 'uv', data: s.uv, barGap: '10%' },
        { id: 'units', data: s.units },
        { id: 'forecastUv', data: s.forecastUv, lineStyle: { width: u * 0.1 } },
        { id: 'forecastUnits', data: s.forecastUnits, lineStyle: { width: u * 0.1 } },
      ],
    });
  }, [chart, state, lang, u]);

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
