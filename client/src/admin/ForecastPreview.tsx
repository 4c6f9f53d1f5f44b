/** The template forecast for the form's targets, redrawn as they change, with checkpoints marked. */
import { useEffect, useMemo, useRef, useState } from 'react';
import type { ForecastPoint, Targets } from '@warroom/shared';
import { api, type ForecastPreviewPoint } from '../api';
import { useChart } from '../charts/useChart';
import { COLORS } from '../charts/theme';
import { useLang, useT } from '../hooks';
import { formatCompact } from '../format';
import { metricLabel } from '../i18n';

interface Props {
  startAt: string;
  timezone: string;
  durationMinutes: number | null;
  targets: Targets | null;
  checkpoints: number[];
  /** A curve to show instead of the template (from a CSV or a past launch). */
  curve?: readonly ForecastPoint[] | null;
}

function baseOption() {
  return {
    animationDurationUpdate: 300,
    grid: { left: 8, right: 8, top: 36, bottom: 8, containLabel: true },
    legend: { top: 0, textStyle: { color: COLORS.muted } },
    xAxis: { type: 'category' as const, data: [] as string[] },
    yAxis: [
      { type: 'value' as const, splitLine: { lineStyle: { color: COLORS.line } } },
      { type: 'value' as const, splitLine: { show: false } },
    ],
    series: [
      {
        id: 'cum',
        type: 'line' as const,
        symbol: 'none',
        data: [],
        lineStyle: { color: COLORS.actual, width: 3 },
      },
      {
        id: 'uv',
        type: 'line' as const,
        yAxisIndex: 1,
        symbol: 'none',
        data: [],
        lineStyle: { color: COLORS.units, type: 'dashed' as const },
      },
    ],
  };
}

export function ForecastPreview({ startAt, timezone, durationMinutes, targets, checkpoints, curve }: Props) {
  const t = useT();
  const lang = useLang();
  const el = useRef<HTMLDivElement>(null);
  const chart = useChart(el, baseOption);
  const [templatePoints, setPoints] = useState<ForecastPreviewPoint[] | null>(null);
  const points = useMemo(
    () =>
      curve
        ? curve.map((p) => ({ minute: p.minute, uv: p.uv ?? 0, units: p.units ?? 0, gmv: p.gmv ?? 0 }))
        : templatePoints,
    [curve, templatePoints],
  );
  const [failed, setFailed] = useState(false);
  const key = JSON.stringify({ startAt, timezone, durationMinutes, targets });

  useEffect(() => {
    const req = JSON.parse(key) as Props;
    if (!req.targets || !req.durationMinutes) return;
    const input = {
      startAt: req.startAt.length === 16 ? `${req.startAt}:00` : req.startAt,
      timezone: req.timezone,
      durationMinutes: req.durationMinutes,
      targets: req.targets,
    };
    let live = true;
    const timer = setTimeout(() => {
      api.forecastPreview(input).then(
        (r) => {
          if (!live) return;
          setPoints(r.forecast);
          setFailed(false);
        },
        () => live && setFailed(true),
      );
    }, 300);
    return () => {
      live = false;
      clearTimeout(timer);
    };
  }, [key]);

  useEffect(() => {
    if (!chart.current || !points) return;
    let cum = 0;
    const cumulative = points.map((p) => (cum += p.gmv));
    const cpSet = new Set(checkpoints);
    chart.current.setOption({
      xAxis: {
        data: points.map((p) => String(p.minute + 1)),
        axisLabel: {
          color: COLORS.muted,
          hideOverlap: true,
          interval: (i: number) => i === 0 || cpSet.has(i + 1),
          formatter: (v: string) => `T+${v}`,
        },
      },
      yAxis: [
        { axisLabel: { color: COLORS.muted, formatter: (v: number) => `¥${formatCompact(lang, v)}` } },
        { axisLabel: { color: COLORS.muted, formatter: (v: number) => formatCompact(lang, v) } },
      ],
      series: [
        {
          id: 'cum',
          name: `${metricLabel(lang, 'gmv')} · ${t('previewCumulative')}`,
          data: cumulative,
          markLine: {
            symbol: 'none',
            silent: true,
            data: checkpoints.map((c) => ({
              xAxis: String(c),
              lineStyle: { color: COLORS.pending, type: 'dotted' as const },
              label: { show: false },
            })),
          },
        },
        {
          id: 'uv',
          name: `${metricLabel(lang, 'uv')} · ${t('previewPerMinute')}`,
          data: points.map((p) => p.uv),
        },
      ],
    });
  }, [chart, points, checkpoints, lang, t]);

  return (
    <section className="preview" data-testid="forecast-preview">
      <h2>
        {t('previewTitle')} {failed && <span className="level-warning">· {t('previewUnavailable')}</span>}
      </h2>
      <div className="preview-chart" ref={el} data-testid="chart-container" />
    </section>
  );
}
