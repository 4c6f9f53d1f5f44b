import type { ReplayInfo } from '@warroom/shared';
import { useStore } from '../store';
import { selectMuted } from '../store/selectors';
import { useLang, useT } from '../hooks';
import { formatAge, formatClock, formatDuration, zoneName } from '../format';
import { startMs } from '../derive';
import type { LaunchState } from '../store/launchFold';
import { LangSwitch } from '../LangSwitch';

interface Props {
  state: LaunchState;
  nowMs: number;
  age: number | null;
  stale: boolean;
  down: boolean;
  replay: boolean;
  /** A replay's speed and state: the header says 回放, never 实时 (live). */
  replayInfo?: ReplayInfo | undefined;
}

function toggleFullscreen() {
  if (document.fullscreenElement) void document.exitFullscreen();
  else void document.documentElement.requestFullscreen?.().catch(() => undefined);
}

export function Header({ state, nowMs, age, stale, down, replay, replayInfo }: Props) {
  const t = useT();
  const lang = useLang();
  const muted = useStore(selectMuted);
  const setMuted = useStore((s) => s.setMuted);
  const { launch } = state;
  const sinceStart = nowMs - startMs(state);
  const before = sinceStart < 0;

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
    : state.feed === 'ended'
      ? t('ended')
      : state.feed === 'waiting' && age === null
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
      <div className="launch-clock" data-testid="launch-clock">
        <span className="label">{before ? t('launchClockBefore') : t('launchClockAfter')}</span>
        <span className="value num">
          {before ? '-' : 'T+'}
          {formatDuration(Math.abs(sinceStart))}
        </span>
      </div>
      <div className={`freshness level-${level}`} data-testid="freshness" data-level={level}>
        {replay ? (replayInfo?.paused || replayInfo?.ended ? '❚❚' : '▶') : '●'} {feedWord} · {freshness}
      </div>
      <div className="local-time num" data-testid="local-time">
        {formatClock(nowMs, launch.timezone)}
        <small>{zoneName(lang, launch.timezone)}</small>
      </div>
      <div className="screen-controls">
        <button type="button" onClick={toggleFullscreen} data-testid="fullscreen">
          {t('fullscreen')}
        </button>
        <button type="button" onClick={() => setMuted(!muted)} data-testid="mute" aria-pressed={muted}>
          {muted ? `♪̸ ${t('unmute')}` : `♪ ${t('mute')}`}
        </button>
        <LangSwitch />
      </div>
    </header>
  );
}
