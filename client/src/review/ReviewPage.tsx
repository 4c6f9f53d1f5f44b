/** 活动总结: the launch against its plan — targets, checkpoints, alerts, run sheet, curves — and exports. */
import { useEffect, useState } from 'react';
import { type LaunchReview, type Metric, REVIEW_KPI_LABELS, type ReviewKpi } from '@warroom/shared';
import { api } from '../api';
import { useLang, useT } from '../hooks';
import { formatCount, formatDeviation, formatMoney, formatPercent } from '../format';
import { metricLabel, roleLabel, type Lang } from '../i18n';
import { Nav } from '../home/HomePage';
import { ReviewChart } from './ReviewChart';
import { WhatIfPanel } from './WhatIfPanel';
import './review.css';

function kpiValue(lang: Lang, k: ReviewKpi['key'], v: number | null): string {
  if (v === null) return '—';
  if (k === 'conversion' || k === 'sellThrough') return formatPercent(lang, v, 2);
  if (k === 'gmv' || k === 'aov') return formatMoney(lang, v);
  return formatCount(lang, v);
}

const dev = (lang: Lang, d: number | null) =>
  d === null ? '—' : `${d >= 0 ? '▲' : '▼'}${formatDeviation(lang, d)}`;
const time = (iso: string | null) => (iso ? iso.slice(11, 19) : '—');

export default function ReviewPage({ launchId }: { launchId: string }) {
  const t = useT();
  const lang = useLang();
  const [review, setReview] = useState<LaunchReview | null>(null);
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    api.review(launchId).then(setReview, (e: Error) => setError(e.message));
  }, [launchId]);
  const base = `/api/launches/${encodeURIComponent(launchId)}/review`;
  if (!review)
    return (
      <div className="page">
        <Nav />
        <main className="page-body">{error ? t('error', { msg: error }) : t('loading')}</main>
      </div>
    );
  const r = review;
  return (
    <div className="page review" data-testid="review">
      <Nav />
      <main className="page-body">
        <div className="toolbar">
          <h1>
            {t('reviewTitle')} · {r.launch.name}
          </h1>
          <span className="muted">
            {t('reviewStart', { at: r.launch.startAt.slice(0, 16).replace('T', ' ') })} · ±
            {formatPercent(lang, r.launch.tolerance, 0)}
          </span>
          <span className="spacer" />
          <a className="btn" href={`${base}?format=csv`} data-testid="export-csv" download>
            ⤓ {t('exportCsv')}
          </a>
          <a className="btn btn-primary" href={`${base}?format=xlsx`} data-testid="export-xlsx" download>
            ⤓ {t('exportXlsx')}
          </a>
        </div>
        <section className="review-kpis" data-testid="review-kpis">
          {r.kpis.map((k) => (
            <div key={k.key} className="review-kpi">
              <span className="label">{REVIEW_KPI_LABELS[k.key][lang]}</span>
              <span className="value num">{kpiValue(lang, k.key, k.actual)}</span>
              <span className="muted num">{t('targetIs', { v: kpiValue(lang, k.key, k.target) })}</span>
              <span
                className={`num completion ${k.completion === null ? '' : k.completion >= 1 ? 'level-ok' : k.completion >= 0.8 ? 'level-warning' : 'level-critical'}`}
              >
                {k.completion === null ? '—' : t('completionIs', { v: formatPercent(lang, k.completion, 1) })}
              </span>
            </div>
          ))}
        </section>
        <section className="review-charts">
          <ReviewChart
            curves={r.curves}
            metric="Gmv"
            title={`${metricLabel(lang, 'gmv')} · ${t('forecastVsActual')}`}
          />
          <ReviewChart
            curves={r.curves}
            metric="Units"
            title={`${metricLabel(lang, 'units')} · ${t('forecastVsActual')}`}
          />
          <ReviewChart
            curves={r.curves}
            metric="Uv"
            title={`${metricLabel(lang, 'uv')} · ${t('forecastVsActual')}`}
          />
        </section>
        <div className="review-grid">
          <section>
            <h2>{t('topDeviations')}</h2>
            <DeviationTable testId="review-top" rows={r.topDeviations} lang={lang} />
            <h2>{t('runSheet')}</h2>
            <table className="review-table" data-testid="review-runsheet">
              <thead>
                <tr>
                  <th>{t('dueCol')}</th>
                  <th>{t('taskCol')}</th>
                  <th>{t('owner')}</th>
                  <th>{t('statusCol')}</th>
                </tr>
              </thead>
              <tbody>
                {r.runSheet.map((task) => (
                  <tr key={task.taskId} data-status={task.status}>
                    <td className="num">{task.dueAt.slice(5, 16).replace('T', ' ')}</td>
                    <td>{task.title}</td>
                    <td>{roleLabel(lang, task.owner)}</td>
                    <td className={`rs-status rs-${task.status}`}>
                      {t(`rs_${task.status}`)}
                      {task.doneBy ? ` · ${task.doneBy} ${time(task.doneAt)}` : ''}
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </section>
          <section>
            <h2>{t('alertsTitle', { n: r.alerts.length })}</h2>
            <table className="review-table" data-testid="review-alerts">
              <thead>
                <tr>
                  <th>{t('checkpointCol')}</th>
                  <th>{t('metricCol')}</th>
                  <th>{t('deviationCol')}</th>
                  <th>{t('raisedCol')}</th>
                  <th>{t('ackCol')}</th>
                  <th>{t('responseCol')}</th>
                  <th>{t('actionCol')}</th>
                </tr>
              </thead>
              <tbody>
                {r.alerts.map((a) => (
                  <tr key={a.alertId} className={`sev-${a.severity}`}>
                    <td className="num">T+{a.checkpoint}</td>
                    <td>{a.metric ? metricLabel(lang, a.metric) : t('dataGap')}</td>
                    <td className="num">{dev(lang, a.deviation)}</td>
                    <td className="num">
                      {time(a.raisedAt)}
                      {a.escalated ? ` ⇧` : ''}
                    </td>
                    <td>{a.ackedBy ?? (a.status === 'cleared' ? t('statusCleared') : t('notAcked'))}</td>
                    <td className="num">
                      {a.responseSeconds === null ? '—' : t('seconds', { n: Math.round(a.responseSeconds) })}
                    </td>
                    <td>{a.action ?? '—'}</td>
                  </tr>
                ))}
              </tbody>
            </table>
            <h2>{t('checkpointsTitle')}</h2>
            <DeviationTable testId="review-checkpoints" rows={r.checkpoints} lang={lang} />
          </section>
        </div>
        <WhatIfPanel launchId={launchId} actual={r.alerts} />
      </main>
    </div>
  );
}

/** Checkpoint × metric rows: actual, forecast, deviation (the top deviations and every checkpoint). */
function DeviationTable({
  rows,
  testId,
  lang,
}: {
  rows: readonly {
    checkpoint: number;
    metric: Metric;
    actual: number;
    forecast: number;
    deviation: number | null;
    breach: unknown;
    complete?: boolean;
  }[];
  testId: string;
  lang: Lang;
}) {
  const t = useT();
  return (
    <table className="review-table" data-testid={testId}>
      <thead>
        <tr>
          <th>{t('checkpointCol')}</th>
          <th>{t('metricCol')}</th>
          <th>{t('actualCol')}</th>
          <th>{t('forecastCol')}</th>
          <th>{t('deviationCol')}</th>
        </tr>
      </thead>
      <tbody>
        {rows.map((c) => (
          <tr key={`${c.checkpoint}/${c.metric}`} className={c.breach ? 'breach' : ''}>
            <td className="num">
              T+{c.checkpoint}
              {c.complete === false ? ' ?' : ''}
            </td>
            <td>{metricLabel(lang, c.metric)}</td>
            <td className="num">{formatCount(lang, c.actual, c.metric === 'gmv' ? 2 : 0)}</td>
            <td className="num">{formatCount(lang, c.forecast, c.metric === 'gmv' ? 2 : 0)}</td>
            <td className="num">{dev(lang, c.deviation)}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
