/** The big screen (大屏) for one launch: read from five metres, unattended all day. */
import type { ReactNode } from 'react';
import type { ReplayInfo } from '@warroom/shared';
import { useNow, useLaunch, useT } from '../hooks';
import { useStore } from '../store';
import { useSession } from '../auth/session';
import { selectConnection, selectMuted } from '../store/selectors';
import { featuredAlert } from '../derive';
import { useChime } from './useChime';
import { feedOf, launchNow, type LaunchView } from '../store/launchFold';
import { formatAge } from '../format';
import { useLang } from '../hooks';
import { Header } from './Header';
import { KpiTiles } from './KpiTiles';
import { CumulativeChart } from './CumulativeChart';
import { MinuteChart } from './MinuteChart';
import { AlertPanel } from './AlertPanel';
import { CheckpointTimeline } from './CheckpointTimeline';
import { RunSheetStrip } from './RunSheetStrip';
import { ChannelStrip } from './ChannelStrip';
import './screen.css';
import './alert.css';

export default function ScreenPage({ launchId }: { launchId: string }) {
  const { state, error } = useLaunch(launchId);
  return <ScreenView state={state} error={error} />;
}

/**
 * The big screen for a launch's state. A replay passes its ribbon (回放/训练, clock, controls),
 * shown above the header, and the screen marks itself as a replay.
 */
export function ScreenView({
  state,
  error,
  replay,
  replayInfo,
}: {
  state: LaunchView | undefined;
  error: string | undefined;
  replay?: ReactNode;
  replayInfo?: ReplayInfo | undefined;
}) {
  const connection = useStore(selectConnection);
  const wallNow = useNow(250);
  const t = useT();
  const lang = useLang();
  // A refused kiosk token is final: say so rather than "reconnecting…" forever.
  const refused = useSession((s) => (s.status === 'kioskRevoked' ? 'revoked' : s.problem));
  const down = connection.status === 'reconnecting' && !refused;
  const nowMs = state ? launchNow(state.clock, wallNow) : wallNow;
  const age = state?.lastReadingAtMs != null ? nowMs - state.lastReadingAtMs : null;
  const feed = state ? feedOf(state, wallNow) : null;
  const stale = feed === 'stale';
  const muted = useStore(selectMuted);
  const featured = state ? featuredAlert(state) : null;
  const chime = featured?.status !== 'open' ? 'none' : featured.escalated ? 'escalated' : 'open';
  const { blocked: soundBlocked } = useChime(chime, muted);

  return (
    <div
      className={`screen${replay ? ' screen-replay' : ''}`}
      data-testid="screen"
      data-connection={connection.status}
    >
      {replay}
      {refused && (
        <div className="banner banner-down banner-refused" data-testid="token-banner" role="alert">
          {refused === 'revoked' ? t('kioskRevoked') : t('kioskForbidden')}
          <small>{t('kioskRevokedDetail')}</small>
        </div>
      )}
      {down && (
        <div className="banner banner-down banner-connection" data-testid="connection-banner" role="alert">
          {t('disconnected')}
          {connection.downSince !== null && (
            <small>{t('disconnectedSince', { age: formatAge(lang, wallNow - connection.downSince) })}</small>
          )}
        </div>
      )}
      {!down && !refused && stale && age !== null && (
        <div className="banner banner-stale" data-testid="stale-banner" role="status">
          {t('staleBanner', { age: formatAge(lang, age) })}
        </div>
      )}
      {!state ? (
        <div className="page-loading" style={{ gridRow: '1 / -1' }}>
          {error ? `${t('notFound')} · ${error}` : t('loading')}
        </div>
      ) : (
        <>
          <Header
            state={state}
            nowMs={nowMs}
            age={age}
            feed={feed!}
            down={down}
            replay={!!replay}
            replayInfo={replayInfo}
            soundBlocked={soundBlocked}
          />
          <KpiTiles state={state} />
          <div className="main">
            <div className="charts">
              <CumulativeChart state={state} />
              <MinuteChart state={state} />
            </div>
            <AlertPanel state={state} nowMs={nowMs} />
          </div>
          <div className="bottom">
            <CheckpointTimeline state={state} nowMs={nowMs} />
            <RunSheetStrip state={state} nowMs={nowMs} />
            <ChannelStrip state={state} />
          </div>
        </>
      )}
    </div>
  );
}
