/**
 * The review's response times are for people: real seconds, whatever the speed of a simulated
 * launch's clock; an alert nobody acknowledged has none (not one measured to the review's clock).
 */
import { describe, expect, it } from 'vitest';
import { review } from '../../server/src/review/review';
import { PLAN, WarRoom, clock, makeLaunch, readings, simulate } from '../engine/helpers';

function shortfall(speed: number | null) {
  const room = new WarRoom(makeLaunch({ checkpoints: [15, 25] }));
  if (speed !== null) simulate(room, speed);
  room.send(readings(0, 15, { ...PLAN, uv: 70 }), clock(15)); // raised at 10:15:00
  return room;
}

describe('the review’s response times', () => {
  it('at 30× an acknowledgement 4,050 launch seconds later took 2 min 15 s of real time', () => {
    const room = shortfall(30);
    const id = room.alert(15, 'uv')!.id;
    expect(room.ack(id, '王芳', clock(15) + 4_050_000).ok).toBe(true);
    const row = review(room.state, clock(90)).alerts.find((a) => a.alertId === id)!;
    expect(row.responseSeconds).toBe(135);
  });

  it('on a live launch (no simulation) the launch clock is real time', () => {
    const room = shortfall(null);
    const id = room.alert(15, 'uv')!.id;
    room.ack(id, '王芳', clock(15) + 135_000);
    expect(review(room.state, clock(90)).alerts.find((a) => a.alertId === id)!.responseSeconds).toBe(135);
  });

  it('an alert left unacknowledged has no response time, however late the review is made', () => {
    const room = shortfall(30);
    const row = review(room.state, clock(59)).alerts[0]!;
    expect(row.status).toBe('open');
    expect(row.responseSeconds).toBeNull();
  });
});
