/**
 * A drill escalates by the same rule as live: an alert that was reopened gives its owner the full
 * escalation time again from the reopening, in a replay as on launch day.
 */
import { describe, expect, it } from 'vitest';
import { type LaunchEvent, type LaunchEventBody } from '@warroom/shared';
import { Replay } from '../../server/src/replay/replay';
import { baseFacts, sourceFrom } from '../../server/src/replay/timeline';
import { PLAN, START_MS, WarRoom, alertKey, clock, makeLaunch, reading, readings } from '../engine/helpers';

const ALERT = alertKey(15, 'uv');

/**
 * A launch day: the T+15 traffic alert is raised at 10:15, cleared by a corrected reading at 10:16
 * and reopened by another at 10:22; the registry's clock ticks every 250 ms until 10:40. With
 * `teamAcksAt`, the real team acknowledges it then.
 */
function launchDay(teamAcksAt?: number): LaunchEvent[] {
  const room = new WarRoom(makeLaunch({ checkpoints: [15] }));
  room.send(readings(0, 15, { ...PLAN, uv: 70 }), clock(15));
  for (let t = clock(15); t <= clock(40); t += 250) {
    if (t === clock(16)) room.send(reading(3, { ...PLAN, uv: 400 }), t);
    if (t === clock(22)) room.send(reading(3, { ...PLAN, uv: 70 }), t);
    if (t === teamAcksAt) room.ack(ALERT, '李推广', t, '钻展加投');
    room.tick(t);
  }
  return room.log.map(
    (b: LaunchEventBody, i) =>
      ({ ...b, offset: i + 1, launchId: room.launch.id, recordedAt: '2026-11-11T02:00:00Z' }) as LaunchEvent,
  );
}

const minuteOf = (iso: string | null) => Math.floor((Date.parse(iso ?? 'x') - START_MS) / 60_000);

function drillEscalation(events: LaunchEvent[]): string | null {
  const src = sourceFrom(events);
  const replay = new Replay(
    'drill-1',
    src,
    baseFacts(src),
    { speed: 'max', paused: true, drill: { trainee: '学员 小李' }, startedBy: null, teamAlerts: new Map() },
    { facts: () => undefined, info: () => undefined },
  );
  // The trainee watches minute by minute and acknowledges nothing.
  while (!replay.ended) replay.step();
  return replay.state.alerts.get(ALERT)!.escalatedAt;
}

describe('a reopened alert left unacknowledged in a drill', () => {
  it('escalates at the replay minute the live launch escalated it (five minutes after the reopening)', () => {
    const live = launchDay();
    const liveEscalated = live.flatMap((e) => (e.type === 'alert.escalated' ? [e.alert.escalatedAt] : []));
    expect(liveEscalated.map(minuteOf)).toEqual([27]);
    expect(minuteOf(drillEscalation(live))).toBe(27);
  });

  it('escalates then too when the real team had acknowledged it in time', () => {
    const acked = launchDay(clock(25));
    expect(acked.some((e) => e.type === 'alert.escalated')).toBe(false);
    expect(minuteOf(drillEscalation(acked))).toBe(27);
  });
});
