/** The active alert, large: what breached, by how much, the plan, its owners and ack state. */
import {
  ESCALATION_ROLE,
  escalationDueMs,
  openedAtMs,
  realMs,
  MINUTE_MS,
  type Alert,
  type Incident,
  type PaceOutlook,
} from '@warroom/shared';
import { useLang, useT } from '../hooks';
import {
  checkpointViews,
  featuredAlert,
  incidentOf,
  latestAcks,
  levelOf,
  otherOpenStories,
  withIncidentEscalation,
  startMs,
} from '../derive';
import {
  formatClock,
  formatCount,
  formatDeviation,
  formatDuration,
  formatMoney,
  formatPercent,
  formatSigned,
} from '../format';
import { metricLabel, roleLabel, type Lang } from '../i18n';
import { IconCheck, IconEscalated, IconWarning } from '../icons';
import type { LaunchView } from '../store/launchFold';
import { usePace } from './usePace';
import { DiagnosisLine, IncidentHistory, LatestAcks } from './IncidentParts';
import { alertMetricLabel, budgetLine } from '../budgetText';

const valueText = (lang: Lang, metric: string | null, v: number | null) =>
  v === null ? '—' : metric === 'gmv' ? formatMoney(lang, v) : formatCount(lang, Math.round(v));

/** The headline of a stock or unpaid alert (they have no metric), and the line of figures under it. */
function useSituation(alert: Alert, state: LaunchView): { headline: string; detail: string } | null {
  const t = useT();
  const lang = useLang();
  const zone = state.launch.timezone;
  const at = (minute: number) => formatClock(startMs(state) + minute * MINUTE_MS, zone, false);
  if (alert.kind === 'sold-out') {
    const m = (alert.stock?.sellOutMinute ?? alert.checkpoint) + 1;
    return {
      headline: `${metricLabel(lang, 'sold-out')} · T+${m}`,
      detail: `${t('soldOutAt', { t: m })} (${at(m)}) · ${t('remaining', { n: formatCount(lang, alert.stock?.remaining ?? 0) })}`,
    };
  }
  if (alert.kind === 'low-stock') {
    const m = alert.stock?.sellOutMinute ?? null;
    const n = formatCount(lang, alert.stock?.remaining ?? 0);
    return {
      headline: metricLabel(lang, 'low-stock'),
      detail: m === null ? t('remaining', { n }) : t('stockLowAt', { t: m + 1, n }),
    };
  }
  if (alert.kind === 'unpaid' && alert.unpaid) {
    const u = alert.unpaid;
    return {
      headline: `${metricLabel(lang, 'unpaid')} ${formatCount(lang, u.orders)} ${t('unitOrders')}`,
      detail: u.expiresAt
        ? t('unpaidDetail', {
            amount: formatMoney(lang, u.amount),
            time: formatClock(Date.parse(u.expiresAt), zone, false),
          })
        : formatMoney(lang, u.amount),
    };
  }
  return null;
}

function AlertBody({
  alert,
  incident,
  state,
  nowMs,
}: {
  alert: Alert;
  incident: Incident | null;
  state: LaunchView;
  nowMs: number;
}) {
  const t = useT();
  const lang = useLang();
  const zone = state.launch.timezone;
  const sit = useSituation(alert, state);
  // Stock, unpaid orders and budgets are situations, not a metric's deviation.
  const situation = budgetLine(lang, alert) ?? sit?.headline ?? null;
  const situationDetail = sit?.detail ?? null;
  // The funnel behind a sales story: the alert's own, else its incident's latest look.
  const diagnosis = alert.diagnosis ?? (incident?.cause ? incident.diagnosis : null);
  const value = (v: number | null) => valueText(lang, alert.metric, v);
  const open = alert.status === 'open';
  // People's timers count real seconds (shared/escalation): a 30× simulation's launch clock runs
  // thirty times faster than the owner lives, so both spans are turned back into real time.
  const elapsed = realMs(state, nowMs - openedAtMs(alert));
  const due = escalationDueMs(state, alert);
  const left = due === null ? null : realMs(state, Math.max(0, due - nowMs));
  const escalatedTo = alert.escalatedTo ?? ESCALATION_ROLE;

  return (
    <>
      {open && alert.escalated && (
        <div className="alert-escalated" data-testid="alert-escalated" role="alert">
          <IconEscalated /> {t('escalated', { role: roleLabel(lang, escalatedTo) })}
        </div>
      )}
      <div className="alert-badge">
        <span className={`sev ${alert.severity}`}>
          <IconWarning /> {alert.severity === 'critical' ? t('severityCritical') : t('severityWarning')}
        </span>
        <span className="cp">
          {situation
            ? t('atMinute', { t: alert.checkpoint + 1 })
            : alert.checkpoint < 0
              ? t('atCheckpointBefore', { t: -alert.checkpoint })
              : t('atCheckpoint', { t: alert.checkpoint })}
        </span>
      </div>
      <div className="alert-headline" data-testid="alert-headline">
        {situation ? (
          <span className={`level-${levelOf(alert.severity)}`}>{situation}</span>
        ) : alert.kind === 'data-gap' || alert.metric === null || alert.deviation === null ? (
          <span className="level-warning">{t('dataGap')}</span>
        ) : (
          <span className={`level-${levelOf(alert.severity)}`}>
            {t('deviationLine', {
              metric: alertMetricLabel(lang, alert, alert.metric, true),
              dir: alert.direction === 'over' ? `▲ ${t('above')}` : `▼ ${t('below')}`,
              pct: formatDeviation(lang, alert.deviation),
            })}
          </span>
        )}
      </div>
      <div className="alert-numbers num">
        {alert.kind === 'data-gap'
          ? t('missingMinutes', { list: alert.missingMinutes.slice(0, 12).join(', ') })
          : (situationDetail ??
            t('actualVsForecast', { actual: value(alert.actual), forecast: value(alert.forecast) }))}
      </div>
      {diagnosis && <DiagnosisLine diagnosis={diagnosis} />}
      {incident && incident.evaluations.length > 0 && <IncidentHistory incident={incident} />}
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
          <span className="escalate" data-testid="alert-escalate-left" data-left-ms={left ?? ''}>
            {alert.escalated || left === null
              ? t('escalated', { role: roleLabel(lang, escalatedTo) })
              : t('escalateIn', { left: formatDuration(left, true), role: roleLabel(lang, ESCALATION_ROLE) })}
          </span>
        </div>
      ) : (
        <div className="alert-foot acked" data-testid="alert-ack-state" data-status={alert.status}>
          <IconCheck />{' '}
          {alert.status === 'cleared'
            ? t('cleared')
            : t('acked', {
                by: alert.ackedBy ?? '—',
                time: alert.ackedAt ? formatClock(Date.parse(alert.ackedAt), zone, false) : '',
              })}
          {alert.action && <span className="note">「{alert.action}」</span>}
          {alert.note && (
            <span className="note ack-note" data-testid="alert-ack-note">
              {alert.note}
            </span>
          )}
        </div>
      )}
    </>
  );
}

/**
 * Between checkpoints: how the pace is tracking (shared/pace). A projected breach is a warning in
 * amber — not an alert, which only a checkpoint raises — and replaces the green "all clear".
 */
function PaceLine({ pace, state }: { pace: PaceOutlook; state: LaunchView }) {
  const t = useT();
  const lang = useLang();
  const worst = pace.worst!;
  const pct = formatSigned(lang, worst.comparison.deviation ?? 0);
  const time = formatClock(pace.dueAtMs, state.launch.timezone, false);
  if (worst.comparison.breach === null)
    return (
      <div className="pace pace-ok num" data-testid="pace-line" data-level="ok">
        {t('paceOnTrack', { t: pace.checkpoint, pct })}
      </div>
    );
  return (
    <div className="pace pace-warning" data-testid="pace-line" data-level="warning">
      <div className="pace-badge">
        <IconWarning /> {t('paceBadge')}
      </div>
      <div className="pace-headline">
        {t('paceLine', { t: pace.checkpoint, metric: metricLabel(lang, worst.metric), pct })}
      </div>
      <div className="pace-detail num">
        {t('paceDetail', {
          projected: valueText(lang, worst.metric, worst.projected),
          forecast: valueText(lang, worst.metric, worst.forecast),
          t: pace.checkpoint,
          time,
        })}
      </div>
      {/* Every compared metric's projection, so the room sees which ones hold. */}
      <ul className="pace-metrics num" data-testid="pace-metrics">
        {pace.metrics.map((m) => (
          <li key={m.metric} className={m.comparison.breach ? 'level-warning' : 'level-ok'}>
            <span>{metricLabel(lang, m.metric)}</span>
            <span>{formatSigned(lang, m.comparison.deviation ?? 0)}</span>
          </li>
        ))}
      </ul>
    </div>
  );
}

function AllClear({ state, pace }: { state: LaunchView; pace: PaceOutlook | null }) {
  const t = useT();
  const lang = useLang();
  const next = checkpointViews(state).find((c) => c.state === 'pending');
  const warned = pace?.worst?.comparison.breach != null;
  return (
    <div className={`all-clear${warned ? ' pace-warned' : ''}`} data-testid="all-clear">
      {warned ? (
        <PaceLine pace={pace} state={state} />
      ) : (
        <>
          <div className="big">
            <IconCheck /> {t('allClear')}
          </div>
          <div className="detail">
            {t('allClearDetail', { tol: formatPercent(lang, state.launch.tolerance, 0) })}
          </div>
          {pace?.worst && <PaceLine pace={pace} state={state} />}
        </>
      )}
      {next && (
        <div className="next num">
          {t('nextCheckpoint', { t: next.t, time: formatClock(next.dueAtMs, state.launch.timezone, false) })}
        </div>
      )}
    </div>
  );
}

export function AlertPanel({ state, nowMs }: { state: LaunchView; nowMs: number }) {
  const t = useT();
  const featured = featuredAlert(state);
  const incident = incidentOf(state, featured);
  const alert = featured && withIncidentEscalation(featured, incident);
  const pace = usePace(state, nowMs);
  // Other stories still open: one line per incident, not per alert (uv, units and GMV of one
  // traffic shortfall are one story).
  const others = otherOpenStories(state, alert);
  const acks = latestAcks(state, alert, 2);
  const classes = ['alert-panel', 'panel'];
  if (alert) classes.push(alert.status, alert.severity);
  if (alert?.escalated) classes.push('escalated');
  if (!alert && pace?.worst?.comparison.breach) classes.push('pace-warning');

  return (
    <section
      className={classes.join(' ')}
      data-testid="alert-panel"
      data-alert-id={alert?.id ?? ''}
      data-status={alert?.status ?? 'none'}
      data-escalated={alert?.status === 'open' && alert.escalated}
    >
      {alert ? (
        <AlertBody alert={alert} incident={incident} state={state} nowMs={nowMs} />
      ) : (
        <AllClear state={state} pace={pace} />
      )}
      <LatestAcks acks={acks} zone={state.launch.timezone} />
      {others.n > 0 && (
        <div className="alert-more" data-testid="alert-more">
          {others.escalated > 0
            ? t('moreOpenIncidentsEscalated', { n: others.n, e: others.escalated })
            : t('moreOpenIncidents', { n: others.n })}
        </div>
      )}
    </section>
  );
}
