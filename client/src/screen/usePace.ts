import { useMemo } from 'react';
import { paceOutlook, type PaceOutlook } from '@warroom/shared';
import type { LaunchView } from '../store/launchFold';

/**
 * The pace outlook, recomputed when the facts change or the launch clock crosses 开团: the rule
 * reads the clock only to say nothing before 开团, so that is all the memo needs of it.
 */
export function usePace(state: LaunchView, nowMs: number): PaceOutlook | null {
  const started = nowMs >= state.startMs;
  return useMemo(() => paceOutlook(state, started ? state.startMs : state.startMs - 1), [state, started]);
}
