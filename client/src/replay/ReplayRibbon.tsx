/** The replay's ribbon: 回放/训练, whose drill, the replay clock and speed, and its controls. */
import { useState } from 'react';
import { REPLAY_SPEEDS, type ReplayInfo, type ReplaySpeed } from '@warroom/shared';
import { api } from '../api';
import { useNow, useT } from '../hooks';
import { formatClock } from '../format';
import { useStore } from '../store';
import { launchNow, type LaunchView } from '../store/launchFold';
import { startMs } from '../derive';
import { IconPause, IconPlay, IconSkip } from '../icons';

const SPEEDS: ReplaySpeed[] = [...REPLAY_SPEEDS, 'max'];

function tLabel(minute: number): string {
  const sign = minute < 0 ? '−' : '+';
  const abs = Math.abs(minute);
  return `T${sign}${String(Math.floor(abs / 60)).padStart(2, '0')}:${String(abs % 60).padStart(2, '0')}`;
}

export function ReplayRibbon({
  replayId,
  info,
  state,
}: {
  replayId: string;
  info: ReplayInfo | undefined;
  state: LaunchView | undefined;
}) {
  const t = useT();
  const wallNow = useNow(250);
  const setInfo = useStore((s) => s.setReplayInfo);
  const [target, setTarget] = useState<number | null>(null);
  const [error, setError] = useState<string | null>(null);
  const nowMs = state ? launchNow(state.clock, wallNow) : null;
  const minute =
    state && nowMs !== null ? Math.floor((nowMs - startMs(state)) / 60_000) : (info?.minute ?? 0);

  const control = (name: Parameters<typeof api.replayControl>[1], body: object = {}) => {
    setError(null);
    api.replayControl(replayId, name, body).then(
      (r) => {
        setTarget(null);
        setInfo(r.info);
      },
      (e: Error) => setError(e.message),
    );
  };
  if (!info)
    return (
      <div className="replay-ribbon" data-testid="replay-ribbon">
        {t('replay')}
      </div>
    );
  const shown = target ?? Math.min(info.lastMinute, Math.max(info.firstMinute, minute));
  return (
    <div
      className="replay-ribbon"
      data-testid="replay-ribbon"
      data-paused={info.paused}
      data-ended={info.ended}
    >
      <span className="replay-badge">{t('replay')}</span>
      {info.drill && <span className="replay-drill">{t('drillTrainee', { name: info.drill.trainee })}</span>}
      <span className="replay-clock num" data-testid="replay-clock">
        {tLabel(minute)}
        {nowMs !== null && state && <small> {formatClock(nowMs, state.launch.timezone)}</small>}
      </span>
      <span className="replay-state" data-testid="replay-state">
        {info.ended
          ? t('replayEnded')
          : info.paused
            ? t('replayPaused')
            : t('replayPlaying', { speed: String(info.speed) })}
      </span>
      <div className="replay-controls">
        {info.paused ? (
          <button
            type="button"
            className="btn"
            data-testid="replay-play"
            disabled={info.ended}
            onClick={() => control('resume')}
          >
            <IconPlay filled /> {t('play')}
          </button>
        ) : (
          <button type="button" className="btn" data-testid="replay-pause" onClick={() => control('pause')}>
            <IconPause /> {t('pause')}
          </button>
        )}
        <button
          type="button"
          className="btn"
          data-testid="replay-step"
          disabled={info.ended}
          onClick={() => control('step')}
        >
          {t('stepMinute')}
        </button>
        <label className="replay-speed">
          {t('speedLabel')}
          <select
            data-testid="replay-speed"
            value={String(info.speed)}
            onChange={(e) =>
              control('speed', { speed: e.target.value === 'max' ? 'max' : Number(e.target.value) })
            }
          >
            {SPEEDS.map((s) => (
              <option key={String(s)} value={String(s)}>
                {s === 'max' ? t('speedMax') : `${s}×`}
              </option>
            ))}
          </select>
        </label>
        <input
          type="range"
          className="replay-seek"
          data-testid="replay-seek"
          aria-label={t('seek')}
          min={info.firstMinute}
          max={info.lastMinute}
          step={1}
          value={shown}
          onChange={(e) => setTarget(Number(e.target.value))}
          onPointerUp={() => target !== null && control('seek', { minute: target })}
          onKeyUp={() => target !== null && control('seek', { minute: target })}
        />
        <span className="num replay-seek-label">{tLabel(shown)}</span>
        <button
          type="button"
          className="btn"
          data-testid="replay-end"
          disabled={info.ended}
          onClick={() => control('end')}
        >
          <IconSkip /> {t('endReplay')}
        </button>
      </div>
      {error && <span className="level-critical">{t('error', { msg: error })}</span>}
    </div>
  );
}
