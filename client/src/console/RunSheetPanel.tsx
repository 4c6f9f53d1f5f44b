/**
 * The run sheet in the console: one launch's tasks, ticked off by their owner. It folds away under
 * the inbox (closed at first): at laptop height the inbox gets the room.
 */
import { useState } from 'react';
import { ESCALATION_ROLE, type LaunchSummary } from '@warroom/shared';
import { isOwnerRole } from '../auth/roles';
import { api } from '../api';
import { runSheet, runSheetView } from '../derive';
import { IconCheck } from '../icons';
import { useLaunch, useLang, useNow, useT } from '../hooks';
import { roleLabel } from '../i18n';
import { runSheetWhen } from '../screen/RunSheetStrip';
import { launchNow } from '../store/launchFold';
import { hasRole, selectUser, useSession } from '../auth/session';

function Tasks({ launchId }: { launchId: string }) {
  const t = useT();
  const lang = useLang();
  const wallNow = useNow(1000);
  const { state } = useLaunch(launchId);
  const [error, setError] = useState<string | null>(null);
  // Ticking a task off needs a supervisor (or admin), as acknowledging does.
  const user = useSession(selectUser);
  const canTick = hasRole(user, 'supervisor');
  // A person without an owner role sees the run sheet as the manager (电商经理), who answers for
  // every task.
  const myRole = user && isOwnerRole(user.ownerRole) ? user.ownerRole : ESCALATION_ROLE;
  if (!state) return <p className="muted">{t('loading')}</p>;
  const nowMs = launchNow(state.clock, wallNow);
  const items = runSheet(state).map((i) => ({ ...i, status: runSheetView(state, i, nowMs) }));
  return (
    <>
      <ul className="runsheet-list" data-testid="console-run-sheet">
        {items.map((i) => (
          <li
            key={i.key}
            className={`rs-${i.status}${i.owner === myRole ? ' mine' : ''}`}
            data-status={i.status}
          >
            <span className="num when">{runSheetWhen(t, i, state.launch.timezone)}</span>
            <span className="what">{i.task ? t(i.task) : i.title}</span>
            <span className="muted">{roleLabel(lang, i.owner)}</span>
            <span className={`rs-status rs-${i.status}`}>{t(`rs_${i.status}`)}</span>
            {i.tick ? (
              <span className="muted">
                <IconCheck /> {i.tick.by}
              </span>
            ) : !canTick ? (
              <span />
            ) : (
              <button
                type="button"
                className="btn btn-small"
                data-testid={`tick-${i.key}`}
                disabled={i.status === 'upcoming'}
                title={i.status === 'unrecorded' ? t('rsUnrecordedHint') : undefined}
                onClick={() =>
                  api
                    .tickOff(launchId, i.key, user?.displayName ?? '')
                    .catch((e: Error) => setError(e.message))
                }
              >
                {t('tickOff')}
              </button>
            )}
          </li>
        ))}
      </ul>
      {error && <p className="level-critical">{t('error', { msg: error })}</p>}
    </>
  );
}

export function RunSheetPanel({
  launches,
  preferred,
}: {
  launches: readonly LaunchSummary[];
  /** The launch to show unless one was picked: the selected alert's, or the filter's. */
  preferred?: string | undefined;
}) {
  const t = useT();
  const [chosen, setChosen] = useState<string | null>(null);
  const [open, setOpen] = useState(false);
  const has = (id: string | null | undefined) => !!id && launches.some((l) => l.id === id);
  const launchId = has(chosen) ? chosen : has(preferred) ? preferred! : (launches[0]?.id ?? null);
  return (
    <details
      className="runsheet-panel"
      data-testid="runsheet-panel"
      open={open}
      onToggle={(e) => setOpen(e.currentTarget.open)}
    >
      <summary>
        <h2>
          {t('runSheet')}
          <select
            value={launchId ?? ''}
            onClick={(e) => e.stopPropagation()}
            onChange={(e) => setChosen(e.target.value)}
            data-testid="runsheet-launch"
          >
            {launches.map((l) => (
              <option key={l.id} value={l.id}>
                {l.name}
              </option>
            ))}
          </select>
        </h2>
      </summary>
      {/* Subscribed only while unfolded: a closed panel costs nothing. */}
      {open && (launchId ? <Tasks launchId={launchId} /> : <p className="muted">{t('noLaunches')}</p>)}
    </details>
  );
}
