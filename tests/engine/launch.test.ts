import { LaunchInput, defaultCheckpoints } from '@warroom/shared';
import { describe, expect, it } from 'vitest';
import { createLaunch } from '../../server/src/engine/index';
import { START, clock, makeLaunch, steadyForecast } from './helpers';

describe('a new launch fills in every default', () => {
  it('three hours long, Beijing time, ±20%, uv/units/gmv compared, 60 s grace, 300 s escalation', () => {
    const launch = createLaunch(
      LaunchInput.parse({ name: '开团', startAt: '2026-11-11T10:00', forecast: [{ minute: 0, uv: 5 }] }),
      'x',
      clock(-60),
    );
    expect(launch).toMatchObject({
      id: 'x',
      startAt: '2026-11-11T10:00:00+08:00',
      durationMinutes: 180,
      timezone: 'Asia/Shanghai',
      checkpoints: [5, 15, 25, 45, 60, 90, 120, 150, 180],
      tolerance: 0.2,
      metrics: ['uv', 'units', 'gmv'],
      // 开团后5分钟 the team looks at favourites, add-to-cart and units (跟进销量收藏量).
      checkpointMetrics: [{ at: 5, metrics: ['fav', 'cart', 'units'] }],
      graceSeconds: 60,
      escalateAfterSeconds: 300,
      stock: null,
      price: null,
      targets: null,
      clock: 'wall',
      createdAt: '2026-11-11T09:00:00+08:00',
    });
  });

  it('startAt is stored with the launch zone’s offset, whatever offset it was given in', () => {
    const launch = makeLaunch({ startAt: '2026-11-11T02:00:00Z' });
    expect(launch.startAt).toBe(START);
    const berlin = makeLaunch({ startAt: '2026-11-11T10:00', timezone: 'Europe/Berlin' });
    expect(berlin.startAt).toBe('2026-11-11T10:00:00+01:00');
  });

  it('the forecast has one full point per minute; an omitted minute or metric is 0', () => {
    const launch = makeLaunch({
      durationMinutes: 4,
      forecast: [
        { minute: 2, uv: 7, gmv: 12.5 },
        { minute: 0, units: 3 },
      ],
    });
    expect(launch.forecast).toEqual([
      { minute: 0, uv: 0, pv: 0, fav: 0, cart: 0, orders: 0, units: 3, gmv: 0 },
      { minute: 1, uv: 0, pv: 0, fav: 0, cart: 0, orders: 0, units: 0, gmv: 0 },
      { minute: 2, uv: 7, pv: 0, fav: 0, cart: 0, orders: 0, units: 0, gmv: 12.5 },
      { minute: 3, uv: 0, pv: 0, fav: 0, cart: 0, orders: 0, units: 0, gmv: 0 },
    ]);
  });

  it('a template forecast keeps its targets and covers every minute', () => {
    const launch = makeLaunch({ forecast: { template: { uv: 60_000, units: 3000, gmv: 297_000 } } });
    expect(launch.targets).toEqual({ uv: 60_000, units: 3000, gmv: 297_000 });
    expect(launch.forecast).toHaveLength(60);
    expect(launch.forecast.map((p) => p.minute)).toEqual([...Array(60).keys()]);
  });
});

describe('checkpoints', () => {
  it.each([
    [180, [5, 15, 25, 45, 60, 90, 120, 150, 180]],
    [60, [5, 15, 25, 45, 60]],
    [100, [5, 15, 25, 45, 60, 90]],
    [240, [5, 15, 25, 45, 60, 90, 120, 150, 180, 210, 240]],
    [50, [5, 15, 25, 45]],
    [20, [5, 15]],
    [10, [5]],
    [4, []],
  ])('a %s-minute launch is checked at 开团 + %j minutes by default', (duration, expected) => {
    expect(defaultCheckpoints(duration)).toEqual(expected);
    const input = LaunchInput.parse({
      name: '开团',
      startAt: START,
      durationMinutes: duration,
      forecast: steadyForecast(duration),
    });
    expect(createLaunch(input, 'x', clock(-30)).checkpoints).toEqual(expected);
  });

  it('with a preheat of more than an hour, 开团前1小时 (pv, fav, cart) and 开团前半小时 (pv, uv) are checked too', () => {
    expect(defaultCheckpoints(180, 120)).toEqual([-60, -30, 5, 15, 25, 45, 60, 90, 120, 150, 180]);
    expect(defaultCheckpoints(180, 45)).toEqual([-30, 5, 15, 25, 45, 60, 90, 120, 150, 180]);
    expect(defaultCheckpoints(180, 30)).toEqual([5, 15, 25, 45, 60, 90, 120, 150, 180]);
    const launch = createLaunch(
      LaunchInput.parse({
        name: '开团',
        startAt: START,
        preheatMinutes: 120,
        forecast: { template: { uv: 30_000, units: 2000, gmv: 198_000 } },
      }),
      'x',
      clock(-180),
    );
    expect(launch.checkpointMetrics).toEqual([
      { at: -60, metrics: ['pv', 'fav', 'cart'] },
      { at: -30, metrics: ['pv', 'uv'] },
      { at: 5, metrics: ['fav', 'cart', 'units'] },
    ]);
    expect(launch.preheatForecast).toHaveLength(120);
    expect(launch.preheatForecast![0]!.minute).toBe(-120);
    expect(launch.preheatForecast!.every((p) => p.units === 0 && p.gmv === 0 && p.fav > 0)).toBe(true);
  });

  it('a launch’s own checkpoints replace the defaults and are kept in time order', () => {
    expect(makeLaunch({ checkpoints: [30, 5, 20] }).checkpoints).toEqual([5, 20, 30]);
    expect(makeLaunch({ checkpoints: [60] }).checkpoints).toEqual([60]);
  });
});

describe('the playbook', () => {
  it('has a default plan for each compared metric in each direction, plus the data-gap plan', () => {
    const launch = makeLaunch();
    const keys = launch.playbook.map((e) => `${e.metric}/${e.direction}`).sort();
    expect(keys).toEqual(
      [
        'data-gap/null',
        'gmv/over',
        'gmv/under',
        'units/over',
        'units/under',
        'uv/over',
        'uv/under',
        // the situations: stock running low, sold out, traffic once sold out, unpaid orders, budgets
        'budget/null',
        'low-stock/null',
        'sold-out/null',
        'sold-out-traffic/null',
        'unpaid/null',
      ].sort(),
    );
  });

  it('a launch’s own entry replaces the default for that metric and direction only', () => {
    const own = {
      metric: 'uv',
      direction: 'under',
      title: '流量不足 · 本场方案',
      owners: [{ role: '电商经理', actions: ['直播间口播引流'] }],
    };
    const launch = makeLaunch({ playbook: [own] });
    expect(launch.playbook.filter((e) => e.metric === 'uv' && e.direction === 'under')).toEqual([own]);
    expect(launch.playbook).toHaveLength(12);
    expect(launch.playbook.find((e) => e.metric === 'uv' && e.direction === 'over')?.owners[0]?.role).toBe(
      '客服主管',
    );
  });
});
