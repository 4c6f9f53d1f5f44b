/** Acknowledge one alert with one of its plan's actions (or free text) and a note; its history below. */
import { useEffect, useRef, useState } from 'react';
import { ESCALATION_ROLE, type Alert, type AlertHistoryEntry, type Incident } from '@warroom/shared';
import { api } from '../api';
import { useLang, useT, type Translate } from '../hooks';
import { formatClock, formatDeviation } from '../format';
import { metricLabel, roleLabel, type MessageKey } from '../i18n';
import { useStore } from '../store';
import { useSession } from '../auth/session';
import { IconEscalated } from '../icons';
import { alertWhat } from './AlertRow';
import { DiagnosisLine, IncidentHistory } from '../screen/IncidentParts';

const OTHER = '__other__';
const HISTORY_WORD: Record<AlertHistoryEntry['type'], MessageKey> = {
  raised: 'hRaised',
  updated: 'hUpdated',
  cleared: 'hCleared',
  reopened: 'hReopened',
  acknowledged: 'hAcknowledged',
  escalated: 'hEscalated',
};

/**
 * The alert's history, one line per step. The acknowledgement that stands (the last one) says who,
 * the action and the note: the alert keeps those of its latest acknowledgement only.
 */
function History({ alert, zone, t }: { alert: Alert; zone: string; t: Translate }) {
  const lang = useLang();
  const lastAck = alert.history.findLastIndex((h) => h.type === 'acknowledged');
  return (
    <ol className="history" data-testid="alert-history">
      {alert.history.map((h, i) => (
        <li key={i} data-type={h.type}>
          <span className="num">{formatClock(Date.parse(h.at), zone)}</span> {h.by ? `${h.by} ` : ''}
          {t(HISTORY_WORD[h.type])}
          {h.deviation != null && (
            <span className="num">
              {' '}
              {h.deviation >= 0 ? '▲' : '▼'}
              {formatDeviation(lang, h.deviation)}
            </span>
          )}
          {i === lastAck && alert.action && <> {t('hAckDetail', { action: alert.action })}</>}
          {i === lastAck && alert.note && (
            <span className="history-note" data-testid="history-note">
              {alert.note}
            </span>
          )}
        </li>
      ))}
    </ol>
  );
}

/** The incident an alert belongs to, fetched again whenever the alert changes. */
function useIncident(alert: Alert): Incident | null {
  const [found, setFound] = useState<{ id: string; incident: Incident | null } | null>(null);
  useEffect(() => {
    const id = alert.incidentId;
    if (!id) return;
    let live = true;
    api.incidents(alert.launchId).then(
      (list) => live && setFound({ id, incident: list.find((i) => i.id === id) ?? null }),
      () => undefined,
    );
    return () => {
      live = false;
    };
  }, [alert.incidentId, alert.launchId, alert.updatedAt]);
  return found && found.id === alert.incidentId ? found.incident : null;
}

/** The story the alert belongs to: its cause's funnel line and every checkpoint's look at it. */
function IncidentPane({ incident, zone, t }: { incident: Incident; zone: string; t: Translate }) {
  const lang = useLang();
  const name = incident.cause
    ? t(`cause.${incident.cause}`)
    : incident.metric
      ? metricLabel(lang, incident.metric)
      : t('dataGap');
  return (
    <div className="ack-incident" data-testid="ack-incident" data-incident-id={incident.id}>
      <h3>
        {t('review.story')} · {name} · {t(`incidentStatus.${incident.status}`)}
        {incident.ackedBy && incident.ackedAt && (
          <span className="muted">
            {' '}
            · {incident.ackedBy} {formatClock(Date.parse(incident.ackedAt), zone, false)}
            {incident.action ? `「${incident.action}」` : ''}
          </span>
        )}
      </h3>
      {incident.cause && incident.diagnosis && <DiagnosisLine diagnosis={incident.diagnosis} />}
      <IncidentHistory incident={incident} max={50} />
    </div>
  );
}

export function AckForm({
  alert,
  zone,
  canAck,
  onDone,
  onAcknowledged,
}: {
  alert: Alert;
  zone: string;
  canAck: boolean;
  onDone(): void;
  /** The acknowledgement went through: the server's answer. */
  onAcknowledged(acked: Alert): void;
}) {
  const t = useT();
  const lang = useLang();
  const user = useSession((s) => s.user);
  const upsert = useStore((s) => s.upsertInboxAlert);
  const actions = alert.plan.owners.flatMap((o) => o.actions.map((a) => ({ role: o.role, action: a })));
  const [choice, setChoice] = useState<string>(actions[0]?.action ?? OTHER);
  const [other, setOther] = useState('');
  const [note, setNote] = useState('');
  const [sending, setSending] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const first = useRef<HTMLInputElement>(null);
  const open = alert.status === 'open';
  const incident = useIncident(alert);
  const escalatedTo = alert.escalated ? (alert.escalatedTo ?? ESCALATION_ROLE) : null;

  useEffect(() => {
    if (open) first.current?.focus();
  }, [alert.id, open]);

  const what = alertWhat(t, lang, alert);

  const submit = async () => {
    if (!canAck) return;
    const action = choice === OTHER ? other.trim() : choice;
    setSending(true);
    setError(null);
    try {
      const acked = await api.ack(alert.id, {
        ...(action ? { action } : {}),
        ...(note.trim() ? { note: note.trim() } : {}),
      });
      upsert(acked);
      onAcknowledged(acked);
    } catch (e) {
      setError((e as Error).message);
    } finally {
      setSending(false);
    }
  };

  return (
    <section className="ack-pane" data-testid="ack-pane">
      <h2>
        {t('ackTitle', { what })} · {t('plan')} {alert.plan.title}
      </h2>
      {escalatedTo && open && (
        <p className="escalated-note" data-testid="ack-escalated">
          <IconEscalated /> {t('escalated', { role: roleLabel(lang, escalatedTo) })}
        </p>
      )}
      {open && !canAck && (
        <p className="muted read-only-inline" data-testid="ack-read-only">
          {t('viewerReadOnly')}
        </p>
      )}
      {open && canAck && (
        <form
          data-testid="ack-form"
          onSubmit={(e) => {
            e.preventDefault();
            void submit();
          }}
          onKeyDown={(e) => {
            if (e.key === 'Escape') {
              (document.activeElement as HTMLElement | null)?.blur();
              onDone();
            }
          }}
        >
          <fieldset>
            <legend>{t('actionTaken')}</legend>
            {actions.map((a, i) => (
              <label key={`${a.role}/${a.action}`} className="choice">
                <input
                  ref={i === 0 ? first : undefined}
                  type="radio"
                  name="action"
                  value={a.action}
                  checked={choice === a.action}
                  onChange={() => setChoice(a.action)}
                />
                {a.action} <span className="muted">· {roleLabel(lang, a.role)}</span>
              </label>
            ))}
            <label className="choice">
              <input
                type="radio"
                name="action"
                value={OTHER}
                checked={choice === OTHER}
                onChange={() => setChoice(OTHER)}
              />
              {t('other')}:
              <input
                data-testid="ack-other"
                value={other}
                maxLength={200}
                onFocus={() => setChoice(OTHER)}
                onChange={(e) => setOther(e.target.value)}
              />
            </label>
          </fieldset>
          <label className="note-field">
            {t('note')}
            <input
              data-testid="ack-note"
              value={note}
              maxLength={1000}
              onChange={(e) => setNote(e.target.value)}
            />
          </label>
          {error && <p className="level-critical">{t('error', { msg: error })}</p>}
          {user && <p className="muted ack-as">{t('ackAs', { name: user.displayName })}</p>}
          <button type="submit" className="btn btn-primary" data-testid="ack-submit" disabled={sending}>
            {sending ? t('ackSending') : t('ackSubmit')}
          </button>
        </form>
      )}
      {incident && <IncidentPane incident={incident} zone={zone} t={t} />}
      <h3>{t('history')}</h3>
      <History alert={alert} zone={zone} t={t} />
    </section>
  );
}
