/**
 * The group's cumulative GMV against the combined forecast on real time: each launch's curve
 * starts at its own 开团 (shared `combinedCurve`), so the 10:05 launch adds nothing before 10:05.
 */
import { useEffect, useRef } from 'react';
import type { CombinedCurve } from '@warroom/shared';
import { useChart } from '../charts/useChart';
import { useUnit } from '../charts/useUnit';
import { COLORS } from '../charts/theme';
import { axisFontSize, chartGrid } from '../charts/axis';
import { useLang, useT } from '../hooks';
import { formatClock, formatCompact } from '../format';

function baseOption() {
  return {
    animation: false,
    xAxis: { type: 'category' as const, boundaryGap: false, data: [] as string[] },
    yAxis: { type: 'value' as const, splitLine: { lineStyle: { color: COLORS.line } } },
    series: [
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

export function CombinedChart({ curve, nowMs, zone }: { curve: CombinedCurve; nowMs: number; zone: string }) {
  const t = useT();
  const lang = useLang();
  const u = useUnit();
  const el = useRef<HTMLDivElement>(null);
  const chart = useChart(el, baseOption);
  const nowIndex = curve.times.findLastIndex((ms) => ms <= nowMs);

  useEffect(() => {
    const instance = chart.current;
    if (!instance) return;
    if (el.current) el.current.dataset.points = String(curve.actual.filter((v) => v !== null).length);
    instance.setOption({
      textStyle: { fontFamily: getComputedStyle(document.body).fontFamily },
      grid: chartGrid(u, u * 1.2),
      xAxis: {
        data: curve.times.map((ms) => formatClock(ms, zone, false)),
        axisLabel: { color: COLORS.muted, fontSize: axisFontSize(u), hideOverlap: true },
        axisTick: { show: false },
        axisLine: { lineStyle: { color: COLORS.line } },
      },
      yAxis: {
        axisLabel: {
          color: COLORS.muted,
          fontSize: axisFontSize(u),
          formatter: (v: number) => `¥${formatCompact(lang, v)}`,
        },
      },
      series: [
        { id: 'forecast', data: curve.forecast, lineStyle: { width: u * 0.14 } },
        {
          id: 'actual',
          data: curve.actual,
          lineStyle: { width: u * 0.22 },
          markLine:
            nowIndex >= 0
              ? {
                  symbol: 'none',
                  silent: true,
                  animation: false,
                  lineStyle: { color: COLORS.muted, type: 'dotted' as const },
                  label: { show: false },
                  data: [{ xAxis: nowIndex }],
                }
              : undefined,
        },
      ],
    });
  }, [chart, curve, lang, u, zone, nowIndex]);

  return (
    <section className="chart-panel panel gwall-chart" data-testid="group-chart">
      <div className="chart-head">
        <span className="title">{t('wall.combined')}</span>
        <span>
          <i className="legend-swatch" />
          {t('actual')}
        </span>
        <span>
          <i className="legend-swatch dashed" />
          {t('wall.combinedForecast')}
        </span>
      </div>
      <div className="chart" ref={el} data-testid="group-chart-container" />
    </section>
  );
}
