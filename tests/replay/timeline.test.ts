/**
 * A replay re-runs a recorded launch through the engine on its own clock: the same readings,
 * checkpoints and alerts, in the same order, at any speed; and a seek lands on the same state
 * whichever path led there.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import fc from 'fast-check';
import type { LaunchEvent, ReplaySpeed } from '@warroom/shared';
import { Replay } from '../../server/src/replay/replay';
import { baseFacts, sourceFrom } from '../../server/src/replay/timeline';
import { comparable, recordedLaunch, START_MS } from './record';

function replayOf(events: LaunchEvent[], speed: ReplaySpeed, paused = false) {
  const src = sourceFrom(events);
  const emitted: LaunchEvent[] = [];
  const replay = new Replay(
    'r1',
    src,
    baseFacts(src),
    { speed, paused, drill: null, startedBy: null, teamAlerts: new Map() },
    { facts: (_r, e) => emitted.push(...e), info: () => undefined },
  );
  return { replay, emitted, src };
}

const stateOf = (r: Replay) => {
  const s = r.snapshot();
  return { readings: s.readings, checkpoints: s.checkpoints, alerts: s.alerts, now: s.now, feed: s.feed };
};

describe('a replay emits what the original recorded', () => {
  beforeEach(() => {
    vi.useFakeTimers({ toFake: ['Date'] });
    vi.setSystemTime(new Date('2030-01-01T00:00:00Z'));
  });
  afterEach(() => vi.useRealTimers());

  const scenarios = ['traffic-shortfall', 'feed-outage', 'late-and-duplicate', 'surge'] as const;
  for (const scenario of scenarios) {
    const { events } = recordedLaunch({ scenario, seed: 11 });
    const original = comparable(events);

    it(`${scenario}: the same facts in the same order at 1×, 10×, 60× and max`, () => {
      expect(original.some((e) => e.type === 'alert.raised')).toBe(true);
      for (const speed of [1, 10, 60, 'max'] as const) {
        const { replay, emitted } = replayOf(events, speed, true);
        const before = replay.snapshot();
        replay.resume();
        // Wall time moves in uneven steps; the replay follows its clock.
        let guard = 0;
        while (!replay.ended && guard++ < 100_000) {
          vi.advanceTimersByTime(speed === 'max' ? 1 : 97 + (guard % 13) * 31);
          replay.follow();
        }
        expect(replay.ended).toBe(true);
        expect(before.readings).toEqual([]);
        expect(comparable(emitted)).toEqual(original);
      }
    });
  }

  it('escalations follow the replay clock when nobody acknowledges', () => {
    const { events } = recordedLaunch({ scenario: 'traffic-shortfall', seed: 3 });
    const { replay, emitted } = replayOf(events, 'max');
    const originalEscalations = events
      .filter((e) => e.type === 'alert.escalated')
      .map((e) => e.type === 'alert.escalated' && e.alert);
    const replayed = emitted
      .filter((e) => e.type === 'alert.escalated')
      .map((e) => e.type === 'alert.escalated' && e.alert);
    expect(replay.ended).toBe(true);
    expect(replayed).toEqual(originalEscalations);
  });
});

describe('seek', () => {
  const { events } = recordedLaunch({ scenario: 'traffic-shortfall', seed: 5, durationMinutes: 90 });

  it('lands on the state a straight run to that minute reaches', () => {
    for (const minute of [0, 14, 15, 16, 25, 46, 90]) {
      const straight = replayOf(events, 1, true).replay;
      while (straight.nowMs < START_MS + minute * 60_000 && !straight.ended) straight.step();
      const seeked = replayOf(events, 1, true).replay;
      seeked.end();
      seeked.seek(minute);
      expect(stateOf(seeked)).toEqual(stateOf(straight));
    }
  });

  it('lands on identical state whichever sequence of seeks, steps and ends led there', () => {
    const op = fc.oneof(
      fc.record({ kind: fc.constant('seek' as const), minute: fc.integer({ min: -5, max: 100 }) }),
      fc.record({ kind: fc.constant('step' as const) }),
      fc.record({ kind: fc.constant('end' as const) }),
    );
    fc.assert(
      fc.property(fc.array(op, { maxLength: 8 }), fc.integer({ min: -1, max: 95 }), (ops, target) => {
        const a = replayOf(events, 1, true).replay;
        for (const o of ops) {
          if (o.kind === 'seek') a.seek(o.minute);
          else if (o.kind === 'step') a.step();
          else a.end();
        }
        a.seek(target);
        const b = replayOf(events, 1, true).replay;
        b.seek(target);
        expect(stateOf(a)).toEqual(stateOf(b));
      }),
      { numRuns: 60 },
    );
  });

  it('a trainee acknowledgement stays when seeking forward and is undone by seeking before it', () => {
    const { replay } = replayOf(events, 1, true);
    replay.seek(20);
    const alert = [...replay.state.alerts.values()].find((a) => a.status === 'open')!;
    expect(alert).toBeDefined();
    replay.acknowledge(alert.id, '学员 小李', '直通车加价/放开限额');
    replay.seek(40);
    expect(replay.state.alerts.get(alert.id)!.ackedBy).toBe('学员 小李');
    expect(replay.state.alerts.get(alert.id)!.escalated).toBe(false);
    const again = replayOf(events, 1, true).replay;
    again.seek(20);
    again.acknowledge(alert.id, '学员 小李', '直通车加价/放开限额');
    for (let i = 0; i < 20; i++) again.step();
    expect(stateOf(again)).toEqual(stateOf(replay));
    replay.seek(10);
    replay.seek(40);
    expect(replay.state.alerts.get(alert.id)!.ackedBy).toBeNull();
  });
});
