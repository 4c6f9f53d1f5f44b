/**
 * Whether each launch is live, still to come or ended, for the console's launch filter and order,
 * and where its clock is, for people's timers. The launch list says where each launch's clock
 * stands (a simulated launch runs faster than the wall); the console asks for the list again every
 * half minute, one request for every launch, and runs each clock on in between.
 */
import { useEffect, useMemo, useState } from 'react';
import { MINUTE_MS, parseDateTime, type LaunchSnapshot, type LaunchSummary } from '@warroom/shared';
import { api } from '../api';
import { clockAt, launchNow, type LaunchClock } from '../store/launchFold';

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

/** A first guess from the settings alone: exact for wall-clock launches. */
export function phaseOfSummary(l: LaunchSummary, wallNow: number): LaunchPhase {
  const start = parseDateTime(l.startAt, l.timezone);
  if (l.clock === 'wall' && wallNow >= start + l.durationMinutes * MINUTE_MS) return 'ended';
  return wallNow < start && l.clock === 'wall' ? 'upcoming' : 'live';
}

/** Where a launch stands at `wallNow`, from the list as it was answered at `answeredAt`. */
export function infoOf(s: LaunchSummary, answeredAt: number, wallNow: number): LaunchInfo {
  const clock = clockAt(Date.parse(s.now), answeredAt, s.speed);
  const now = launchNow(clock, wallNow);
  const start = parseDateTime(s.startAt, s.timezone);
  const ended = s.feed === 'ended' || now >= start + s.durationMinutes * MINUTE_MS;
  return {
    phase: ended ? 'ended' : now < start ? 'upcoming' : 'live',
    clock,
    peopleSpeed: s.peopleSpeed,
  };
}

/** Each launch's phase and clock, by id; kept up to date while the console is open. */
export function useLaunchInfo(
  launches: readonly LaunchSummary[],
  wallNow: number,
): ReadonlyMap<string, LaunchInfo> {
  const [answer, setAnswer] = useState<{ at: number; list: readonly LaunchSummary[] } | null>(null);
  const ids = launches.map((l) => l.id).join(',');
  useEffect(() => {
    let alive = true;
    const load = () =>
      api.launches().then(
        (list) => alive && setAnswer({ at: Date.now(), list }),
        () => undefined,
      );
    void load();
    const timer = setInterval(() => void load(), REFRESH_MS);
    return () => {
      alive = false;
      clearInterval(timer);
    };
  }, [ids]);
  return useMemo(() => {
    const known = new Map(answer?.list.map((s) => [s.id, s]) ?? []);
    return new Map(
      launches.map((l) => {
        const s = known.get(l.id);
        return [
          l.id,
          s && answer
            ? infoOf(s, answer.at, wallNow)
            : { phase: phaseOfSummary(l, wallNow), clock: null, peopleSpeed: 1 },
        ];
      }),
    );
  }, [launches, answer, wallNow]);
}
