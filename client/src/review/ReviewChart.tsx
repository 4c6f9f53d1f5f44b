/** Cumulative forecast (dashed) vs actual (solid) for the three planned metrics, one chart each. */
import { useEffect, useRef } from 'react';
import type { ReviewCurvePoint } from '@warroom/shared';
import { useChart } from '../charts/useChart';
import { COLORS } from '../charts/theme';

type Key = 'Uv' | 'Units' | 'Gmv';

export function ReviewChart({
  curves,
  metric,
  title,
}: {
  curves: ReviewCurvePoint[];
  metric: Key;
  title: string;
}) {
  const el = useRef<HTMLDivElement>(null);
  const chart = useChart(el, () => ({
    animation: false,
    grid: { left: 8, right: 16, top: 12, bottom: 8, containLabel: true },
    xAxis: {
      type: 'category' as const,
      boundaryGap: false,
      data: [] as string[],
      axisLabel: { color: COLORS.muted },
    },
    yAxis: {
      type: 'value' as const,
      splitLine: { lineStyle: { color: COLORS.line } },
      axisLabel: { color: COLORS.muted },
    },
    series: [
      {
        id: 'forecast',
        type: 'line' as const,
        symbol: 'none',
        data: [],
        lineStyle: { type: 'dashed' as const, color: COLORS.forecast },
      },
      {
        id: 'actual',
        type: 'line' as const,
        symbol: 'none',
        data: [],
        lineStyle: { color: COLORS.actual, width: 2 },
      },
    ],
  }));
  useEffect(() => {
    chart.current?.setOption({
      xAxis: { data: curves.map((p) => `T+${p.minute}`) },
      series: [
        { id: 'forecast', data: curves.map((p) => p[`forecast${metric}`]) },
        { id: 'actual', data: curves.map((p) => p[`actual${metric}`]) },
      ],
    });
    if (el.current) el.current.dataset.hasData = 'true';
  }, [chart, curves, metric]);
  return (
    <figure className="review-figure">
      <figcaption>{title}</figcaption>
      <div ref={el} className="review-chart" data-testid={`review-chart-${metric}`} />
    </figure>
  );
}
