/**
 * One ECharts instance per container for the component's lifetime. Data changes go through
 * `setOption` on that same instance (merge mode), so the chart animates instead of redrawing.
 */
import { useEffect, useRef, type RefObject } from 'react';
import { echarts, type EChartsInstance } from './echarts';

type Option = Parameters<EChartsInstance['setOption']>[0];

declare global {
  interface Window {
    /** ms since navigation start when a chart first drew data (read by the client bench). */
    __firstChartPaint?: number;
  }
}

export function useChart(
  container: RefObject<HTMLDivElement | null>,
  baseOption: () => Option,
): RefObject<EChartsInstance | null> {
  const chart = useRef<EChartsInstance | null>(null);
  const base = useRef(baseOption);
  useEffect(() => {
    const el = container.current;
    if (!el) return;
    const instance = echarts.init(el, null, { renderer: 'canvas' });
    instance.setOption(base.current());
    instance.on('finished', () => {
      if (window.__firstChartPaint === undefined && el.dataset.hasData === 'true')
        window.__firstChartPaint = performance.now();
    });
    chart.current = instance;
    const resize = new ResizeObserver(() => instance.resize());
    resize.observe(el);
    return () => {
      resize.disconnect();
      instance.dispose();
      chart.current = null;
    };
  }, [container]);
  return chart;
}
