/** A replay on the big screen: the same screen, a 回放/训练 ribbon with its clock and controls. */
import { useEffect } from 'react';
import { api } from '../api';
import { useReplay } from '../hooks';
import { useStore } from '../store';
import { ScreenView } from '../screen/ScreenPage';
import { ReplayRibbon } from './ReplayRibbon';
import { TraineeAck } from './TraineeAck';
import '../screen/screen.css';
import './replay.css';

export default function ReplayPage({ replayId }: { replayId: string }) {
  const { state, error } = useReplay(replayId);
  const info = useStore((s) => s.replays.get(replayId));
  const setInfo = useStore((s) => s.setReplayInfo);
  useEffect(() => {
    // The ribbon needs the controls' state before the first control push arrives.
    api.replay(replayId).then(
      (r) => setInfo(r.info),
      () => undefined,
    );
  }, [replayId, setInfo]);
  return (
    <ScreenView
      state={state}
      error={error}
      replayInfo={info}
      replay={
        <div className="replay-top">
          <ReplayRibbon replayId={replayId} info={info} state={state} />
          {state && info && <TraineeAck replayId={replayId} info={info} state={state} />}
        </div>
      }
    />
  );
}
