/**
 * The pace line before a checkpoint (按当前节奏 T+15 预计 ▼33%): the rest of the window at the pace so
 * far, compared with the window's forecast by the checkpoints' exact rule. A projection, never an
 * alert.
 */
import { describe, expect, it } from 'vitest';
import { paceOutlook } from '@warroom/shared';
import {
  PLAN,
  WarRoom,
  clock,
  makeLaunch,
  reading,
  readings,
  scaled,
  steadyForecast,
} from '../engine/helpers';

describe('the pace before the next checkpoint', () => {
  it.each([
    // Visitors per minute over minutes 0 … n − 1 against a plan of 100 (units and GMV on plan).
    { n: 5, uv: 100, deviation: 0, breach: null, severity: null },
    { n: 10, uv: 67, deviation: -0.33, breach: 'under', severity: 'warning' },
    // Exactly −20% is within ±20%: the rule is strictly outside.
    { n: 10, uv: 80, deviation: -0.2, breach: null, severity: null },
    { n: 10, uv: 79, deviation: -0.21, breach: 'under', severity: 'warning' },
    { n: 3, uv: 150, deviation: 0.5, breach: 'over', severity: 'critical' },
  ] as const)(
    '$n minutes of $uv visitors project T+15 at $deviation',
    ({ n, uv: perMinute, deviation, breach, severity }) => {
      const room = new WarRoom();
      room.send(readings(0, n, { ...PLAN, uv: perMinute }), clock(n, 5));
      const pace = paceOutlook(room.state, clock(n, 5))!;
      expect(pace.checkpoint).toBe(15);
      expect(pace.minutesSeen).toBe(n);
      const uv = pace.metrics.find((m) => m.metric === 'uv')!;
      expect(uv.comparison).toEqual({ deviation, breach, severity });
      // The rest of the window at the same pace: projected = actual × F(T) / F(seen).
      expect(uv.projected).toBe(perMinute * 15);
      expect(uv.forecast).toBe(PLAN.uv * 15);
      expect(room.alerts()).toEqual([]);
    },
  );

  it('takes the pace from the forecast of the minutes seen, so a front-loaded plan is not read as a shortfall', () => {
    // The plan sells twice as much in the first five minutes as later.
    const forecast = steadyForecast(60).map((p) =>
      p.minute < 5 ? { ...p, uv: 200, units: 20, gmv: 2000 } : p,
    );
    const room = new WarRoom(makeLaunch({ forecast }));
    room.send(readings(0, 5, { uv: 200, units: 20, gmv: 2000 }), clock(5, 5));
    const pace = paceOutlook(room.state, clock(5, 5))!;
    expect(pace.worst?.comparison).toEqual({ deviation: 0, breach: null, severity: null });
    expect(pace.worst?.projected).toBe(pace.worst?.forecast);
  });

  it('shows the furthest breach when several metrics project outside tolerance', () => {
    const room = new WarRoom();
    room.send(readings(0, 10, { uv: 70, units: 5, gmv: 990 }), clock(10, 5));
    const pace = paceOutlook(room.state, clock(10, 5))!;
    expect(pace.worst?.metric).toBe('units');
    expect(pace.worst?.comparison).toMatchObject({ deviation: -0.5, breach: 'under', severity: 'critical' });
  });

  it('counts a missing minute as unknown, not as zero', () => {
    const room = new WarRoom();
    room.send([...readings(0, 4), ...readings(5, 10)], clock(10, 5));
    const pace = paceOutlook(room.state, clock(10, 5))!;
    expect(pace.minutesSeen).toBe(9);
    expect(pace.worst?.comparison.deviation).toBe(0);
  });

  it('moves on to the next checkpoint once one has its result', () => {
    const room = new WarRoom();
    room.send(readings(0, 15), clock(15, 5));
    expect(room.checkpoint(15)).toBeDefined();
    room.send(readings(15, 20, scaled(0.5)), clock(20, 5));
    const pace = paceOutlook(room.state, clock(20, 5))!;
    expect(pace.checkpoint).toBe(25);
    expect(pace.dueAtMs).toBe(clock(25));
    // 15 minutes on plan and 5 at half: (1500 + 250) / 2000 of plan, the rest at that pace.
    expect(pace.metrics.find((m) => m.metric === 'uv')?.comparison.deviation).toBe(-0.125);
  });

  it('says nothing before 开团, without a reading in the window, or after the last checkpoint', () => {
    const room = new WarRoom();
    expect(paceOutlook(room.state, clock(-5))).toBeNull();
    expect(paceOutlook(room.state, clock(3))).toBeNull();
    // Warm-up readings before 开团 are not part of any window.
    room.send(reading(-10), clock(-9));
    expect(paceOutlook(room.state, clock(1))).toBeNull();
    room.send(readings(0, 60), clock(60, 5));
    expect(room.checkpoint(60)).toBeDefined();
    expect(paceOutlook(room.state, clock(60, 5))).toBeNull();
  });

  it('projects a ratio as its value so far: conversion is not a quantity that grows with time', () => {
    const plan = { uv: 100, orders: 5, units: 10, gmv: 1000 };
    const room = new WarRoom(
      makeLaunch({ forecast: steadyForecast(60, plan), metrics: ['uv', 'conversion'] }),
    );
    // Visitors on plan, buyers at 3 per 100 instead of 5: conversion 40% under.
    room.send(readings(0, 5, { ...plan, orders: 3 }), clock(5, 5));
    const pace = paceOutlook(room.state, clock(5, 5))!;
    const conversion = pace.metrics.find((m) => m.metric === 'conversion')!;
    expect(conversion).toMatchObject({ actual: 0.03, projected: 0.03, forecast: 0.05 });
    expect(conversion.comparison).toEqual({ deviation: -0.4, breach: 'under', severity: 'warning' });
    expect(pace.worst?.metric).toBe('conversion');
  });

  it("projects the next checkpoint's own metrics, and no side measure the feed never sent", () => {
    const room = new WarRoom(
      makeLaunch({
        forecast: steadyForecast(60, { ...PLAN, fav: 20, cart: 10 }),
        checkpoints: [{ at: 5, metrics: ['fav', 'cart', 'units'] }, 15, 25, 45, 60],
      }),
    );
    room.send(readings(0, 3, { ...PLAN, fav: 10 }), clock(3, 5));
    const pace = paceOutlook(room.state, clock(3, 5))!;
    expect(pace.checkpoint).toBe(5);
    // 加购 is never in these readings: not a 100% shortfall, just not projected.
    expect(pace.metrics.map((m) => m.metric)).toEqual(['fav', 'units']);
    expect(pace.worst).toMatchObject({ metric: 'fav', comparison: { deviation: -0.5, breach: 'under' } });
  });

  it('leaves sales out once the stock sold out: the sell-out is the story, not the pace', () => {
    const room = new WarRoom(makeLaunch({ stock: 30 }));
    room.send(readings(0, 4, { uv: 100, units: 15, gmv: 1500 }), clock(4, 5));
    const pace = paceOutlook(room.state, clock(4, 5))!;
    expect(pace.metrics.map((m) => m.metric)).toEqual(['uv']);
  });
});
