/**
 * Escalation and acknowledgement timers are for people: they count real seconds, whatever the
 * speed of a simulated launch's clock. A replay counts on its own clock.
 */
import { describe, expect, it } from 'vitest';
import { escalationDueMs, realMs } from '@warroom/shared';
import { startSimulation } from '../../server/src/engine/index';
import { PLAN, WarRoom, clock, makeLaunch, readings, types } from './helpers';

function simulatedAt(speed: number) {
  const room = new WarRoom(makeLaunch({ checkpoints: [15] }));
  room.log.push(
    ...startSimulation(
      room.state,
      { simulationId: 's1', scenario: 'traffic-shortfall', speed, seed: 1 },
      clock(-1),
    ),
  );
  room.send(readings(0, 15, { ...PLAN, uv: 70 }), clock(15)); // raised at 10:15:00
  return room;
}

describe('people’s timers in a simulation', () => {
  it('at 30× an alert escalates after 300 real seconds, i.e. 9,000 s of launch clock', () => {
    const room = simulatedAt(30);
    const alert = room.alert(15, 'uv')!;
    expect(escalationDueMs(room.state, alert)).toBe(clock(15) + 9_000_000);
    expect(room.tick(clock(15) + 8_999_999)).toEqual([]);
    expect(types(room.tick(clock(15) + 9_000_000))).toEqual([
      'alert.escalated',
      'incident.escalated',
      'notification.due',
    ]);
  });

  it('a live launch (no simulation) escalates after 300 s of its clock, as before', () => {
    const room = new WarRoom(makeLaunch({ checkpoints: [15] }));
    room.send(readings(0, 15, { ...PLAN, uv: 70 }), clock(15));
    expect(escalationDueMs(room.state, room.alert(15, 'uv')!)).toBe(clock(20));
  });

  it('response times read in real time: 9,000 s of a 30× launch clock is 5 minutes', () => {
    expect(realMs(simulatedAt(30).state, 9_000_000)).toBe(300_000);
    expect(realMs(new WarRoom().state, 9_000_000)).toBe(9_000_000);
  });
});
