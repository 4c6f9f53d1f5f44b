import { describe, expect, it } from 'vitest';
import {
  PLAN,
  WarRoom,
  clock,
  makeLaunch,
  reading,
  readings,
  scaled,
  steadyForecast,
  alertTypes,
} from './helpers';

describe('when a checkpoint evaluates', () => {
  it('not while any minute of 0..14 is missing, even after 开团 + 15', () => {
    const room = new WarRoom();
    room.send(readings(0, 14), clock(14, 30)); // minute 14 not yet in
    expect(room.checkpoint(15)).toBeUndefined();
    room.send(readings(0, 14), clock(15, 10)); // re-sends change nothing
    expect(room.checkpoint(15)).toBeUndefined();
  });

  it('as soon as the reading for minute 14 completes the window, without waiting for the clock', () => {
    const room = new WarRoom();
    room.send(readings(0, 14), clock(14, 10));
    const { events } = room.send(reading(14), clock(14, 50));
    expect(alertTypes(events)).toEqual(['reading.ingested', 'checkpoint.evaluated']);
    expect(room.checkpoint(15)).toMatchObject({
      checkpoint: 15,
      complete: true,
      missingMinutes: [],
      revision: 1,
      evaluatedAt: '2026-11-11T10:14:50+08:00',
    });
  });

  it('when the missing minute is in the middle of the window, the reading that fills it completes it', () => {
    const room = new WarRoom();
    room.send([...readings(0, 7), ...readings(8, 15)], clock(15, 5));
    expect(room.checkpoint(15)).toBeUndefined();
    room.send(reading(7), clock(15, 20));
    expect(room.checkpoint(15)?.complete).toBe(true);
  });

  it('several checkpoints completed by one batch all evaluate, each once', () => {
    const room = new WarRoom(makeLaunch({}, clock(70))); // set up after the fact to review the launch
    const { events } = room.send(readings(0, 60), clock(70));
    const evaluated = events.flatMap((e) => (e.type === 'checkpoint.evaluated' ? [e.result.checkpoint] : []));
    expect(evaluated).toEqual([15, 25, 45, 60]);
  });

  it('only at the launch’s own checkpoints', () => {
    const room = new WarRoom(makeLaunch({ checkpoints: [10, 30] }));
    room.send(readings(0, 31), clock(31));
    expect([...room.state.checkpoints.keys()].sort((a, b) => a - b)).toEqual([10, 30]);
    expect(room.metric(10, 'uv')).toMatchObject({ actual: 1000, forecast: 1000 });
    expect(room.metric(30, 'uv')).toMatchObject({ actual: 3000, forecast: 3000 });
  });

  it('a reading for minute T or later does not touch checkpoint T', () => {
    const room = new WarRoom();
    room.send(readings(0, 15), clock(15));
    const before = room.checkpoint(15);
    const { events } = room.send([reading(15, scaled(5)), reading(16, scaled(5))], clock(16, 30));
    expect(alertTypes(events)).toEqual(['reading.ingested', 'reading.ingested']);
    expect(room.checkpoint(15)).toEqual(before);
    expect(room.metric(15, 'uv').actual).toBe(1500);
  });

  it('a pre-launch (预热) reading is not part of any window', () => {
    const room = new WarRoom();
    room.send(reading(-5, scaled(50)), clock(-5));
    room.send(readings(0, 15), clock(15));
    expect(room.metric(15, 'uv')).toMatchObject({ actual: 1500, forecast: 1500, deviation: 0, breach: null });
  });
});

describe('what a checkpoint compares', () => {
  it('cumulative actual against cumulative forecast over minutes [0, T)', () => {
    const room = new WarRoom();
    room.send(readings(0, 15), clock(15));
    room.send(readings(15, 25, { uv: 50, units: 10, gmv: 1000 }), clock(25));
    expect(room.metric(25, 'uv')).toMatchObject({
      actual: 2000,
      forecast: 2500,
      deviation: -0.2,
      breach: null,
    });
    expect(room.metric(25, 'units')).toMatchObject({ actual: 250, forecast: 250, deviation: 0 });
  });

  it('each compared metric on its own: uv, units and gmv by default', () => {
    const room = new WarRoom();
    room.send(readings(0, 15, { uv: 70, pv: 9999, units: 11, gmv: 1250 }), clock(15));
    const result = room.checkpoint(15)!;
    expect(result.metrics.map((m) => m.metric)).toEqual(['uv', 'units', 'gmv']);
    expect(room.metric(15, 'uv')).toEqual({
      metric: 'uv',
      actual: 1050,
      forecast: 1500,
      deviation: -0.3,
      breach: 'under',
      severity: 'warning',
    });
    expect(room.metric(15, 'units')).toEqual({
      metric: 'units',
      actual: 165,
      forecast: 150,
      deviation: 0.1,
      breach: null,
      severity: null,
    });
    expect(room.metric(15, 'gmv')).toEqual({
      metric: 'gmv',
      actual: 18750,
      forecast: 15000,
      deviation: 0.25,
      breach: 'over',
      severity: 'warning',
    });
  });

  it('a launch comparing its own metrics compares those and no others', () => {
    const launch = makeLaunch({
      metrics: ['orders', 'pv'],
      forecast: steadyForecast(60, { ...PLAN, orders: 8, pv: 300 }),
    });
    const room = new WarRoom(launch);
    room.send(readings(0, 15, { uv: 1, units: 1, gmv: 1, orders: 4, pv: 300 }), clock(15));
    expect(room.checkpoint(15)!.metrics.map((m) => m.metric)).toEqual(['orders', 'pv']);
    expect(room.metric(15, 'orders')).toMatchObject({
      actual: 60,
      forecast: 120,
      deviation: -0.5,
      breach: 'under',
    });
    expect(room.metric(15, 'pv')).toMatchObject({ breach: null });
    expect(room.alerts().map((a) => a.id)).toEqual(['launch-1-t15-orders']);
  });

  it('a metric with a zero forecast has no deviation and raises nothing, whatever happened', () => {
    const launch = makeLaunch({ forecast: steadyForecast(60, { uv: 100, units: 10 }) }); // no gmv planned
    const room = new WarRoom(launch);
    room.send(readings(0, 15, { uv: 100, units: 10, gmv: 5000 }), clock(15));
    expect(room.metric(15, 'gmv')).toEqual({
      metric: 'gmv',
      actual: 75000,
      forecast: 0,
      deviation: null,
      breach: null,
      severity: null,
    });
    expect(room.alerts()).toEqual([]);
  });
});

describe('the tolerance line, through the engine', () => {
  it.each([
    {
      what: 'exactly +20% (¥1200 a minute against ¥1000)',
      gmv: 1200,
      deviation: 0.2,
      breach: null,
      severity: null,
    },
    {
      what: 'exactly −20% (¥800 a minute against ¥1000)',
      gmv: 800,
      deviation: -0.2,
      breach: null,
      severity: null,
    },
    {
      what: 'one fen a minute over +20%',
      gmv: 1200.01,
      deviation: 0.20001,
      breach: 'over',
      severity: 'warning',
    },
    {
      what: 'one fen a minute under −20%',
      gmv: 799.99,
      deviation: -0.20001,
      breach: 'under',
      severity: 'warning',
    },
    {
      what: 'exactly +40% (twice the tolerance)',
      gmv: 1400,
      deviation: 0.4,
      breach: 'over',
      severity: 'warning',
    },
    {
      what: 'exactly −40% (twice the tolerance)',
      gmv: 600,
      deviation: -0.4,
      breach: 'under',
      severity: 'warning',
    },
    {
      what: 'one fen a minute beyond +40%',
      gmv: 1400.01,
      deviation: 0.40001,
      breach: 'over',
      severity: 'critical',
    },
    {
      what: 'one fen a minute beyond −40%',
      gmv: 599.99,
      deviation: -0.40001,
      breach: 'under',
      severity: 'critical',
    },
    { what: 'no sales at all', gmv: 0, deviation: -1, breach: 'under', severity: 'critical' },
  ])('$what for 15 minutes: deviation $deviation, breach $breach', ({ gmv, deviation, breach, severity }) => {
    const room = new WarRoom();
    room.send(readings(0, 15, { ...PLAN, gmv }), clock(15));
    expect(room.metric(15, 'gmv')).toMatchObject({ forecast: 15000, deviation, breach, severity });
  });

  it('the actual is the exact sum of what was sent: 15 × ¥1200.01 is ¥18000.15', () => {
    const room = new WarRoom();
    room.send(readings(0, 15, { ...PLAN, gmv: 1200.01 }), clock(15));
    expect(room.metric(15, 'gmv').actual).toBe(18000.15);
  });

  it.each([
    {
      what: '11 minutes of ¥0.11 against ¥0.10 planned, tolerance 0.1',
      tolerance: 0.1,
      minutes: 11,
      forecast: 0.1,
      actual: 0.11,
      past: 0.12,
      sum: [1.21, 1.1],
      deviation: 0.1,
    },
    {
      what: '10 minutes of ¥0.255 against ¥0.30 planned, tolerance 0.15',
      tolerance: 0.15,
      minutes: 10,
      forecast: 0.3,
      actual: 0.255,
      past: 0.254,
      sum: [2.55, 3],
      deviation: -0.15,
    },
    {
      what: '3 minutes of ¥0.91 against ¥0.70 planned, tolerance 0.3',
      tolerance: 0.3,
      minutes: 3,
      forecast: 0.7,
      actual: 0.91,
      past: 0.92,
      sum: [2.73, 2.1],
      deviation: 0.3,
    },
    {
      what: '7 minutes of ¥40.2 against a fractional ¥33.5 planned, tolerance 0.2',
      tolerance: 0.2,
      minutes: 7,
      forecast: 33.5,
      actual: 40.2,
      past: 40.21,
      sum: [281.4, 234.5],
      deviation: 0.2,
    },
  ])(
    'no float drift on the line: $what',
    ({ tolerance, minutes, forecast, actual, past: beyond, sum, deviation }) => {
      const launch = makeLaunch({
        tolerance,
        checkpoints: [minutes],
        forecast: steadyForecast(60, { ...PLAN, gmv: forecast }),
      });
      const onTheLine = new WarRoom(launch);
      onTheLine.send(readings(0, minutes, { ...PLAN, gmv: actual }), clock(minutes));
      expect(onTheLine.metric(minutes, 'gmv')).toEqual({
        metric: 'gmv',
        actual: sum[0],
        forecast: sum[1],
        deviation,
        breach: null,
        severity: null,
      });
      expect(onTheLine.alerts()).toEqual([]);

      const past = new WarRoom(launch);
      past.send(
        [...readings(1, minutes, { ...PLAN, gmv: actual }), reading(0, { ...PLAN, gmv: beyond })],
        clock(minutes),
      );
      expect(past.metric(minutes, 'gmv').breach).toBe(deviation > 0 ? 'over' : 'under');
    },
  );

  it('¥0.10 + ¥0.20 against ¥0.15 + ¥0.15 is exactly on plan', () => {
    const launch = makeLaunch({ checkpoints: [2], forecast: steadyForecast(60, { ...PLAN, gmv: 0.15 }) });
    const room = new WarRoom(launch);
    room.send([reading(0, { ...PLAN, gmv: 0.1 }), reading(1, { ...PLAN, gmv: 0.2 })], clock(2));
    expect(room.metric(2, 'gmv')).toMatchObject({ actual: 0.3, forecast: 0.3, deviation: 0, breach: null });
  });

  it('a fractional units forecast (2.5 a minute): 45 against 37.5 is inside, 46 is over', () => {
    const launch = makeLaunch({ forecast: steadyForecast(60, { ...PLAN, units: 2.5 }) });
    const inside = new WarRoom(launch);
    inside.send([...readings(1, 15, { ...PLAN, units: 3 }), reading(0, { ...PLAN, units: 3 })], clock(15));
    expect(inside.metric(15, 'units')).toMatchObject({
      actual: 45,
      forecast: 37.5,
      deviation: 0.2,
      breach: null,
    });
    const over = new WarRoom(launch);
    over.send([...readings(1, 15, { ...PLAN, units: 3 }), reading(0, { ...PLAN, units: 4 })], clock(15));
    expect(over.metric(15, 'units')).toMatchObject({ actual: 46, breach: 'over', severity: 'warning' });
    const under = new WarRoom(launch);
    under.send([...readings(1, 15, { ...PLAN, units: 2 }), reading(0, { ...PLAN, units: 1 })], clock(15));
    expect(under.metric(15, 'units')).toMatchObject({ actual: 29, breach: 'under' });
    const edge = new WarRoom(launch);
    edge.send([...readings(1, 15, { ...PLAN, units: 2 }), reading(0, { ...PLAN, units: 2 })], clock(15));
    expect(edge.metric(15, 'units')).toMatchObject({ actual: 30, deviation: -0.2, breach: null });
  });
});
