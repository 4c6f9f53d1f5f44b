/**
 * A trainee acknowledges the replay's open alert here, as in the console, marked as training: the
 * acknowledgement goes to the replay only, and the drill scores it against the real team.
 */
import { useState } from 'react';
import type { ReplayInfo, DrillScoreSheet } from '@warroom/shared';
import { api } from '../api';
import { useLang, useT } from '../hooks';
import { formatDeviation } from '../format';
import { metricLabel, roleLabel } from '../i18n';
import { rankAlerts } from '../derive';
import { selectUser, useSession } from '../auth/session';
import type { LaunchView } from '../store/launchFold';

export function TraineeAck({
  replayId,
  info,
  state,
}: {
  replayId: string;
  info: ReplayInfo;
  state: LaunchView;
}) {
  const t = useT();
  const lang = useLang();
  const user = useSession(selectUser);
  const open = rankAlerts(state.alerts.values()).filter((a) => a.status === 'open');
  const alert = open[0] ?? null;
  const actions = alert
    ? alert.plan.owners.flatMap((o) => o.actions.map((a) => ({ role: o.role, action: a })))
    : [];
  const [choice, setChoice] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [sheet, setSheet] = useState<DrillScoreSheet | null>(null);
  const who = info.drill?.trainee ?? user?.displayName ?? t('traineeDefault');

  const submit = () => {
    if (!alert) return;
    const action = choice ?? actions[0]?.action;
    setError(null);
    api.replayAck(replayId, alert.id, { by: who, ...(action ? { action } : {}) }).then(
      () => setChoice(null),
      (e: Error) => setError(e.message),
    );
  };

  return (
    <div className="trainee" data-testid="trainee-panel">
      <span className="trainee-mark">{t('trainingMark')}</span>
      {alert ? (
        <form
          className="trainee-form"
          data-testid="trainee-ack-form"
          onSubmit={(e) => {
            e.preventDefault();
            submit();
          }}
        >
          <strong>
            {alert.metric === null || alert.deviation === null
              ? t('dataGap')
              : `T+${alert.checkpoint} ${metricLabel(lang, alert.metric)} ${alert.direction === 'over' ? '▲' : '▼'}${formatDeviation(lang, alert.deviation)}`}
          </strong>
          <select
            data-testid="trainee-action"
            value={choice ?? actions[0]?.action ?? ''}
            onChange={(e) => setChoice(e.target.value)}
          >
            {actions.map((a) => (
              <option key={`${a.role}/${a.action}`} value={a.action}>
                {a.action} · {roleLabel(lang, a.role)}
              </option>
            ))}
          </select>
          <button type="submit" className="btn btn-primary" data-testid="trainee-ack">
            {t('traineeAck', { name: who })}
          </button>
          {open.length > 1 && <span className="muted">{t('moreOpenAlerts', { n: open.length - 1 })}</span>}
        </form>
      ) : (
        <span className="muted">{t('noOpenAlerts')}</span>
      )}
      {info.drill && (
        <button
          type="button"
          className="btn"
          data-testid="drill-score"
          onClick={() => api.replayScore(replayId).then(setSheet, (e: Error) => setError(e.message))}
        >
          {sheet
            ? t('scoreValue', { score: sheet.score, acked: sheet.acknowledged, total: sheet.alerts.length })
            : t('scoreSheet')}
        </button>
      )}
      {error && <span className="level-critical">{t('error', { msg: error })}</span>}
    </div>
  );
}
