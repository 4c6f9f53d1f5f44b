/** An import's report: counts, the rejected rows by spreadsheet line, ignored columns, the mapping. */
import type { ImportReport, MappingTarget } from '@warroom/shared';
import { useLang, useT } from '../hooks';
import { formatCount } from '../format';
import { metricLabel, type Lang } from '../i18n';
import { importText } from './importText';
import { IconCheck, IconPending, IconWarning } from '../icons';

function targetLabel(lang: Lang, target: MappingTarget): string {
  if (target === 'time') return lang === 'zh' ? '时间' : 'time';
  if (target === 'minute') return lang === 'zh' ? '分钟序号' : 'minute';
  if (target === 'ignore') return lang === 'zh' ? '忽略' : 'ignored';
  if (target.startsWith('cumulative:')) {
    const m = target.slice('cumulative:'.length) as Parameters<typeof metricLabel>[1];
    return `${lang === 'zh' ? '累计' : 'running total of'} ${metricLabel(lang, m)}`;
  }
  return metricLabel(lang, target as Parameters<typeof metricLabel>[1]);
}

const ENCODING_NAMES: Record<string, string> = {
  utf8: 'UTF-8',
  gb18030: 'GB18030',
  gbk: 'GBK',
  utf16le: 'UTF-16LE',
};
const DELIMITER_NAMES: Record<string, { zh: string; en: string }> = {
  ',': { zh: '逗号', en: 'comma' },
  '\t': { zh: '制表符', en: 'tab' },
  ';': { zh: '分号', en: 'semicolon' },
};

export function ImportReportView({ report }: { report: ImportReport }) {
  const t = useT();
  const lang = useLang();
  const n = (v: number) => formatCount(lang, v);
  return (
    <div className="import-report" data-testid="import-report" data-dry-run={report.dryRun}>
      <h3 className={report.dryRun ? 'level-warning' : 'level-ok'}>
        {report.dryRun ? <IconPending /> : <IconCheck />}{' '}
        {report.dryRun ? t('reportDryRun') : t('reportDone')}
      </h3>
      <div className="report-tiles">
        <div className="tile" data-testid="report-rows">
          <span>{t('rRowsRead')}</span>
          <b className="num">{n(report.rowsRead)}</b>
        </div>
        <div className="tile ok" data-testid="report-accepted">
          <span>{t('rAccepted')}</span>
          <b className="num">{n(report.accepted)}</b>
        </div>
        <div className="tile" data-testid="report-duplicates">
          <span>{t('rDuplicates')}</span>
          <b className="num">{n(report.duplicates)}</b>
        </div>
        <div className={`tile${report.rejectedRows ? ' bad' : ''}`} data-testid="report-rejected">
          <span>{t('rRejected')}</span>
          <b className="num">{n(report.rejectedRows)}</b>
        </div>
      </div>
      <dl className="report-facts">
        <dt>{t('rEncoding')}</dt>
        <dd data-testid="report-encoding">
          {ENCODING_NAMES[report.encoding] ?? report.encoding} ·{' '}
          {DELIMITER_NAMES[report.delimiter]?.[lang] ?? report.delimiter}
        </dd>
        {report.firstMinute !== null && (
          <>
            <dt>{t('rMinutes')}</dt>
            <dd className="num">
              T+{report.firstMinute} … T+{report.lastMinute}
            </dd>
          </>
        )}
        <dt>{t('rMapping')}</dt>
        <dd className="mapping" data-testid="report-mapping">
          {Object.entries(report.mapping).map(([header, target]) => (
            <span key={header} className="chip">
              {header} → <b>{targetLabel(lang, target)}</b>
            </span>
          ))}
        </dd>
        {report.ignoredColumns.length > 0 && (
          <>
            <dt>{t('rIgnored')}</dt>
            <dd data-testid="report-ignored">
              {report.ignoredColumns.map((c) => (
                <div key={c.column}>
                  <span className="chip muted-chip">{c.column}</span>{' '}
                  <span className="muted">{importText(lang, c.reason)}</span>
                </div>
              ))}
            </dd>
          </>
        )}
        {!report.dryRun && (
          <>
            <dt>{t('checkpoints')}</dt>
            <dd>
              {t('rAlerts', {
                cp: report.checkpointsEvaluated,
                raised: report.alertsRaised,
                updated: report.alertsUpdated,
              })}
            </dd>
          </>
        )}
      </dl>
      {report.warnings.map((w) => (
        <p key={w} className="level-warning">
          <IconWarning /> {w}
        </p>
      ))}
      {report.rejected.length > 0 && (
        <table className="acct-table rejected-table" data-testid="report-rejected-rows">
          <thead>
            <tr>
              <th>{t('rLine')}</th>
              <th>{t('rColumn')}</th>
              <th>{t('rReason')}</th>
            </tr>
          </thead>
          <tbody>
            {report.rejected.map((p, i) => (
              <tr key={i} data-testid="rejected-row" data-line={p.line}>
                <td className="num">{p.line}</td>
                <td>{p.column ?? '—'}</td>
                <td>{importText(lang, p.message)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {report.rejectedTruncated && <p className="muted">{t('rTruncated', { n: report.rejected.length })}</p>}
    </div>
  );
}
