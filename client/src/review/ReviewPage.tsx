/** 活动总结: the launch against its plan — targets, checkpoints, alerts, run sheet, curves — and exports. */
import { useEffect, useState } from 'react';
import {
  type LaunchReview,
  type ComparedMetric,
  REVIEW_KPI_LABELS,
  type ReviewIncidentRow,
  type ReviewKpi,
} from '@warroom/shared';
import { api } from '../api';
import { useLang, useT, type Translate } from '../hooks';
import { formatCount, formatDeviation, formatMoney, formatPercent, formatSpan } from '../format';
import { metricLabel, roleLabel, type Lang, type MessageKey } from '../i18n';
import { Nav } from '../home/HomePage';
import { ReviewChart } from './ReviewChart';
import { WhatIfPanel } from './WhatIfPanel';
import { ChannelSection } from './ChannelSection';
import './review.css';
import { IconDownload, IconEscalated } from '../icons';
import { DiagnosisLine } from '../screen/IncidentParts';

function kpiValue(lang: Lang, k: ReviewKpi['key'], v: number | null): string {
  if (v === null) return '—';
  if (k === 'conversion' || k === 'sellThrough' || k === 'payRate') return formatPercent(lang, v, 2);
  if (k === 'gmv' || k === 'aov') return formatMoney(lang, v);
  return formatCount(lang, v);
}

const dev = (lang: Lang, d: number | null) =>
  d === null ? '—' : `${d >= 0 ? '▲' : '▼'}${formatDeviation(lang, d)}`;
const time = (iso: string | null) => (iso ? iso.slice(11, 19) : '—');
const tLabel = (t: number) => (t < 0 ? `T−${-t}` : `T+${t}`);

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
  const stories = new Map(r.incidents.map((i) => [i.incidentId, storyName(t, lang, i)]));
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
            <IconDownload /> {t('exportCsv')}
          </a>
          <a className="btn btn-primary" href={`${base}?format=xlsx`} data-testid="export-xlsx" download>
            <IconDownload /> {t('exportXlsx')}
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
        <LaunchDay review={r} lang={lang} />
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
            <DeviationTable testId="review-top" rows={r.topDeviations} lang={lang} stories={stories} />
            <h2>{t('runSheet')}</h2>
            <table className="review-table" data-testid="review-runsheet">
              <Head cols={['dueCol', 'taskCol', 'owner', 'statusCol']} />
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
              <Head
                cols={[
                  'checkpointCol',
                  'metricCol',
                  'deviationCol',
                  'raisedCol',
                  'ackCol',
                  'responseCol',
                  'actionCol',
                ]}
              />
              <tbody>
                {r.alerts.map((a) => (
                  <tr key={a.alertId} className={`sev-${a.severity}`}>
                    <td className="num">{tLabel(a.checkpoint)}</td>
                    <td>
                      {a.kind === 'budget'
                        ? t('situation.budget')
                        : a.metric
                          ? metricLabel(lang, a.metric)
                          : t('dataGap')}
                    </td>
                    <td className="num">{dev(lang, a.deviation)}</td>
                    <td className="num">
                      {time(a.raisedAt)}
                      {a.escalated && <Escalated />}
                    </td>
                    <td>{a.ackedBy ?? (a.status === 'cleared' ? t('statusCleared') : t('notAcked'))}</td>
                    <td className="num">
                      {a.responseSeconds !== null
                        ? formatSpan(lang, a.responseSeconds * 1000)
                        : a.status === 'open'
                          ? t('notAckedYet')
                          : '—'}
                    </td>
                    <td>{a.action ?? '—'}</td>
                  </tr>
                ))}
              </tbody>
            </table>
            <h2>{t('review.incidentsTitle', { n: r.incidents.length })}</h2>
            <IncidentTable review={r} lang={lang} />
            <h2>{t('checkpointsTitle')}</h2>
            <DeviationTable testId="review-checkpoints" rows={r.checkpoints} lang={lang} stories={stories} />
          </section>
        </div>
        {r.channels && <ChannelSection channels={r.channels} />}
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
  stories,
}: {
  rows: readonly {
    checkpoint: number;
    metric: ComparedMetric;
    actual: number;
    forecast: number;
    deviation: number | null;
    breach: unknown;
    complete?: boolean;
    suppressed?: 'sold-out' | null;
    incidentId?: string | null;
  }[];
  testId: string;
  lang: Lang;
  /** Incident ids and the names the room knows them by (流量 ▼). */
  stories?: ReadonlyMap<string, string>;
}) {
  const t = useT();
  return (
    <table className="review-table" data-testid={testId}>
      <Head
        cols={['checkpointCol', 'metricCol', 'actualCol', 'forecastCol', 'deviationCol', 'review.incident']}
      />
      <tbody>
        {rows.map((c) => (
          <tr
            key={`${c.checkpoint}/${c.metric}`}
            className={c.breach ? 'breach' : ''}
            data-incident-id={c.incidentId ?? ''}
          >
            <td className="num">
              {tLabel(c.checkpoint)}
              {c.complete === false ? ' ?' : ''}
            </td>
            <td>{metricLabel(lang, c.metric)}</td>
            <td className="num">{formatCount(lang, c.actual, c.metric === 'gmv' ? 2 : 0)}</td>
            <td className="num">{formatCount(lang, c.forecast, c.metric === 'gmv' ? 2 : 0)}</td>
            <td className="num">{dev(lang, c.deviation)}</td>
            <td className="muted">
              {c.suppressed === 'sold-out'
                ? t('review.suppressed')
                : c.incidentId
                  ? (stories?.get(c.incidentId) ?? c.incidentId)
                  : ''}
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

/** The launch day afterwards: stock and the sell-out, orders placed against paid, the funnel, 收藏/加购, buyers. */
function LaunchDay({ review: r, lang }: { review: LaunchReview; lang: Lang }) {
  const t = useT();
  const figure = (label: string, value: string, testId?: string) => (
    <div className="figure" data-testid={testId}>
      <span className="muted">{label}</span> <span className="num">{value}</span>
    </div>
  );
  return (
    <section className="review-launch-day" data-testid="review-launch-day">
      {r.stock && (
        <div className="review-card" data-testid="review-stock">
          <h3>{t('review.stock')}</h3>
          {figure(
            t('review.soldOutAt'),
            r.stock.soldOutMinute === null
              ? t('review.notSoldOut')
              : `T+${r.stock.soldOutMinute + 1} · ${time(r.stock.soldOutAt)}`,
            'review-sold-out',
          )}
          {figure(t('review.sold'), formatCount(lang, r.stock.sold))}
          {figure(t('review.remaining'), formatCount(lang, r.stock.remaining))}
        </div>
      )}
      {r.orders && (
        <div className="review-card" data-testid="review-orders">
          <h3>{t('review.outcome')}</h3>
          {figure(
            t('review.placedOrders'),
            `${formatCount(lang, r.orders.placedOrders)} · ${formatMoney(lang, r.orders.placedAmount)}`,
          )}
          {figure(
            t('review.paidOrders'),
            `${formatCount(lang, r.orders.paidOrders)} · ${formatMoney(lang, r.orders.paidAmount)}`,
          )}
          {figure(
            t('review.unpaidOrders'),
            `${formatCount(lang, r.orders.unpaidOrders)} · ${formatMoney(lang, r.orders.unpaidAmount)}`,
          )}
          {figure(
            t('review.closedOrders'),
            `${formatCount(lang, r.orders.closedOrders)} · ${formatMoney(lang, r.orders.closedAmount)}`,
            'review-closed',
          )}
          {figure(
            t('review.payRate'),
            r.orders.payRate === null ? '—' : formatPercent(lang, r.orders.payRate, 1),
          )}
        </div>
      )}
      <div className="review-card" data-testid="review-funnel">
        <h3>{t('review.funnel')}</h3>
        {r.funnel ? (
          <DiagnosisLine diagnosis={r.funnel} />
        ) : (
          <span className="muted">{t('review.noData')}</span>
        )}
        {r.buyers && (
          <>
            {figure(
              t('review.newBuyers'),
              `${formatCount(lang, r.buyers.newBuyers)}${r.buyers.newShare === null ? '' : ` · ${formatPercent(lang, r.buyers.newShare, 1)}`}`,
              'review-new-buyers',
            )}
            {figure(t('review.returningBuyers'), formatCount(lang, r.buyers.returningBuyers))}
          </>
        )}
      </div>
      <div className="review-card" data-testid="review-engagement">
        <h3>{t('review.engagement')}</h3>
        <table className="review-table">
          <Head
            cols={[
              'review.phase',
              'review.actualFav',
              'review.forecastFav',
              'review.actualCart',
              'review.forecastCart',
            ]}
          />
          <tbody>
            {r.engagement.map((e) => (
              <tr key={e.phase} data-phase={e.phase}>
                <td>{t(e.phase === 'preheat' ? 'review.phasePreheat' : 'review.phaseLaunch')}</td>
                <td className="num">{formatCount(lang, e.fav)}</td>
                <td className="num">{formatCount(lang, e.forecastFav)}</td>
                <td className="num">{formatCount(lang, e.cart)}</td>
                <td className="num">{formatCount(lang, e.forecastCart)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </section>
  );
}

/** An incident as the room names it: its cause (流量 ▼), else its metric or situation. */
function storyName(t: Translate, lang: Lang, i: ReviewIncidentRow): string {
  const what = i.cause
    ? t(`cause.${i.cause}`)
    : i.metric
      ? metricLabel(lang, i.metric)
      : i.kind === 'stock'
        ? metricLabel(lang, i.severity === 'critical' ? 'sold-out' : 'low-stock')
        : metricLabel(lang, i.kind === 'unpaid' ? 'unpaid' : 'data-gap');
  return `${what}${i.direction ? (i.direction === 'over' ? ' ▲' : ' ▼') : ''}`;
}

/** Incidents: the story, every checkpoint that looked at it, its worst, who took it on and how fast. */
function IncidentTable({ review: r, lang }: { review: LaunchReview; lang: Lang }) {
  const t = useT();
  return (
    <table className="review-table" data-testid="review-incidents">
      <Head
        cols={[
          'review.story',
          'review.evaluations',
          'review.worst',
          'owner',
          'ackCol',
          'responseCol',
          'actionCol',
        ]}
      />
      <tbody>
        {r.incidents.map((i) => (
          <tr key={i.incidentId} className={`sev-${i.severity}`} data-incident-id={i.incidentId}>
            <td>
              {storyName(t, lang, i)}
              {i.escalated && <Escalated />}
            </td>
            <td className="num">{i.checkpoints.map(tLabel).join(' ')}</td>
            <td className="num">{dev(lang, i.worstDeviation)}</td>
            <td>{roleLabel(lang, i.owner)}</td>
            <td>{i.ackedBy ?? t(`incidentStatus.${i.status}`)}</td>
            <td className="num">
              {i.responseSeconds !== null ? formatSpan(lang, i.responseSeconds * 1000) : '—'}
            </td>
            <td>{i.action ?? '—'}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

/** A table's header row from dictionary keys. */
function Head({ cols }: { cols: MessageKey[] }) {
  const t = useT();
  return (
    <thead>
      <tr>
        {cols.map((k) => (
          <th key={k}>{t(k)}</th>
        ))}
      </tr>
    </thead>
  );
}

/** The mark of an alert or incident that went to the manager. */
function Escalated() {
  const t = useT();
  return (
    <>
      {' '}
      <IconEscalated title={t('hEscalated')} />
    </>
  );
}
