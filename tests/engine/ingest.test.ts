import { type ReadingInput } from '@warroom/shared';
import { describe, expect, it } from 'vitest';
import { ingest } from '../../server/src/engine/index';
import { PLAN, WarRoom, clock, makeLaunch, reading, readings, alertTypes } from './helpers';

describe('accepting readings', () => {
  it('a new reading is accepted and recorded with the launch-clock time it arrived', () => {
    const room = new WarRoom();
    const outcome = room.send(reading(0, { uv: 120, pv: 400, units: 9, gmv: 891.5 }), clock(0, 45));
    expect(outcome).toMatchObject({ accepted: 1, duplicates: 0, rejected: [] });
    expect(outcome.events).toEqual([
      {
        type: 'reading.ingested',
        reading: { minute: 0, uv: 120, pv: 400, fav: 0, cart: 0, orders: 0, units: 9, gmv: 891.5 },
        now: '2026-11-11T10:00:45+08:00',
      },
    ]);
    expect(room.state.readings.get(0)?.gmv).toBe(891.5);
    expect(room.state.lastReadingAtMs).toBe(clock(0, 45));
  });

  it('the recorded time keeps its milliseconds (a fraction of a millisecond is dropped)', () => {
    const room = new WarRoom();
    const first = room.send(reading(0), clock(0, 59.25));
    expect(first.events[0]).toMatchObject({ now: '2026-11-11T10:00:59.250+08:00' });
    const second = room.send(reading(1), clock(1, 30) + 0.75);
    expect(second.events[0]).toMatchObject({ now: '2026-11-11T10:01:30+08:00' });
    const third = room.send(reading(2), clock(2) + 7.9);
    expect(third.events[0]).toMatchObject({ now: '2026-11-11T10:02:00.007+08:00' });
  });

  it('a metric left out of a reading is 0', () => {
    const room = new WarRoom();
    room.send(reading(0, { uv: 5 }), clock(1));
    expect(room.state.readings.get(0)).toEqual({
      minute: 0,
      uv: 5,
      pv: 0,
      fav: 0,
      cart: 0,
      orders: 0,
      units: 0,
      gmv: 0,
    });
  });

  it('a batch reports how many were accepted, how many were duplicates and which were rejected', () => {
    const room = new WarRoom();
    room.send(reading(0), clock(1));
    const outcome = room.send(
      [reading(0), reading(1), reading(9), reading(2), reading(99), reading(1)],
      clock(1, 30),
    );
    expect(outcome.accepted).toBe(2);
    expect(outcome.duplicates).toBe(2);
    expect(outcome.rejected.map((r) => r.index)).toEqual([2, 4]);
    expect([...room.state.readings.keys()].sort((a, b) => a - b)).toEqual([0, 1, 2]);
  });

  it('a rejected reading records nothing and changes nothing', () => {
    const room = new WarRoom();
    room.send(readings(0, 3), clock(3));
    const before = [...room.state.readings.values()];
    const outcome = room.send(reading(30), clock(3));
    expect(outcome.events).toEqual([]);
    expect([...room.state.readings.values()]).toEqual(before);
  });
});

describe('duplicates and re-sends', () => {
  it('an identical re-send is a duplicate: nothing is recorded and nothing re-evaluated', () => {
    const room = new WarRoom();
    room.send(readings(0, 15), clock(15));
    const lastReadingAt = room.state.lastReadingAtMs;
    const logLength = room.log.length;
    const outcome = room.send(readings(0, 15), clock(18));
    expect(outcome).toEqual({ events: [], accepted: 0, duplicates: 15, rejected: [] });
    expect(room.log).toHaveLength(logLength);
    expect(room.checkpoint(15)?.revision).toBe(1);
    expect(room.state.lastReadingAtMs).toBe(lastReadingAt);
  });

  it('a reading sent by minute and re-sent by a time inside that minute is the same reading', () => {
    const room = new WarRoom();
    room.send(reading(5), clock(6));
    const outcome = room.send(
      { at: '2026-11-11T10:05:42+08:00', uv: PLAN.uv, units: PLAN.units, gmv: PLAN.gmv },
      clock(6),
    );
    expect(outcome).toMatchObject({ accepted: 0, duplicates: 1 });
  });

  it('a changed re-send for the same minute replaces the earlier reading: it never counts twice', () => {
    const room = new WarRoom();
    room.send(readings(0, 15), clock(15));
    room.send(reading(3, { uv: 40, units: 10, gmv: 1000 }), clock(16));
    room.send(reading(3, { uv: 60, units: 10, gmv: 1000 }), clock(17));
    expect(room.state.readings.get(3)?.uv).toBe(60);
    expect(room.metric(15, 'uv').actual).toBe(1500 - 100 + 60);
    expect(room.state.readings.size).toBe(15);
  });

  it('a re-send replaces the whole reading: a metric it leaves out becomes 0, it is not merged', () => {
    const room = new WarRoom();
    room.send(reading(0, { uv: 100, units: 10, gmv: 1000 }), clock(1));
    const outcome = room.send(reading(0, { uv: 100 }), clock(1, 30));
    expect(outcome.accepted).toBe(1);
    expect(room.state.readings.get(0)).toMatchObject({ uv: 100, units: 0, gmv: 0 });
  });

  it('two different readings for one minute in one batch: the later one stands', () => {
    const room = new WarRoom();
    const outcome = room.send([reading(0, { uv: 1 }), reading(0, { uv: 2 })], clock(1));
    expect(outcome).toMatchObject({ accepted: 2, duplicates: 0 });
    expect(room.state.readings.get(0)?.uv).toBe(2);
  });

  it('the same reading twice in one batch: one accepted, one duplicate', () => {
    const room = new WarRoom();
    const outcome = room.send([reading(0), reading(0)], clock(1));
    expect(outcome).toMatchObject({ accepted: 1, duplicates: 1 });
    expect(alertTypes(outcome.events)).toEqual(['reading.ingested']);
  });
});

describe('readings from the wrong time', () => {
  it('up to 2 minutes ahead of the launch clock is accepted; more is rejected as a clock error', () => {
    const room = new WarRoom();
    const outcome = room.send([reading(11), reading(12), reading(13)], clock(10, 30));
    expect(outcome.accepted).toBe(2);
    expect(outcome.rejected).toEqual([
      {
        index: 2,
        message:
          'minute 13 (T+00:13) is in the future: the launch clock is at minute 10 (T+00:10); ' +
          'readings more than 2 minutes ahead are rejected as clock errors',
      },
    ]);
  });

  it('before 开团 the clock check still applies, with the minutes shown as T−', () => {
    const room = new WarRoom();
    const outcome = room.send([reading(-28), reading(-27)], clock(-30));
    expect(outcome.accepted).toBe(1);
    expect(outcome.rejected[0]?.message).toMatch(
      /^minute -27 \(T−00:27\) is in the future: the launch clock is at minute -30 \(T−00:30\)/,
    );
  });

  it('hours are shown in the T+hh:mm of the message', () => {
    const room = new WarRoom(makeLaunch({ durationMinutes: 180, forecast: [{ minute: 0, uv: 1 }] }));
    const outcome = room.send(reading(150), clock(61));
    expect(outcome.rejected[0]?.message).toContain('minute 150 (T+02:30) is in the future');
    expect(outcome.rejected[0]?.message).toContain('at minute 61 (T+01:01)');
  });

  it('a reading after the launch ends is rejected; the last minute is accepted', () => {
    const room = new WarRoom();
    const outcome = room.send([reading(59), reading(60), reading(61)], clock(65));
    expect(outcome.accepted).toBe(1);
    expect(outcome.rejected).toEqual([
      { index: 1, message: 'minute 60 is after the launch ends: the last minute is 59' },
      { index: 2, message: 'minute 61 is after the launch ends: the last minute is 59' },
    ]);
  });

  it('pre-launch (预热) readings are accepted back to 24 hours before 开团 and no further', () => {
    const room = new WarRoom();
    const outcome = room.send(
      [reading(-1440), { at: '2026-11-10T09:59:59+08:00', uv: 1 }, reading(-1)],
      clock(-1),
    );
    expect(outcome.accepted).toBe(2);
    expect(outcome.rejected).toEqual([
      {
        index: 1,
        message: 'minute -1441 is more than 24 hours before 开团; readings start at minute −1440',
      },
    ]);
    expect(room.state.readings.has(-1440)).toBe(true);
  });
});

describe('readings given by time ("at")', () => {
  it.each([
    ['2026-11-11T10:00:00+08:00', 0],
    ['2026-11-11T10:12:59.999+08:00', 12],
    ['2026-11-11T10:13:00+08:00', 13],
    ['2026-11-11T02:14:30Z', 14],
    ['2026-11-11T11:14:30+09:00', 14],
    ['2026-11-11T09:59:59+08:00', -1],
    ['2026-11-11T10:14:30', 14],
    ['2026-11-11 10:07', 7],
    ['2026-11-11T09:00', -60],
  ])('%s lands in minute %s (no offset: read in the launch’s zone, Asia/Shanghai)', (at, minute) => {
    const room = new WarRoom();
    const outcome = room.send({ at, uv: 1 }, clock(14, 59));
    expect(outcome.rejected).toEqual([]);
    const ingested = outcome.events[0];
    expect(ingested?.type === 'reading.ingested' && ingested.reading.minute).toBe(minute);
  });

  it('for a launch in Europe/Berlin, a time without offset is Berlin time', () => {
    const launch = makeLaunch({ startAt: '2026-11-11T10:00', timezone: 'Europe/Berlin' });
    const room = new WarRoom(launch);
    const startMs = Date.parse('2026-11-11T09:00:00Z');
    room.send(
      [
        { at: '2026-11-11T10:05:10', uv: 1 },
        { at: '2026-11-11T10:05:10+08:00', uv: 2 },
      ],
      startMs + 6 * 60_000,
    );
    expect(room.state.readings.get(5)?.uv).toBe(1);
    expect(room.state.readings.get(-415)?.uv).toBe(2); // 02:05:10Z is 6 h 54 min 50 s before 09:00Z
  });

  it('an "at" time in the future is rejected like a minute in the future', () => {
    const room = new WarRoom();
    const outcome = room.send({ at: '2026-11-11T10:20:00+08:00', uv: 1 }, clock(10));
    expect(outcome.rejected[0]?.message).toContain('minute 20 (T+00:20) is in the future');
  });

  it('an "at" that is not a date-time is rejected with the text it got', () => {
    const room = new WarRoom();
    const bogus = { at: 'yesterday at noon', uv: 1 } as ReadingInput; // bypasses the schema on purpose
    const outcome = ingest(room.state, [{ index: 0, reading: bogus }], clock(1));
    expect(outcome.rejected).toEqual([{ index: 0, message: '"at" is not a date-time: yesterday at noon' }]);
  });
});
