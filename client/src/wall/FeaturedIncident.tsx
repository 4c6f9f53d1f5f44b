/**
 * The group wall's featured incident: of every launch's unacknowledged incidents the most severe
 * (then the latest to open or worsen), with its launch, plan and owner. Calm once every incident
 * is taken on: it then says so, and who took on the last one.
 */
import type { Incident } from '@warroom/shared';
import { useLang, useT } from '../hooks';
import { formatDeviation, formatDuration } from '../format';
import { metricLabel, roleLabel } from '../i18n';
import { IconCheck, IconEscalated, IconWarning } from '../icons';
import type { LaunchView } from '../store/launchFold';

export function FeaturedIncident({
  incident,
  states,
  wallNow,
}: {
  incident: Incident | null;
  states: ReadonlyMap<string, LaunchView>;
  wallNow: number;
}) {
  const t = useT();
  const lang = useLang();
  if (!incident) {
    let lastAcked: { i: Incident; name: string } | null = null;
    for (const s of states.values())
      for (const i of s.incidents.values())
        if (i.status === 'acknowledged' && (!lastAcked || (i.ackedAt ?? '') > (lastAcked.i.ackedAt ?? '')))
          lastAcked = { i, name: s.launch.name };
    return (
      <aside className="gfeatured panel calm" data-testid="group-featured" data-status="calm">
        <div className="gfeatured-calm level-ok">
          <IconCheck /> {lastAcked ? t('wall.allAcked') : t('wall.allCalm')}
        </div>
        {lastAcked && (
          <div className="gfeatured-acked" data-testid="group-featured-last">
            {lastAcked.name} · {t('wall.ackedBy', { by: lastAcked.i.ackedBy ?? '—' })}
            {lastAcked.i.action && <span className="note">「{lastAcked.i.action}」</span>}
          </div>
        )}
      </aside>
    );
  }
  const state = states.get(incident.launchId);
  const name = state?.launch.name ?? incident.launchId;
  const critical = incident.severity === 'critical';
  // People's timers count real seconds: the incident's age on this browser's wall clock.
  const openedMs = Date.parse(incident.notified.at);
  const speed = state?.clock.speed ?? 1;
  const launchNowMs = state ? state.clock.nowMs + (wallNow - state.clock.at) * speed : wallNow;
  const realAge = Math.max(0, (launchNowMs - openedMs) / Math.max(1, speed));
  return (
    <aside
      className={`gfeatured panel ${critical ? 'critical' : 'warning'}`}
      data-testid="group-featured"
      data-status="open"
      data-incident-id={incident.id}
      data-launch-id={incident.launchId}
      role="alert"
    >
      <div className={`gfeatured-kind level-${critical ? 'critical' : 'warning'}`}>
        <IconWarning /> {t(critical ? 'severityCritical' : 'severityWarning')} · {name}
      </div>
      <div className="gfeatured-what num">
        {t('atCheckpoint', { t: incident.checkpoint })} ·{' '}
        {incident.kind === 'data-gap'
          ? t('dataGap')
          : incident.metric && incident.deviation !== null
            ? t('deviationLine', {
                metric: metricLabel(lang, incident.metric),
                dir: incident.direction === 'over' ? `▲ ${t('above')}` : `▼ ${t('below')}`,
                pct: formatDeviation(lang, incident.deviation),
              })
            : metricLabel(lang, incident.plan.metric)}
      </div>
      <div className="gfeatured-plan" data-testid="group-featured-plan">
        <div>
          {t('plan')}: <span className="plan-title">{incident.plan.title}</span>
        </div>
        <div>
          {t('owner')} <span className="owner">{roleLabel(lang, incident.owner)}</span>
        </div>
        {incident.plan.owners
          .find((o) => o.role === incident.owner)
          ?.actions.slice(0, 2)
          .map((a) => (
            <div key={a} className="plan-action">
              {a}
            </div>
          ))}
      </div>
      <div className="gfeatured-foot num">
        {t('unacked', { elapsed: formatDuration(realAge, true) })}
        {incident.escalated && incident.escalatedTo && (
          <span className="level-critical">
            {' '}
            <IconEscalated /> {t('escalated', { role: roleLabel(lang, incident.escalatedTo) })}
          </span>
        )}
      </div>
    </aside>
  );
}
