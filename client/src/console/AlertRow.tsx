import { ESCALATION_ROLE, type Alert } from '@warroom/shared';
import { useLang, useT, type Translate } from '../hooks';
import { formatAge, formatClock, formatCount, formatDeviation } from '../format';
import { metricLabel, roleLabel, type Lang } from '../i18n';
import { IconCheck, IconDot, IconEscalated } from '../icons';
import { alertMetricLabel, budgetLine } from '../budgetText';

/** What an alert is about, short: 「访客数 ▼23.3%」 or 「数据中断」. */
export function alertWhat(t: Translate, lang: Lang, alert: Alert): string {
  const budget = budgetLine(lang, alert);
  if (budget) return budget;
  // Stock and unpaid alerts are situations: 库存预警 · 剩 120 件, 已售罄 · T+13, 待付款 393 单.
  if (alert.kind === 'sold-out')
    return `${metricLabel(lang, 'sold-out')} · T+${(alert.stock?.sellOutMinute ?? alert.checkpoint) + 1}`;
  if (alert.kind === 'low-stock')
    return `${metricLabel(lang, 'low-stock')} · ${t('remaining', { n: formatCount(lang, alert.stock?.remaining ?? 0) })}`;
  if (alert.kind === 'unpaid')
    return `${metricLabel(lang, 'unpaid')} ${formatCount(lang, alert.unpaid?.orders ?? 0)} ${t('unitOrders')}`;
  return alert.metric === null || alert.deviation === null
    ? t('dataGap')
    : `${alertMetricLabel(lang, alert, alert.metric)} ${alert.direction === 'over' ? '▲' : '▼'}${formatDeviation(lang, alert.deviation)}`;
}

interface Props {
  alert: Alert;
  launchName: string;
  zone: string;
  selected: boolean;
  mine: boolean;
  canAck: boolean;
  /** Real time since the alert opened (a simulation's launch clock runs faster than people). */
  openForMs: number;
  onSelect(): void;
  onAck(): void;
}

export function AlertRow({
  alert,
  launchName,
  zone,
  selected,
  mine,
  canAck,
  openForMs,
  onSelect,
  onAck,
}: Props) {
  const t = useT();
  const lang = useLang();
  const raised = Date.parse(alert.raisedAt);
  const when =
    openForMs >= 0 && openForMs < 6 * 3600_000
      ? t('ago', { age: formatAge(lang, openForMs) })
      : formatClock(raised, zone, false);
  const what = alertWhat(t, lang, alert);
  const open = alert.status === 'open';
  const escalated = open && alert.escalated;
  return (
    <li
      className={`inbox-row ${alert.status} ${alert.severity}${selected ? ' selected' : ''}${mine ? ' mine' : ''}${escalated ? ' escalated' : ''}`}
      data-testid="inbox-row"
      data-alert-id={alert.id}
      data-status={alert.status}
      data-mine={mine}
      data-escalated={escalated}
      aria-selected={selected}
      onClick={onSelect}
    >
      <span className={`sev-dot ${open ? alert.severity : 'done'}`}>
        {open ? <IconDot filled /> : <IconCheck />}
      </span>
      <span className="sev-word">
        {open
          ? alert.severity === 'critical'
            ? t('severityCritical')
            : t('severityWarning')
          : alert.status === 'cleared'
            ? t('statusCleared')
            : t('statusAcknowledged')}
      </span>
      <span className="num">T+{alert.checkpoint}</span>
      <span className="what num">{what}</span>
      <span className="launch-name" title={launchName}>
        {launchName}
      </span>
      {open ? (
        <>
          <span className="role">
            {escalated ? (
              <em className="escalated-tag" data-testid="escalated-tag">
                <IconEscalated />{' '}
                {t('escalatedBadge', { role: roleLabel(lang, alert.escalatedTo ?? ESCALATION_ROLE) })}
              </em>
            ) : (
              roleLabel(lang, alert.owner)
            )}
            {mine && <span className="mine-tag">{t('mine')}</span>}
          </span>
          <span className="when num">{when}</span>
          {canAck ? (
            <button
              type="button"
              className="btn btn-small"
              data-testid="ack-open"
              onClick={(e) => {
                e.stopPropagation();
                onAck();
              }}
            >
              {t('ackOpen')}
            </button>
          ) : (
            <span />
          )}
        </>
      ) : (
        <span className="acked-by" data-testid="inbox-row-ack">
          <span className="num">
            {alert.ackedBy ?? ''} {alert.ackedAt ? formatClock(Date.parse(alert.ackedAt), zone, false) : ''}
          </span>
          {alert.action ? ` 「${alert.action}」` : ''}
          {alert.note && <span className="row-note"> {alert.note}</span>}
        </span>
      )}
    </li>
  );
}
