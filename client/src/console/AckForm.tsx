/** Acknowledge one alert with one of its plan's actions (or free text) and a note; its history below. */
import { useEffect, useRef, useState } from 'react';
import { ESCALATION_ROLE, type Alert, type AlertHistoryEntry } from '@warroom/shared';
import { api } from '../api';
import { useLang, useT, type Translate } from '../hooks';
import { formatClock, formatDeviation } from '../format';
import { metricLabel, roleLabel, type MessageKey } from '../i18n';
import { useStore } from '../store';
import { useSession } from '../auth/session';

const OTHER = '__other__';
const HISTORY_WORD: Record<AlertHistoryEntry['type'], MessageKey> = {
  raised: 'hRaised',
  updated: 'hUpdated',
  cleared: 'hCleared',
  reopened: 'hReopened',
  acknowledged: 'hAcknowledged',
  escalated: 'hEscalated',
};

function History({ alert, zone, t }: { alert: Alert; zone: string; t: Translate }) {
  const lang = useLang();
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
        </li>
      ))}
    </ol>
  );
}

export function AckForm({
  alert,
  zone,
  canAck,
  onDone,
}: {
  alert: Alert;
  zone: string;
  canAck: boolean;
  onDone(): void;
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
  const escalatedTo = alert.escalated ? (alert.escalatedTo ?? ESCALATION_ROLE) : null;

  useEffect(() => {
    if (open) first.current?.focus();
  }, [alert.id, open]);

  const what =
    alert.metric === null || alert.deviation === null
      ? t('dataGap')
      : `${metricLabel(lang, alert.metric)} ${alert.direction === 'over' ? '▲' : '▼'}${formatDeviation(lang, alert.deviation)}`;

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
      onDone();
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
          ⇧ {t('escalated', { role: roleLabel(lang, escalatedTo) })}
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
      <h3>{t('history')}</h3>
      <History alert={alert} zone={zone} t={t} />
    </section>
  );
}
