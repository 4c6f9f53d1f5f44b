/** The launch list with links to each big screen, and a one-click simulation. */
import { useEffect, useState } from 'react';
import type { LaunchSummary } from '@warroom/shared';
import { api } from '../api';
import { useLang, useT } from '../hooks';
import { Link, navigate } from '../router';
import { formatClock } from '../format';
import { LangSwitch } from '../LangSwitch';
import { hasRole, useSession } from '../auth/session';
import { UserBadge } from '../auth/UserBadge';
import './home.css';
import { IconDrill, IconPlay, IconReplay } from '../icons';

export function Nav() {
  const t = useT();
  const admin = useSession((s) => hasRole(s.user, 'admin'));
  return (
    <nav className="topnav">
      <strong>{t('appName')}</strong>
      <Link href="/">{t('navLaunches')}</Link>
      <Link href="/console">{t('navConsole')}</Link>
      {admin && <Link href="/admin">{t('navAdmin')}</Link>}
      <span className="spacer" />
      <UserBadge />
      <LangSwitch className="btn" />
    </nav>
  );
}

export function HomePage() {
  const t = useT();
  const lang = useLang();
  const [launches, setLaunches] = useState<LaunchSummary[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const admin = useSession((s) => hasRole(s.user, 'admin'));

  useEffect(() => {
    let live = true;
    const load = () =>
      api
        .launches()
        .then((l) => live && setLaunches(l))
        .catch((e: Error) => live && setError(e.message));
    void load();
    const id = setInterval(load, 5000);
    return () => {
      live = false;
      clearInterval(id);
    };
  }, []);

  const [trainee, setTrainee] = useState('');
  const replay = async (launchId: string, drill: boolean) => {
    setBusy(true);
    try {
      const { replayId } = await api.startReplay(
        launchId,
        60,
        drill ? trainee.trim() || t('traineeDefault') : undefined,
      );
      navigate(`/replay/${encodeURIComponent(replayId)}`);
    } catch (e) {
      setError((e as Error).message);
      setBusy(false);
    }
  };

  const quickSim = async () => {
    setBusy(true);
    try {
      const { launchId } = await api.startSimulation({ scenario: 'traffic-shortfall', speed: 30 });
      navigate(`/screen/${encodeURIComponent(launchId)}`);
    } catch (e) {
      setError((e as Error).message);
      setBusy(false);
    }
  };

  return (
    <div className="page">
      <Nav />
      <main className="page-body">
        <div className="toolbar">
          <h1>{t('launches')}</h1>
          <span className="spacer" />
          <label className="trainee-name">
            {t('traineeName')}
            <input
              data-testid="trainee-name"
              value={trainee}
              maxLength={60}
              placeholder={t('traineeDefault')}
              onChange={(e) => setTrainee(e.target.value)}
            />
          </label>
          {admin && (
            <button type="button" className="btn btn-primary" disabled={busy} onClick={() => void quickSim()}>
              <IconPlay filled /> {t('quickSim')}
            </button>
          )}
        </div>
        {error && <p className="level-critical">{t('error', { msg: error })}</p>}
        {launches === null ? (
          <p>{t('loading')}</p>
        ) : launches.length === 0 ? (
          <p>{t('noLaunches')}</p>
        ) : (
          <ul className="launch-list" data-testid="launch-list">
            {[...launches]
              .sort((a, b) => b.startAt.localeCompare(a.startAt))
              .map((l) => (
                <li key={l.id}>
                  <Link href={`/screen/${encodeURIComponent(l.id)}`}>{l.name}</Link>
                  <span className="num">
                    {l.startAt.slice(0, 10)} {formatClock(Date.parse(l.startAt), l.timezone, false)}
                  </span>
                  <span>{t('readingsCount', { n: l.readings })}</span>
                  <span className={l.openAlerts > 0 ? 'level-critical' : 'level-ok'}>
                    {t('openAlerts', { n: l.openAlerts })}
                  </span>
                  <span className="muted">
                    {lang === 'zh' ? (l.clock === 'simulated' ? '模拟' : '实时') : l.clock}
                  </span>
                  <span className="launch-actions">
                    <button
                      type="button"
                      className="btn btn-small"
                      data-testid={`replay-${l.id}`}
                      disabled={busy}
                      onClick={() => void replay(l.id, false)}
                    >
                      <IconReplay /> {t('startReplay')}
                    </button>
                    <button
                      type="button"
                      className="btn btn-small"
                      data-testid={`drill-${l.id}`}
                      disabled={busy}
                      onClick={() => void replay(l.id, true)}
                    >
                      <IconDrill /> {t('startDrill')}
                    </button>
                    <Link className="btn btn-small" href={`/review/${encodeURIComponent(l.id)}`}>
                      {t('reviewTitle')}
                    </Link>
                  </span>
                </li>
              ))}
          </ul>
        )}
      </main>
    </div>
  );
}
