/**
 * What the wall and the console show of an incident: the funnel behind a sales miss in one line,
 * the checkpoints' looks at it (its history), and the latest acknowledgements of other stories.
 */
import type { Diagnosis, Incident } from '@warroom/shared';
import { useLang, useT } from '../hooks';
import { levelOf, type AckView } from '../derive';
import { formatClock, formatPercent, formatSigned } from '../format';
import { metricLabel, metricShortLabel, type MessageKey } from '../i18n';
import { IconCheck } from '../icons';

const FACTOR: Record<Diagnosis['cause'], 'traffic' | 'conversion' | 'orderValue'> = {
  traffic: 'traffic',
  conversion: 'conversion',
  'order-value': 'orderValue',
};

/** 销售额 ▼30.0%：主因 访客 ▼34.0%，转化 ▲6.0%，客单价 ▲0.4% */
export function DiagnosisLine({ diagnosis }: { diagnosis: Diagnosis }) {
  const t = useT();
  const lang = useLang();
  const label = (f: 'traffic' | 'conversion' | 'orderValue'): string =>
    t(f === 'conversion' && diagnosis.withoutBuyers ? 'factor.gmvPerVisitor' : (`factor.${f}` as MessageKey));
  const part = (f: 'traffic' | 'conversion' | 'orderValue') =>
    `${label(f)} ${formatSigned(lang, diagnosis.factors[f])}`;
  const cause = FACTOR[diagnosis.cause];
  const factors = (['traffic', 'conversion', 'orderValue'] as const).filter(
    (f) => !(f === 'orderValue' && diagnosis.withoutBuyers),
  );
  return (
    <div className="diagnosis num" data-testid="diagnosis-line" data-cause={diagnosis.cause}>
      {t('diagnosisLine', {
        gmv: `${t('factor.gmv')} ${formatSigned(lang, diagnosis.gmv)}`,
        main: t('diagnosisMain'),
        cause: part(cause),
        rest: factors
          .filter((f) => f !== cause)
          .map(part)
          .join(t('diagnosisSep')),
      })}
    </div>
  );
}

const tLabel = (t: number) => (t < 0 ? `T−${-t}` : `T+${t}`);

/** Every checkpoint's look at the incident, oldest first: T+15 ▼23.4%  T+25 ▼24.0%  T+45 恢复. */
export function IncidentHistory({ incident, max = 6 }: { incident: Incident; max?: number }) {
  const t = useT();
  const lang = useLang();
  const shown = incident.evaluations.slice(-max);
  // Stock and unpaid stories are looked at minute by minute: minute m is read at T+(m + 1).
  const byMinute = incident.kind === 'stock' || incident.kind === 'unpaid';
  const word = (severity: string | null): string =>
    severity === null
      ? t('evalBackWithin')
      : incident.kind === 'unpaid'
        ? t('evalUnpaid')
        : severity === 'critical'
          ? t('evalSoldOut')
          : t('evalLowStock');
  return (
    <div className="incident-history" data-testid="incident-history" data-count={incident.evaluations.length}>
      <span className="incident-history-title">
        {t('incidentHistory', { n: incident.evaluations.length })}
      </span>
      <ol>
        {shown.map((e) => (
          <li
            key={`${e.checkpoint}-${e.at}`}
            className={`num level-${levelOf(e.severity)}`}
            data-testid="incident-evaluation"
            data-checkpoint={e.checkpoint}
          >
            <span className="t">{tLabel(byMinute ? e.checkpoint + 1 : e.checkpoint)}</span>{' '}
            {e.severity === null || e.deviation === null
              ? word(e.severity)
              : incident.kind === 'unpaid'
                ? `${word(e.severity)} ${formatPercent(lang, e.deviation)}`
                : // Which figure a look is of (a sales story's is GMV, the strip below names the worst).
                  `${e.metric ? metricShortLabel(lang, e.metric) : ''}${formatSigned(lang, e.deviation)}`}
          </li>
        ))}
      </ol>
    </div>
  );
}

/** Who took the other stories on, newest first: ✓ 访客数 ▼ · 李雷 10:32「直通车加价」. */
export function LatestAcks({ acks, zone }: { acks: AckView[]; zone: string }) {
  const t = useT();
  const lang = useLang();
  if (acks.length === 0) return null;
  return (
    <div className="latest-acks" data-testid="latest-acks">
      <span className="latest-acks-title">{t('latestAcks')}</span>
      <ul>
        {acks.map((a) => (
          <li key={a.key} data-testid="latest-ack" data-key={a.key} className={a.resolved ? 'resolved' : ''}>
            <IconCheck />{' '}
            <span className="what">{a.cause ? t(`cause.${a.cause}`) : metricLabel(lang, a.what)}</span>
            {a.direction && <span>{a.direction === 'over' ? ' ▲' : ' ▼'}</span>}
            <span className="who num">
              {' · '}
              {t('ackLine', { by: a.by, time: formatClock(a.atMs, zone, false) })}
            </span>
            {a.action && <span className="action">「{a.action}」</span>}
          </li>
        ))}
      </ul>
    </div>
  );
}
