import type { FeedState, ReplayInfo } from '@warroom/shared';
import { useStore } from '../store';
import { selectMuted } from '../store/selectors';
import { useLang, useT } from '../hooks';
import { formatAge, formatClock, formatDuration, zoneName } from '../format';
import { startMs } from '../derive';
import type { LaunchView } from '../store/launchFold';
import { LangSwitch } from '../LangSwitch';
import { IconDot, IconMuted, IconPause, IconPlay, IconSound } from '../icons';
import { resumeAudio } from './chime';

interface Props {
  state: LaunchView;
  nowMs: number;
  age: number | null;
  /** The feed's liveness (shared rule: stale after two minutes without a reading). */
  feed: FeedState;
  down: boolean;
  replay: boolean;
  /** A replay's speed and state: the header says 回放, never 实时 (live). */
  replayInfo?: ReplayInfo | undefined;
  /** The browser keeps sound off (no kiosk autoplay flag, nobody clicked yet). */
  soundBlocked?: boolean;
}

function toggleFullscreen() {
  if (document.fullscreenElement) void document.exitFullscreen();
  else void document.documentElement.requestFullscreen?.().catch(() => undefined);
}

export function Header({ state, nowMs, age, feed, down, replay, replayInfo, soundBlocked }: Props) {
  const stale = feed === 'stale';
  const t = useT();
  const lang = useLang();
  const muted = useStore(selectMuted);
  const setMuted = useStore((s) => s.setMuted);
  const { launch } = state;
  const sinceStart = nowMs - startMs(state);
  const before = sinceStart < 0;
  const paused = state.clock.pausedAt !== null;

  const level = down ? 'critical' : replay ? 'replay' : stale ? 'warning' : 'ok';
  const replayWord = !replayInfo
    ? t('replayFeed')
    : replayInfo.ended
      ? t('replayEnded')
      : replayInfo.paused
        ? `${t('replayFeed')} · ${t('replayPaused')}`
        : `${t('replayFeed')} ${replayInfo.speed === 'max' ? t('speedMax') : `${replayInfo.speed}×`}`;
  const feedWord = replay
    ? replayWord
    : feed === 'ended'
      ? t('ended')
      : feed === 'waiting' && age === null
        ? t('waiting')
        : stale
          ? t('stale')
          : t('live');
  const freshness = age === null ? t('noDataYet') : t('lastData', { age: formatAge(lang, age) });

  return (
    <header className="screen-header panel" data-testid="screen-header">
      <div className="screen-title" data-testid="launch-name">
        {launch.name}
        {state.simulation?.running && (
          <span className="screen-tag">{t('simulation', { speed: state.clock.speed })}</span>
        )}
        {replay && <span className="screen-tag">{t('replay')}</span>}
      </div>
      <div
        className={`launch-clock${paused ? ' paused' : ''}`}
        data-testid="launch-clock"
        data-paused={paused}
      >
        <span className="label">{before ? t('launchClockBefore') : t('launchClockAfter')}</span>
        <span className="value num">
          {before ? '-' : 'T+'}
          {formatDuration(Math.abs(sinceStart))}
        </span>
        {paused && (
          <span className="clock-paused" data-testid="clock-paused" title={t('clockPausedHint')}>
            <IconPause /> {t('clockPaused')}
          </span>
        )}
      </div>
      <div className={`freshness level-${level}`} data-testid="freshness" data-level={level}>
        {!replay ? (
          <IconDot filled />
        ) : replayInfo?.paused || replayInfo?.ended ? (
          <IconPause />
        ) : (
          <IconPlay filled />
        )}{' '}
        {feedWord} · {freshness}
      </div>
      <div className="local-time num" data-testid="local-time">
        {formatClock(nowMs, launch.timezone)}
        <small>{zoneName(lang, launch.timezone)}</small>
      </div>
      <div className="screen-controls">
        {soundBlocked && (
          <button
            type="button"
            className="sound-blocked"
            data-testid="sound-blocked"
            title={t('soundBlockedHint')}
            onClick={resumeAudio}
          >
            <IconMuted /> {t('soundBlocked')}
          </button>
        )}
        <button type="button" onClick={toggleFullscreen} data-testid="fullscreen">
          {t('fullscreen')}
        </button>
        <button type="button" onClick={() => setMuted(!muted)} data-testid="mute" aria-pressed={muted}>
          {muted ? <IconMuted /> : <IconSound />} {muted ? t('unmute') : t('mute')}
        </button>
        <LangSwitch />
      </div>
    </header>
  );
}
