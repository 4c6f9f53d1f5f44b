/** 场次组总结: the group's launches side by side — plan against actual, sell-out, incidents, response times — and its totals. */
import { useEffect, useState } from 'react';
import type { GroupReview } from '@warroom/shared';
import { api } from '../api';
import { useLang, useT } from '../hooks';
import { formatCount, formatMoney, formatPercent, formatSpan } from '../format';
import { Nav } from '../home/HomePage';
import { Link } from '../router';
import { IconDownload } from '../icons';
import '../review/review.css';

export default function GroupReviewPage({ groupId }: { groupId: string }) {
  const t = useT();
  const lang = useLang();
  const [review, setReview] = useState<GroupReview | null>(null);
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    api.groupReview(groupId).then(setReview, (e: Error) => setError(e.message));
  }, [groupId]);
  const base = `/api/groups/${encodeURIComponent(groupId)}/review`;
  if (!review)
    return (
      <div className="page">
        <Nav />
        <main className="page-body">{error ? t('error', { msg: error }) : t('loading')}</main>
      </div>
    );
  const r = review;
  const money = (v: number | null) => (v === null ? '—' : formatMoney(lang, v));
  const pct = (v: number | null) => (v === null ? '—' : formatPercent(lang, v, 1));
  const secs = (v: number | null) => (v === null ? '—' : formatSpan(lang, v * 1000));
  return (
    <div className="page review" data-testid="group-review">
      <Nav />
      <main className="page-body">
        <div className="toolbar">
          <h1>{t('export.groupTitle', { name: r.group.name })}</h1>
          <span className="spacer" />
          <Link className="btn" href={`/wall/${encodeURIComponent(groupId)}`}>
            {t('groups.openWall')}
          </Link>
          <a className="btn" href={`${base}?format=csv`} data-testid="group-export-csv" download>
            <IconDownload /> {t('exportCsv')}
          </a>
          <a
            className="btn btn-primary"
            href={`${base}?format=xlsx`}
            data-testid="group-export-xlsx"
            download
          >
            <IconDownload /> {t('exportXlsx')}
          </a>
        </div>
        <table className="review-table" data-testid="group-review-table">
          <thead>
            <tr>
              <th>{t('export.launch')}</th>
              <th>{t('export.startCol')}</th>
              <th>{t('export.planGmv')}</th>
              <th>{t('export.actualGmv')}</th>
              <th>{t('export.completion')}</th>
              <th>{t('export.actualUnits')}</th>
              <th>{t('export.soldOutAt')}</th>
              <th>{t('export.incidents')}</th>
              <th>{t('export.criticalIncidents')}</th>
              <th>{t('export.meanResponse')}</th>
              <th>{t('export.maxResponse')}</th>
            </tr>
          </thead>
          <tbody>
            {r.launches.map((l) => (
              <tr key={l.launchId} data-testid="group-review-row">
                <td>
                  <Link href={`/review/${encodeURIComponent(l.launchId)}`}>{l.name}</Link>
                </td>
                <td className="num">{l.startAt.slice(11, 16)}</td>
                <td className="num">{money(l.planGmv)}</td>
                <td className="num">{money(l.actualGmv)}</td>
                <td className="num">{pct(l.completion)}</td>
                <td className="num">
                  {formatCount(lang, l.actualUnits)}
                  {l.planUnits !== null && <span className="muted"> / {formatCount(lang, l.planUnits)}</span>}
                </td>
                <td className="num">
                  {l.soldOutAt ? `${l.soldOutAt.slice(11, 16)} · T+${(l.soldOutMinute ?? 0) + 1}` : '—'}
                </td>
                <td className="num">{l.incidents}</td>
                <td className="num">{l.criticalIncidents}</td>
                <td className="num">{secs(l.meanResponseSeconds)}</td>
                <td className="num">{secs(l.maxResponseSeconds)}</td>
              </tr>
            ))}
          </tbody>
          <tfoot>
            <tr data-testid="group-review-totals">
              <th>{t('export.groupTotals')}</th>
              <td />
              <td className="num">{money(r.totals.planGmv)}</td>
              <td className="num">{money(r.totals.actualGmv)}</td>
              <td className="num">{pct(r.totals.completion)}</td>
              <td className="num">{formatCount(lang, r.totals.actualUnits)}</td>
              <td className="num">{t('groups.soldOutN', { n: r.totals.soldOut })}</td>
              <td className="num">{r.totals.incidents}</td>
              <td className="num">{r.totals.criticalIncidents}</td>
              <td className="num">{secs(r.totals.meanResponseSeconds)}</td>
              <td className="num">{secs(r.totals.maxResponseSeconds)}</td>
            </tr>
          </tfoot>
        </table>
      </main>
    </div>
  );
}
