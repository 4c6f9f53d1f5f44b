/** The active alert, large: what breached, by how much, the plan, its owners and ack state. */
import { ESCALATION_ROLE, type Alert } from '@warroom/shared';
import { useLang, useT } from '../hooks';
import { checkpointViews, featuredAlert, levelOf } from '../derive';
import {
  formatClock,
  formatCount,
  formatDeviation,
  formatDuration,
  formatMoney,
  formatPercent,
} from '../format';
import { metricLabel, roleLabel } from '../i18n';
import { useStore } from '../store';
import { selectMuted } from '../store/selectors';
import type { LaunchState } from '../store/launchFold';
import { useChime } from './useChime';
import { resumeAudio } from './chime';

function AlertBody({ alert, state, nowMs }: { alert: Alert; state: LaunchState; nowMs: number }) {
  const t = useT();
  const lang = useLang();
  const zone = state.launch.timezone;
  const money = alert.metric === 'gmv';
  const value = (v: number | null) =>
    v === null ? '—' : money ? formatMoney(lang, v) : formatCount(lang, Math.round(v));
  const open = alert.status === 'open';
  const elapsed = nowMs - Date.parse(alert.raisedAt);
  const escalateAt = formatDuration(state.launch.escalateAfterSeconds * 1000, true);
  const escalatedTo = alert.escalatedTo ?? ESCALATION_ROLE;

  return (
    <>
      {open && alert.escalated && (
        <div className="alert-escalated" data-testid="alert-escalated" role="alert">
          ⇧ {t('escalated', { role: roleLabel(lang, escalatedTo) })}
        </div>
      )}
      <div className="alert-badge">
        <span className={`sev ${alert.severity}`}>
          ⚠ {alert.severity === 'critical' ? t('severityCritical') : t('severityWarning')}
        </span>
        <span className="cp">{t('atCheckpoint', { t: alert.checkpoint })}</span>
      </div>
      <div className="alert-headline" data-testid="alert-headline">
        {alert.kind === 'data-gap' || alert.metric === null || alert.deviation === null ? (
          <span className="level-warning">{t('dataGap')}</span>
        ) : (
          <span className={`level-${levelOf(alert.deviation, state.launch.tolerance)}`}>
            {t('deviationLine', {
              metric: metricLabel(lang, alert.metric),
              dir: alert.direction === 'over' ? `▲ ${t('above')}` : `▼ ${t('below')}`,
              pct: formatDeviation(lang, alert.deviation),
            })}
          </span>
        )}
      </div>
      <div className="alert-numbers num">
        {alert.kind === 'data-gap'
          ? t('missingMinutes', { list: alert.missingMinutes.slice(0, 12).join(', ') })
          : t('actualVsForecast', { actual: value(alert.actual), forecast: value(alert.forecast) })}
      </div>
      <div className="alert-plan" data-testid="alert-plan">
        {/* One line per child, so lines that do not fit drop out whole (see alert.css). */}
        <div>
          {t('plan')}: <span className="plan-title">{alert.plan.title}</span>
        </div>
        {alert.plan.owners.flatMap((o) => [
          <div key={o.role}>
            {t('owner')} <span className="owner">{roleLabel(lang, o.role)}</span>
          </div>,
          ...o.actions.map((a) => (
            <div key={`${o.role}/${a}`} className="plan-action">
              {a}
            </div>
          )),
        ])}
      </div>
      {open ? (
        <div className="alert-foot num" data-testid="alert-ack-state" data-status="open">
          <span className={alert.escalated ? 'level-critical' : 'level-warning'}>
            {t('unacked', { elapsed: formatDuration(elapsed, true) })}
          </span>
          <span className="escalate">
            {alert.escalated
              ? t('escalated', { role: roleLabel(lang, escalatedTo) })
              : t('escalateIn', { left: escalateAt, role: roleLabel(lang, ESCALATION_ROLE) })}
          </span>
        </div>
      ) : (
        <div className="alert-foot acked" data-testid="alert-ack-state" data-status={alert.status}>
          {alert.status === 'cleared'
            ? `✓ ${t('cleared')}`
            : t('acked', {
                by: alert.ackedBy ?? '—',
                time: alert.ackedAt ? formatClock(Date.parse(alert.ackedAt), zone, false) : '',
              })}
          {alert.action && <span className="note">「{alert.action}」</span>}
          {alert.note && <span className="note">{alert.note}</span>}
        </div>
      )}
    </>
  );
}

function AllClear({ state }: { state: LaunchState }) {
  const t = useT();
  const lang = useLang();
  const next = checkpointViews(state).find((c) => c.state === 'pending');
  return (
    <div className="all-clear" data-testid="all-clear">
      <div className="big">✓ {t('allClear')}</div>
      <div className="detail">
        {t('allClearDetail', { tol: formatPercent(lang, state.launch.tolerance, 0) })}
      </div>
      {next && (
        <div className="next num">
          {t('nextCheckpoint', { t: next.t, time: formatClock(next.dueAtMs, state.launch.timezone, false) })}
        </div>
      )}
    </div>
  );
}

export function AlertPanel({ state, nowMs }: { state: LaunchState; nowMs: number }) {
  const t = useT();
  const muted = useStore(selectMuted);
  const alert = featuredAlert(state);
  const open = alert?.status === 'open';
  const openCount = [...state.alerts.values()].filter((a) => a.status === 'open').length;
  const { blocked } = useChime(!open ? 'none' : alert.escalated ? 'escalated' : 'open', muted);
  const classes = ['alert-panel', 'panel'];
  if (alert) classes.push(alert.status, alert.severity);
  if (alert?.escalated) classes.push('escalated');

  return (
    <section
      className={classes.join(' ')}
      data-testid="alert-panel"
      data-alert-id={alert?.id ?? ''}
      data-status={alert?.status ?? 'none'}
      data-escalated={alert?.status === 'open' && alert.escalated}
    >
      {blocked && (
        <button type="button" className="alert-sound" onClick={resumeAudio}>
          ♪ {t('soundBlocked')}
        </button>
      )}
      {alert ? <AlertBody alert={alert} state={state} nowMs={nowMs} /> : <AllClear state={state} />}
      {openCount > 1 && <div className="alert-more">{t('moreOpen', { n: openCount - 1 })}</div>}
    </section>
  );
}
