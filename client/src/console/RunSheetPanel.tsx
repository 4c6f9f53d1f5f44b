/** The run sheet in the console: one launch's tasks, due and overdue first, ticked off by their owner. */
import { useState } from 'react';
import { runSheetStatus, type LaunchSummary } from '@warroom/shared';
import { api } from '../api';
import { runSheet } from '../derive';
import { useLaunch, useLang, useNow, useT } from '../hooks';
import { roleLabel } from '../i18n';
import { runSheetWhen } from '../screen/RunSheetStrip';
import { launchNow } from '../store/launchFold';
import type { Identity } from '../store';
import { hasRole, useSession } from '../auth/session';

function Tasks({ launchId, identity }: { launchId: string; identity: Identity }) {
  const t = useT();
  const lang = useLang();
  const wallNow = useNow(1000);
  const { state } = useLaunch(launchId);
  const [error, setError] = useState<string | null>(null);
  // Ticking a task off needs a supervisor (or admin), as acknowledging does.
  const canTick = useSession((s) => hasRole(s.user, 'supervisor'));
  if (!state) return <p className="muted">{t('loading')}</p>;
  const nowMs = launchNow(state.clock, wallNow);
  const items = runSheet(state).map((i) => ({
    ...i,
    status: runSheetStatus(i.atMs, i.tick ?? undefined, nowMs),
  }));
  return (
    <>
      <ul className="runsheet-list" data-testid="console-run-sheet">
        {items.map((i) => (
          <li
            key={i.key}
            className={`rs-${i.status}${i.owner === identity.role ? ' mine' : ''}`}
            data-status={i.status}
          >
            <span className="num when">{runSheetWhen(t, i, state.launch.timezone)}</span>
            <span className="what">{i.task ? t(i.task) : i.title}</span>
            <span className="muted">{roleLabel(lang, i.owner)}</span>
            <span className={`rs-status rs-${i.status}`}>{t(`rs_${i.status}`)}</span>
            {i.tick ? (
              <span className="muted">✓ {i.tick.by}</span>
            ) : !canTick ? (
              <span />
            ) : (
              <button
                type="button"
                className="btn btn-small"
                data-testid={`tick-${i.key}`}
                disabled={i.status === 'upcoming'}
                onClick={() =>
                  api.tickOff(launchId, i.key, identity.name).catch((e: Error) => setError(e.message))
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
  identity,
}: {
  launches: readonly LaunchSummary[];
  identity: Identity;
}) {
  const t = useT();
  const [chosen, setChosen] = useState<string | null>(null);
  const launchId = chosen ?? launches[0]?.id ?? null;
  return (
    <section className="runsheet-panel" data-testid="runsheet-panel">
      <h2>
        {t('runSheet')}
        <select
          value={launchId ?? ''}
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
      {launchId ? (
        <Tasks launchId={launchId} identity={identity} />
      ) : (
        <p className="muted">{t('noLaunches')}</p>
      )}
    </section>
  );
}
