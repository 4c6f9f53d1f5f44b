/**
 * The phone console (375×812): the page an alert's link opens (`/ack/<incident id>`), after login.
 * What happened in a few lines, the plan's actions as big buttons for one thumb, an optional note,
 * one confirm button at the bottom; then 已确认 · who · action, as the channel is told.
 */
import { useEffect, useState } from 'react';
import {
  METRIC_LABELS,
  isSituation,
  translate,
  type Diagnosis,
  type Incident,
  type Lang,
  type LaunchSummary,
} from '@warroom/shared';
import { api, request } from '../api';
import { useLang, useT } from '../hooks';
import { roleLabel } from '../i18n';
import { formatDeviation } from '../format';
import { Link } from '../router';
import { hasRole, useSession } from '../auth/session';
import { LangSwitch } from '../LangSwitch';
import './ack-page.css';

const launchOf = (incidentId: string) => incidentId.split('-i-')[0] ?? incidentId;

function subject(lang: Lang, i: Incident): string {
  if (i.metric) return METRIC_LABELS[i.metric][lang];
  const key = i.plan.metric;
  return isSituation(key) ? translate(lang, `situation.${key}`) : METRIC_LABELS[key][lang];
}

const signed = (lang: Lang, x: number) => `${x >= 0 ? '▲' : '▼'}${formatDeviation(lang, x)}`;

/** 主因 访客 ▼30.0%，转化 ▲0.5%，客单价 ▼0.5%: the cause first, then the other factors. */
function diagnosisLine(t: ReturnType<typeof useT>, lang: Lang, d: Diagnosis): string {
  const value = {
    traffic: d.factors.traffic,
    conversion: d.factors.conversion,
    'order-value': d.factors.orderValue,
  };
  const order = [
    d.cause,
    ...(['traffic', 'conversion', 'order-value'] as const).filter((c) => c !== d.cause),
  ].filter((c) => !(d.withoutBuyers && c === 'order-value'));
  const parts = order.map((c) => `${t(`ackFactor.${c}`)} ${signed(lang, value[c])}`);
  return `${t('ackCause')} ${parts.join(lang === 'zh' ? '，' : ', ')}`;
}

export default function AckPage({ incidentId }: { incidentId: string }) {
  const t = useT();
  const lang = useLang();
  const user = useSession((s) => s.user);
  const [incident, setIncident] = useState<Incident | null | undefined>(undefined);
  const [launch, setLaunch] = useState<LaunchSummary | null>(null);
  const [choice, setChoice] = useState<string | null>(null);
  const [note, setNote] = useState('');
  const [sending, setSending] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const launchId = launchOf(incidentId);

  useEffect(() => {
    request<Incident[]>('GET', `/api/incidents?status=all&launchId=${encodeURIComponent(launchId)}`).then(
      (list) => setIncident(list.find((i) => i.id === incidentId) ?? null),
      () => setIncident(null),
    );
    api.launches().then(
      (l) => setLaunch(l.find((x) => x.id === launchId) ?? null),
      () => undefined,
    );
  }, [incidentId, launchId]);

  const canAck = hasRole(user, 'supervisor');
  const actions =
    incident?.plan.owners.flatMap((o) => o.actions.map((a) => ({ role: o.role, action: a }))) ?? [];
  const chosen = choice ?? actions[0]?.action ?? null;

  const confirm = async () => {
    if (!incident) return;
    setSending(true);
    setError(null);
    try {
      const acked = await request<Incident>('POST', `/api/incidents/${encodeURIComponent(incident.id)}/ack`, {
        ...(chosen ? { action: chosen } : {}),
        ...(note.trim() ? { note: note.trim() } : {}),
      });
      setIncident(acked);
    } catch (e) {
      setError((e as Error).message);
    } finally {
      setSending(false);
    }
  };

  if (incident === undefined) return <div className="page-loading">{t('loading')}</div>;
  if (incident === null)
    return (
      <main className="ack-phone" data-testid="ack-page">
        <p className="level-warning" data-testid="ack-missing">
          {t('ackPageMissing')}
        </p>
        <Link href="/console" className="btn">
          {t('ackPageToConsole')}
        </Link>
      </main>
    );

  const done = incident.ackedBy !== null;
  const d = incident.diagnosis;
  return (
    <main className="ack-phone" data-testid="ack-page" data-severity={incident.severity}>
      <header className="ack-phone-head">
        <span className={`ack-sev sev-${incident.severity}`}>
          {incident.severity === 'critical' ? t('severityCritical') : t('severityWarning')}
        </span>
        <span className="ack-launch">{launch?.name ?? launchId}</span>
        <LangSwitch />
      </header>
      <section className="ack-what">
        <h1 data-testid="ack-what">
          {subject(lang, incident)}
          {incident.direction && ` ${t(`ackDir.${incident.direction}`)}`}
          {incident.deviation !== null && <span className="num"> {signed(lang, incident.deviation)}</span>}
        </h1>
        <p className="muted num">
          {incident.checkpoint < 0 ? `T−${-incident.checkpoint}` : `T+${incident.checkpoint}`} ·{' '}
          {roleLabel(lang, incident.owner)}
        </p>
        {d && (
          <p className="ack-diagnosis" data-testid="ack-diagnosis">
            {diagnosisLine(t, lang, d)}
          </p>
        )}
        <p className="ack-plan">
          {t('plan')} {incident.plan.title}
        </p>
      </section>
      {done ? (
        <section className="ack-done" data-testid="ack-done">
          <p>
            {t('ackPageDone', {
              who: incident.ackedBy ?? '',
              action: incident.action ?? t('ackPageNoAction'),
            })}
          </p>
          {incident.note && <p className="muted">{incident.note}</p>}
          <Link href="/console" className="btn">
            {t('ackPageToConsole')}
          </Link>
        </section>
      ) : !canAck ? (
        <p className="muted" data-testid="ack-read-only">
          {t('viewerReadOnly')}
        </p>
      ) : (
        <form
          className="ack-phone-form"
          data-testid="ack-phone-form"
          onSubmit={(e) => {
            e.preventDefault();
            void confirm();
          }}
        >
          <fieldset>
            <legend>{t('ackPageChoose')}</legend>
            {actions.map((a) => (
              <button
                key={`${a.role}/${a.action}`}
                type="button"
                role="radio"
                aria-checked={chosen === a.action}
                className={`ack-action${chosen === a.action ? ' chosen' : ''}`}
                data-testid="ack-action"
                onClick={() => setChoice(a.action)}
              >
                <span>{a.action}</span>
                <small>{roleLabel(lang, a.role)}</small>
              </button>
            ))}
          </fieldset>
          <label className="ack-note">
            {t('ackPageNote')}
            <textarea
              data-testid="ack-phone-note"
              rows={2}
              maxLength={1000}
              value={note}
              onChange={(e) => setNote(e.target.value)}
            />
          </label>
          {error && <p className="level-critical">{t('error', { msg: error })}</p>}
          <div className="ack-confirm-bar">
            {user && <small className="muted">{t('ackAs', { name: user.displayName })}</small>}
            <button type="submit" className="btn btn-primary" data-testid="ack-confirm" disabled={sending}>
              {sending ? t('ackSending') : t('ackPageConfirm')}
            </button>
          </div>
        </form>
      )}
    </main>
  );
}
