/**
 * A replay of a launch that was edited mid-way makes the same edit at the same instant, so the
 * replayed checkpoints and alerts are the original's; what-if starts from the current settings.
 */
import { describe, expect, it } from 'vitest';
import type { LaunchEvent, LaunchEventBody } from '@warroom/shared';
import { updateLaunch } from '../../server/src/engine/index';
import { baseFacts, sourceFrom } from '../../server/src/replay/timeline';
import { whatIf } from '../../server/src/replay/whatif';
import { PLAN, WarRoom, clock, makeLaunch, readings } from '../engine/helpers';
import { comparable } from './record';

function editedLaunch(): LaunchEvent[] {
  const room = new WarRoom();
  room.send(readings(0, 15, { ...PLAN, uv: 70 }), clock(15, 5)); // T+15 uv 30% under: alert
  const edit = updateLaunch(room.state, makeLaunch({ tolerance: 0.5 }), 'admin', clock(17));
  if (!edit.ok) throw new Error(edit.message);
  room.log.push(...edit.events); // the alert clears
  room.send(readings(15, 25, { ...PLAN, uv: 40 }), clock(25, 5)); // T+25 uv 42% under: inside 50%
  room.send(readings(25, 45, { ...PLAN, uv: 20 }), clock(45, 5)); // T+45 uv 60% under: alert
  room.tick(clock(61, 30));
  return room.log.map((b: LaunchEventBody, i) => ({
    ...b,
    offset: i + 1,
    launchId: room.launch.id,
    recordedAt: '2026-11-11T02:00:00Z',
  })) as LaunchEvent[];
}

describe('replaying an edited launch', () => {
  it('re-makes the edit at its instant: the same readings, checkpoints and alerts', () => {
    const events = editedLaunch();
    expect(events.some((e) => e.type === 'launch.updated')).toBe(true);
    const src = sourceFrom(events);
    expect(src.steps.some((s) => s.kind === 'update')).toBe(true);
    const replayed = baseFacts(src).map((f) => f.body);
    expect(comparable(replayed)).toEqual(comparable(events));
    expect(replayed.filter((b) => b.type === 'launch.updated')).toHaveLength(1);
  });

  it('what-if starts from the settings after the edit, and does not replay the edit over its own', () => {
    const events = editedLaunch();
    const src = sourceFrom(events);
    expect(src.finalLaunch.tolerance).toBe(0.5);
    const alerts = new Map(
      events.flatMap((e) => ('alert' in e ? [[e.alert.id, e.alert] as const] : [])),
    ).values();
    const same = whatIf(src, [], {}, undefined);
    expect(same.settings.tolerance).toBe(0.5);
    const narrow = whatIf(src, [...alerts], { tolerance: 0.2 }, undefined);
    expect(narrow.settings.tolerance).toBe(0.2);
    // At 20% the T+15 and T+25 shortfalls would have stayed alerts.
    expect(narrow.added).toEqual(expect.arrayContaining(['T+15 uv under', 'T+25 uv under']));
  });
});
