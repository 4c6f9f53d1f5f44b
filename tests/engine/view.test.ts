import { LaunchSnapshot, STALE_AFTER_MS, feedState, toSnapshot, summary } from '@warroom/shared';
import { describe, expect, it } from 'vitest';

import { PLAN, WarRoom, alertKey, clock, reading, readings } from './helpers';

describe('the feed’s liveness on the screen', () => {
  it('waiting before 开团 while nothing has come in', () => {
    const room = new WarRoom();
    expect(feedState(room.state, clock(-10))).toBe('waiting');
  });

  it('still waiting in the first two minutes after 开团; stale after that with no reading', () => {
    const room = new WarRoom();
    expect(STALE_AFTER_MS).toBe(2 * 60_000);
    expect(feedState(room.state, clock(2))).toBe('waiting');
    expect(feedState(room.state, clock(2) + 1)).toBe('stale');
  });

  it('live while readings keep coming; stale when the last one is more than two minutes old', () => {
    const room = new WarRoom();
    room.send(reading(-3, { uv: 10 }), clock(-2));
    expect(feedState(room.state, clock(-1))).toBe('live');
    room.send(readings(0, 5), clock(5));
    expect(feedState(room.state, clock(7))).toBe('live');
    expect(feedState(room.state, clock(7) + 1)).toBe('stale');
  });

  it('a duplicate re-send does not make a dead feed look alive', () => {
    const room = new WarRoom();
    room.send(readings(0, 5), clock(5));
    room.send(readings(0, 5), clock(9));
    expect(feedState(room.state, clock(9))).toBe('stale');
  });

  it('ended once the launch is over', () => {
    const room = new WarRoom();
    room.send(reading(59), clock(59, 50));
    expect(feedState(room.state, clock(60) - 1)).toBe('live');
    expect(feedState(room.state, clock(60))).toBe('ended');
  });
});

describe('the snapshot a screen draws', () => {
  it('holds the launch, readings and checkpoints in time order, the alerts and the clock; it fits the wire schema', () => {
    const room = new WarRoom();
    room.send([...readings(10, 15, { ...PLAN, uv: 70 }), ...readings(0, 10, { ...PLAN, uv: 70 })], clock(15));
    const snap = toSnapshot(room.state, clock(15, 30), 1);
    expect(LaunchSnapshot.parse(snap)).toEqual(snap);
    expect(snap.readings.map((r) => r.minute)).toEqual([...Array(15).keys()]);
    expect(snap.checkpoints.map((c) => c.checkpoint)).toEqual([15]);
    expect(snap.alerts.map((a) => a.id)).toEqual([alertKey(15, 'uv')]);
    expect(snap).toMatchObject({
      now: '2026-11-11T10:15:30+08:00',
      speed: 1,
      feed: 'live',
      lastReadingAt: '2026-11-11T10:15:00+08:00',
      simulation: null,
    });
  });

  it('the launch summary counts only alerts still open', () => {
    const room = new WarRoom();
    room.send(readings(0, 15, { uv: 50, units: 5, gmv: 1000 }), clock(15));
    expect(summary(room.state, clock(15), 1)).toMatchObject({ id: 'launch-1', openAlerts: 2, readings: 15 });
    room.ack(alertKey(15, 'uv'), '李推广', clock(16));
    expect(summary(room.state, clock(16), 1).openAlerts).toBe(1);
  });

  it('the launch summary says where the clock stands, whether data arrives, and the people’s speed', () => {
    const room = new WarRoom();
    room.send(readings(0, 15, { uv: 50, units: 5, gmv: 1000 }), clock(15));
    expect(summary(room.state, clock(15, 30), 1)).toMatchObject({
      now: '2026-11-11T10:15:30+08:00',
      speed: 1,
      feed: 'live',
      peopleSpeed: 1,
    });
    expect(summary(room.state, clock(30), 1).feed).toBe('stale');
    expect(summary(room.state, clock(24 * 60), 0)).toMatchObject({ feed: 'ended', speed: 0 });
  });
});
