/**
 * The console's launch phases from the launch list alone (no snapshot per launch): a simulated
 * launch's clock runs on at its own speed between answers, so it turns live, and ends, on time.
 */
import { describe, expect, it } from 'vitest';
import type { LaunchSummary } from '@warroom/shared';
import { infoOf } from '../../client/src/console/launchPhase';

const summary = (over: Partial<LaunchSummary>): LaunchSummary => ({
  id: 'L1',
  name: '开团',
  startAt: '2026-11-11T10:00:00+08:00',
  durationMinutes: 60,
  timezone: 'Asia/Shanghai',
  clock: 'simulated',
  openAlerts: 0,
  readings: 0,
  lastOffset: 1,
  now: '2026-11-11T09:59:00+08:00',
  speed: 30,
  feed: 'waiting',
  peopleSpeed: 30,
  ...over,
});

describe('a launch’s phase in the console', () => {
  it('runs a simulated clock on between answers: upcoming at T−1, live two wall seconds later', () => {
    const s = summary({});
    const at = 1_000_000;
    expect(infoOf(s, at, at)).toMatchObject({ phase: 'upcoming', peopleSpeed: 30 });
    // 2.1 s × 30 = 63 s of launch clock: past 开团.
    expect(infoOf(s, at, at + 2_100).phase).toBe('live');
    // 60 minutes ÷ 30 = two real minutes later it has ended, before the next answer says so.
    expect(infoOf(s, at, at + 122_100).phase).toBe('ended');
  });

  it('a clock standing still stays where it stood; an ended feed is ended', () => {
    const still = summary({ speed: 0, peopleSpeed: 1, now: '2026-11-11T10:20:00+08:00' });
    expect(infoOf(still, 0, 3_600_000)).toMatchObject({ phase: 'live', peopleSpeed: 1 });
    expect(infoOf(summary({ feed: 'ended' }), 0, 0).phase).toBe('ended');
  });
});
