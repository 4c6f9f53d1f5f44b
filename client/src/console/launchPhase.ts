/**
 * Whether each launch is live, still to come or ended, for the console's launch filter and order,
 * and where its clock is, for people's timers. A launch's summary does not say (a simulated launch
 * runs faster than the wall), so the console asks each launch's snapshot once, and again every half
 * minute while it has not ended; until it answers, a launch is placed by the wall clock.
 */
import { useEffect, useMemo, useState } from 'react';
import {
  MINUTE_MS,
  parseDateTime,
  peopleSpeed,
  type LaunchSnapshot,
  type LaunchSummary,
} from '@warroom/shared';
import { api } from '../api';
import { clockAt, type LaunchClock } from '../store/launchFold';

export type LaunchPhase = 'live' | 'upcoming' | 'ended';

/** Live launches first, then the ones to come, then the ended ones. */
export const PHASE_ORDER: readonly LaunchPhase[] = ['live', 'upcoming', 'ended'];

const REFRESH_MS = 30_000;

export interface LaunchInfo {
  phase: LaunchPhase;
  /** The launch's clock as the snapshot told it; null until it answered (the wall clock then). */
  clock: LaunchClock | null;
  /** Launch-clock ms per real ms for people's timers (shared/escalation). */
  peopleSpeed: number;
}

export function phaseOfSnapshot(s: Pick<LaunchSnapshot, 'feed' | 'now' | 'launch'>): LaunchPhase {
  if (s.feed === 'ended') return 'ended';
  const start = parseDateTime(s.launch.startAt, s.launch.timezone);
  return Date.parse(s.now) < start ? 'upcoming' : 'live';
}

/** A first guess from the summary alone: exact for wall-clock launches. */
export function phaseOfSummary(l: LaunchSummary, wallNow: number): LaunchPhase {
  const start = parseDateTime(l.startAt, l.timezone);
  if (l.clock === 'wall' && wallNow >= start + l.durationMinutes * MINUTE_MS) return 'ended';
  return wallNow < start && l.clock === 'wall' ? 'upcoming' : 'live';
}

function infoOf(s: LaunchSnapshot, wallNow: number): LaunchInfo {
  return {
    phase: phaseOfSnapshot(s),
    clock: clockAt(Date.parse(s.now), wallNow, s.speed),
    peopleSpeed: peopleSpeed(s),
  };
}

/** Each launch's phase and clock, by id; kept up to date while the console is open. */
export function useLaunchInfo(
  launches: readonly LaunchSummary[],
  wallNow: number,
): ReadonlyMap<string, LaunchInfo> {
  const [known, setKnown] = useState<ReadonlyMap<string, LaunchInfo>>(new Map());
  const ids = launches.map((l) => l.id).join(',');
  useEffect(() => {
    let alive = true;
    const ended = new Set<string>();
    const load = async () => {
      const todo = ids.split(',').filter((id) => id && !ended.has(id));
      const found = await Promise.all(
        todo.map((id) =>
          api.launch(id).then(
            (s) => [id, infoOf(s, Date.now())] as const,
            () => null,
          ),
        ),
      );
      if (!alive) return;
      setKnown((prev) => {
        const next = new Map(prev);
        for (const f of found) {
          if (!f) continue;
          next.set(f[0], f[1]);
          if (f[1].phase === 'ended') ended.add(f[0]);
        }
        return next;
      });
    };
    void load();
    const timer = setInterval(() => void load(), REFRESH_MS);
    return () => {
      alive = false;
      clearInterval(timer);
    };
  }, [ids]);
  return useMemo(
    () =>
      new Map(
        launches.map((l) => [
          l.id,
          known.get(l.id) ?? { phase: phaseOfSummary(l, wallNow), clock: null, peopleSpeed: 1 },
        ]),
      ),
    [launches, known, wallNow],
  );
}
