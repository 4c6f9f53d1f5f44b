import { ESCALATION_ROLE, type Alert } from '@warroom/shared';
import { useLang, useT } from '../hooks';
import { formatAge, formatClock, formatDeviation } from '../format';
import { metricLabel, roleLabel } from '../i18n';

interface Props {
  alert: Alert;
  launchName: string;
  zone: string;
  selected: boolean;
  mine: boolean;
  canAck: boolean;
  wallNow: number;
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
  wallNow,
  onSelect,
  onAck,
}: Props) {
  const t = useT();
  const lang = useLang();
  const raised = Date.parse(alert.raisedAt);
  const when =
    raised <= wallNow && wallNow - raised < 6 * 3600_000
      ? t('ago', { age: formatAge(lang, wallNow - raised) })
      : formatClock(raised, zone, false);
  const what =
    alert.metric === null || alert.deviation === null
      ? t('dataGap')
      : `${metricLabel(lang, alert.metric)} ${alert.direction === 'over' ? '▲' : '▼'}${formatDeviation(lang, alert.deviation)}`;
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
      <span className={`sev-dot ${open ? alert.severity : 'done'}`}>{open ? '●' : '✓'}</span>
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
      <span className="launch-name">{launchName}</span>
      {open ? (
        <>
          <span className="role">
            {escalated ? (
              <em className="escalated-tag" data-testid="escalated-tag">
                ⇧ {t('escalatedBadge', { role: roleLabel(lang, alert.escalatedTo ?? ESCALATION_ROLE) })}
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
        <span className="acked-by num">
          {alert.ackedBy ?? ''} {alert.ackedAt ? formatClock(Date.parse(alert.ackedAt), zone, false) : ''}
          {alert.action ? ` 「${alert.action}」` : ''}
        </span>
      )}
    </li>
  );
}
