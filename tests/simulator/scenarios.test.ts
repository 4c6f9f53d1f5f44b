/**
 * The simulator's scenario planner, run through the real engine: every delivery in order, the
 * clock ticking to each send time first, exactly as the simulation runner feeds a launch.
 */
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import {
  type Alert,
  type Launch,
  type LaunchEventBody,
  type Metric,
  type Reading,
  type Scenario,
  LaunchInput,
  MINUTE_MS,
  ReadingInput,
  SCENARIOS,
  type LaunchState,
  initialState,
} from '@warroom/shared';
import { alertId, createLaunch, ingest, tick } from '../../server/src/engine/index';
import { type Delivery, planDeliveries } from '../../server/src/simulator/scenarios';
import { simulatedLaunchInput } from '../../server/src/simulator/manager';
import { integer, mulberry32, uniform } from '../../server/src/simulator/prng';

const START = '2026-11-11T10:00:00+08:00';
const START_MS = Date.parse(START);
const TARGETS = { uv: 100_000, units: 5_000, gmv: 500_000 };

function makeLaunch(
  over: Partial<{
    durationMinutes: number;
    stock: number;
    graceSeconds: number;
    targets: typeof TARGETS;
  }> = {},
): Launch {
  const { targets = TARGETS, ...rest } = over;
  const input = LaunchInput.parse({ name: '模拟', startAt: START, ...rest, forecast: { template: targets } });
  // created an hour before 开团, so checkpoints wait for their data and raise data-gap alerts
  return createLaunch(input, 'sim', START_MS - 60 * MINUTE_MS, 'simulated');
}

interface Run {
  state: LaunchState;
  plan: Delivery[];
  events: LaunchEventBody[];
  accepted: number;
  duplicates: number;
  rejected: number;
}

function run(launch: Launch, scenario: Scenario, seed: number): Run {
  const state = initialState(launch);
  const plan = planDeliveries(launch, scenario, seed);
  const events: LaunchEventBody[] = [];
  let accepted = 0;
  let duplicates = 0;
  let rejected = 0;
  for (const d of plan) {
    const now = state.startMs + d.sendAtMs;
    events.push(...tick(state, now));
    const out = ingest(
      state,
      d.readings.map((reading, index) => ({ index, reading })),
      now,
    );
    events.push(...out.events);
    accepted += out.accepted;
    duplicates += out.duplicates;
    rejected += out.rejected.length;
  }
  const endMs = state.startMs + launch.durationMinutes * MINUTE_MS + launch.graceSeconds * 1000 + MINUTE_MS;
  events.push(...tick(state, endMs));
  return { state, plan, events, accepted, duplicates, rejected };
}

function alertsAt(state: LaunchState, checkpoint: number): Alert[] {
  return [...state.alerts.values()].filter((a) => a.checkpoint === checkpoint);
}

function breach(state: LaunchState, checkpoint: number, metric: Metric): Alert | undefined {
  return state.alerts.get(alertId(state.launch.id, checkpoint, metric));
}

function deviation(state: LaunchState, checkpoint: number, metric: Metric): number {
  const c = state.checkpoints.get(checkpoint)!;
  return c.metrics.find((m) => m.metric === metric)!.deviation!;
}

function allReadings(plan: readonly Delivery[]): Reading[] {
  return plan.flatMap((d) => d.readings) as Reading[];
}

const SEEDS = Array.from({ length: 50 }, (_, i) => i * 7919 + 1);

describe('prng', () => {
  it('mulberry32 is deterministic, in [0, 1), and differs by seed', () => {
    const a = mulberry32(42);
    const b = mulberry32(42);
    const c = mulberry32(43);
    const xs = Array.from({ length: 1000 }, () => a());
    expect(Array.from({ length: 1000 }, () => b())).toEqual(xs);
    expect(Array.from({ length: 1000 }, () => c())).not.toEqual(xs);
    for (const x of xs) {
      expect(x).toBeGreaterThanOrEqual(0);
      expect(x).toBeLessThan(1);
    }
    const mean = xs.reduce((s, x) => s + x, 0) / xs.length;
    expect(mean).toBeGreaterThan(0.45);
    expect(mean).toBeLessThan(0.55);
  });

  it('uniform and integer stay in their ranges', () => {
    const rng = mulberry32(7);
    const seen = new Set<number>();
    for (let i = 0; i < 500; i++) {
      const u = uniform(rng, -2, 3);
      expect(u).toBeGreaterThanOrEqual(-2);
      expect(u).toBeLessThan(3);
      const k = integer(rng, 8, 10);
      expect([8, 9, 10]).toContain(k);
      seen.add(k);
    }
    expect(seen.size).toBe(3);
  });
});

describe('planDeliveries: every scenario', () => {
  const launch = makeLaunch();

  for (const scenario of SCENARIOS) {
    it(`${scenario}: sorted, valid, realistic readings the engine accepts`, () => {
      for (const seed of [1, 2, 3, 99, 2 ** 31 - 1]) {
        const r = run(launch, scenario, seed);
        expect(r.rejected).toBe(0);
        for (let i = 1; i < r.plan.length; i++)
          expect(r.plan[i]!.sendAtMs).toBeGreaterThanOrEqual(r.plan[i - 1]!.sendAtMs);
        for (const d of r.plan) {
          expect(Number.isInteger(d.sendAtMs)).toBe(true);
          expect(d.readings.length).toBeGreaterThan(0);
          for (const reading of d.readings) {
            expect(ReadingInput.safeParse(reading).success).toBe(true);
            const x = reading as Reading;
            expect(x.minute).toBeGreaterThanOrEqual(0);
            expect(x.minute).toBeLessThan(launch.durationMinutes);
            // never sent before its minute has ended
            expect(d.sendAtMs).toBeGreaterThanOrEqual((x.minute + 1) * MINUTE_MS);
            expect(x.orders).toBeLessThanOrEqual(x.units);
            if (x.units > 0) expect(x.orders).toBeGreaterThan(0);
            expect(x.pv).toBeGreaterThanOrEqual(x.uv);
            expect(Math.round(x.gmv * 100) / 100).toBe(x.gmv);
            if (x.units === 0) expect(x.gmv).toBe(0);
          }
        }
        // gmv ≈ units × the forecast's average price
        const sold = [...r.state.readings.values()];
        const units = sold.reduce((a, x) => a + x.units, 0);
        const gmv = sold.reduce((a, x) => a + x.gmv, 0);
        if (units > 0) expect(Math.abs(gmv / units / (TARGETS.gmv / TARGETS.units) - 1)).toBeLessThan(0.03);
      }
    });

    it(`${scenario}: covers minutes 0 … duration − 1, each normally just after its minute`, () => {
      const plan = planDeliveries(launch, scenario, 5);
      const minutes = new Set(allReadings(plan).map((x) => x.minute));
      const missing = Array.from({ length: launch.durationMinutes }, (_, m) => m).filter(
        (m) => !minutes.has(m),
      );
      if (scenario === 'feed-outage') {
        expect(missing.length).toBeGreaterThanOrEqual(10);
      } else {
        expect(missing).toEqual([]);
      }
      const onTime = plan.filter((d) => {
        const m = (d.readings[0] as Reading).minute;
        return d.readings.length === 1 && d.sendAtMs <= (m + 1) * MINUTE_MS + 5_000;
      });
      expect(onTime.length).toBeGreaterThan(launch.durationMinutes * 0.9);
    });

    it(`${scenario}: the same seed plans the same deliveries; another seed other readings`, () => {
      const a = planDeliveries(launch, scenario, 12345);
      expect(planDeliveries(launch, scenario, 12345)).toEqual(a);
      const b = planDeliveries(launch, scenario, 12346);
      expect(allReadings(b)).not.toEqual(allReadings(a));
      expect(b.map((d) => d.sendAtMs)).not.toEqual(a.map((d) => d.sendAtMs));
    });
  }
});

describe('on-plan', () => {
  it('raises no alert at all, for 50 seeds, and stays well inside ±20% at 15/25/45/60', () => {
    const launch = makeLaunch();
    let worst = 0;
    for (const seed of SEEDS) {
      const r = run(launch, 'on-plan', seed);
      expect([...r.state.alerts.values()], `seed ${seed}`).toEqual([]);
      for (const t of [15, 25, 45, 60]) {
        const c = r.state.checkpoints.get(t)!;
        expect(c.complete).toBe(true);
        for (const m of c.metrics) worst = Math.max(worst, Math.abs(m.deviation!));
      }
    }
    expect(worst).toBeLessThan(0.12);
  });

  it('holds for a day-long launch, for short launches and small targets (property over seeds)', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 2 ** 31 - 1 }),
        fc.constantFrom(60, 180, 1440),
        fc.record({
          uv: fc.integer({ min: 5_000, max: 5_000_000 }),
          units: fc.integer({ min: 300, max: 200_000 }),
          price: fc.integer({ min: 5, max: 3_000 }),
        }),
        (seed, durationMinutes, t) => {
          const targets = { uv: t.uv, units: t.units, gmv: t.units * t.price };
          const r = run(makeLaunch({ durationMinutes, targets }), 'on-plan', seed);
          for (const t of [15, 25, 45, 60]) {
            expect(alertsAt(r.state, t)).toEqual([]);
            for (const m of r.state.checkpoints.get(t)!.metrics)
              expect(Math.abs(m.deviation!)).toBeLessThan(0.15);
          }
        },
      ),
      { numRuns: 25 },
    );
  });
});

describe('traffic-shortfall', () => {
  it('raises a uv under alert at checkpoint 15, for every seed', () => {
    const launch = makeLaunch();
    for (const seed of SEEDS.slice(0, 20)) {
      const r = run(launch, 'traffic-shortfall', seed);
      const a = breach(r.state, 15, 'uv');
      expect(a?.direction, `seed ${seed}`).toBe('under');
      expect(a!.status).toBe('open');
      const dev = deviation(r.state, 15, 'uv');
      expect(dev).toBeGreaterThan(-0.45);
      expect(dev).toBeLessThan(-0.28);
      expect(a!.plan.owners[0]!.role).toBe('推广主管');
    }
  });
});

describe('surge', () => {
  it('raises over alerts for traffic and sales at 15', () => {
    const launch = makeLaunch();
    for (const seed of SEEDS.slice(0, 20)) {
      const r = run(launch, 'surge', seed);
      for (const metric of ['uv', 'units', 'gmv'] as const) {
        expect(breach(r.state, 15, metric)?.direction, `seed ${seed} ${metric}`).toBe('over');
        expect(deviation(r.state, 15, metric)).toBeGreaterThan(0.4);
      }
      expect([...r.state.alerts.values()].every((a) => a.kind === 'breach' && a.direction === 'over')).toBe(
        true,
      );
    }
  });
});

describe('conversion-drop', () => {
  it('raises a units or gmv under alert by 25 while uv stays within at 15 and 25', () => {
    const launch = makeLaunch();
    for (const seed of SEEDS.slice(0, 30)) {
      const r = run(launch, 'conversion-drop', seed);
      const sales = [breach(r.state, 25, 'units'), breach(r.state, 25, 'gmv')].filter(Boolean);
      expect(sales.length, `seed ${seed}`).toBeGreaterThan(0);
      for (const a of sales) expect(a!.direction).toBe('under');
      expect(breach(r.state, 15, 'uv')).toBeUndefined();
      expect(breach(r.state, 25, 'uv')).toBeUndefined();
      expect(Math.abs(deviation(r.state, 25, 'uv'))).toBeLessThan(0.15);
      // traffic carries on as planned: the drop is in sales per visitor, from about minute 8–10
      const readings = allReadings(r.plan);
      const early = readings.filter((x) => x.minute < 8);
      const late = readings.filter((x) => x.minute >= 10 && x.minute < 25);
      const rate = (xs: Reading[]) => xs.reduce((a, x) => a + x.units, 0) / xs.reduce((a, x) => a + x.uv, 0);
      expect(rate(late) / rate(early)).toBeLessThan(0.3);
    }
  });
});

describe('stockout', () => {
  function runOut(plan: readonly Delivery[], stock: number): number {
    let sold = 0;
    for (const x of allReadings(plan).sort((a, b) => a.minute - b.minute)) {
      sold += x.units;
      if (sold >= stock) return x.minute;
    }
    return Infinity;
  }

  it('sells on plan until ~35% of the forecast units are gone (no stock set), then nothing', () => {
    const launch = makeLaunch();
    const stock = Math.round(0.35 * TARGETS.units);
    for (const seed of SEEDS.slice(0, 20)) {
      const r = run(launch, 'stockout', seed);
      const readings = [...r.state.readings.values()];
      expect(readings.reduce((a, x) => a + x.units, 0)).toBe(stock);
      const out = runOut(r.plan, stock);
      for (const x of readings.filter((x) => x.minute > out)) {
        expect([x.units, x.orders, x.gmv, x.cart]).toEqual([0, 0, 0, 0]);
        expect(x.uv).toBeGreaterThan(0);
      }
      // no sales alert before the stock ran out; a sales under alert at a later checkpoint
      for (const t of launch.checkpoints.filter((t) => t <= out)) {
        expect(breach(r.state, t, 'units')).toBeUndefined();
        expect(breach(r.state, t, 'gmv')).toBeUndefined();
      }
      const later = launch.checkpoints.filter((t) => t > out);
      const under = later.filter((t) => breach(r.state, t, 'units')?.direction === 'under');
      expect(under.length, `seed ${seed}`).toBeGreaterThan(0);
      expect(breach(r.state, under[0]!, 'gmv')?.direction).toBe('under');
      expect(breach(r.state, under[0]!, 'uv')).toBeUndefined();
    }
  });

  it('uses the launch’s own stock when it has one: it sells out once, and no sales shortfall follows', () => {
    const launch = makeLaunch({ stock: 1_200 });
    const r = run(launch, 'stockout', 3);
    expect([...r.state.readings.values()].reduce((a, x) => a + x.units, 0)).toBe(1_200);
    const alerts = [...r.state.alerts.values()];
    expect(alerts.filter((a) => a.kind === 'sold-out')).toHaveLength(1);
    const out = alerts.find((a) => a.kind === 'sold-out')!.checkpoint;
    expect(
      alerts.filter(
        (a) => a.kind === 'breach' && a.checkpoint > out && a.direction === 'under' && a.metric !== 'uv',
      ),
    ).toEqual([]);
    const later = launch.checkpoints.filter((t) => t > out);
    expect(later.length).toBeGreaterThan(0);
    for (const t of later) expect(r.state.checkpoints.get(t)?.soldOutMinute).toBe(out);
  });
});

describe('feed-outage', () => {
  it('never sends a stretch around 25: checkpoint 25 is incomplete and raises a data-gap alert', () => {
    const launch = makeLaunch();
    for (const seed of SEEDS.slice(0, 20)) {
      const r = run(launch, 'feed-outage', seed);
      const minutes = new Set(allReadings(r.plan).map((x) => x.minute));
      const gap = Array.from({ length: launch.durationMinutes }, (_, m) => m).filter((m) => !minutes.has(m));
      expect(gap[0]).toBeGreaterThanOrEqual(17);
      expect(gap[0]).toBeLessThanOrEqual(19);
      expect(gap.at(-1)).toBeGreaterThanOrEqual(28);
      expect(gap.at(-1)).toBeLessThanOrEqual(31);
      expect(gap).toEqual(Array.from({ length: gap.length }, (_, i) => gap[0]! + i));
      // the feed resumes with new minutes only
      expect(minutes.has(gap.at(-1)! + 1)).toBe(true);

      const c25 = r.state.checkpoints.get(25)!;
      expect(c25.complete).toBe(false);
      const gapAlert = r.state.alerts.get(alertId(launch.id, 25, 'data-gap'))!;
      expect(gapAlert.kind).toBe('data-gap');
      expect(gapAlert.missingMinutes).toEqual(gap.filter((m) => m < 25));
      expect(gapAlert.plan.owners[0]!.role).toBe('运营主管');
      // raised after the grace of 25, not before
      const raised = r.events.find((e) => e.type === 'alert.raised' && e.alert.id === gapAlert.id);
      expect(raised).toBeDefined();
      expect(Date.parse(gapAlert.raisedAt)).toBeGreaterThanOrEqual(START_MS + 25 * MINUTE_MS + 60_000);
      // 15 was unaffected; the readings that did arrive are on plan
      expect(r.state.checkpoints.get(15)!.complete).toBe(true);
      expect(alertsAt(r.state, 15)).toEqual([]);
      expect([...r.state.alerts.values()].every((a) => a.kind === 'data-gap')).toBe(true);
    }
  });
});

describe('late-and-duplicate', () => {
  it('sends everything twice, holds 10–13 back past 15’s grace, and corrects a bad row', () => {
    const launch = makeLaunch();
    for (const seed of SEEDS.slice(0, 20)) {
      const r = run(launch, 'late-and-duplicate', seed);
      expect(r.rejected).toBe(0);

      // every delivery has an identical twin sent 1–15 s later
      const readings = allReadings(r.plan);
      expect(r.duplicates).toBe(readings.length / 2);
      const byKey = new Map<string, number[]>();
      for (const d of r.plan) {
        const key = JSON.stringify(d.readings);
        byKey.set(key, [...(byKey.get(key) ?? []), d.sendAtMs]);
      }
      for (const times of byKey.values()) {
        expect(times).toHaveLength(2);
        expect(times[1]! - times[0]!).toBeGreaterThanOrEqual(1_000);
        expect(times[1]! - times[0]!).toBeLessThanOrEqual(15_000);
      }

      // minutes 10–13 arrive between 17:00 and 20:00 on the launch clock (twice)
      for (const d of r.plan) {
        for (const x of d.readings as Reading[]) {
          if (x.minute >= 10 && x.minute <= 13) {
            expect(d.sendAtMs).toBeGreaterThanOrEqual(17 * MINUTE_MS);
            expect(d.sendAtMs).toBeLessThanOrEqual(20 * MINUTE_MS);
          }
        }
      }

      // no alert raised twice
      const raised = r.events.flatMap((e) => (e.type === 'alert.raised' ? [e.alert.id] : []));
      expect(new Set(raised).size).toBe(raised.length);

      // 15: first incomplete with a data gap, then revised complete and the gap cleared in place
      const c15 = r.state.checkpoints.get(15)!;
      expect(c15.complete).toBe(true);
      expect(c15.revision).toBeGreaterThan(1);
      const first15 = r.events.find((e) => e.type === 'checkpoint.evaluated' && e.result.checkpoint === 15);
      expect(first15?.type === 'checkpoint.evaluated' && first15.result.complete).toBe(false);
      const gap = r.state.alerts.get(alertId(launch.id, 15, 'data-gap'))!;
      expect(gap.status).toBe('cleared');
      expect(gap.history.map((h) => h.type)).toEqual(['raised', 'updated', 'cleared']);

      // 25: the cumulative row breaches over; the corrected row revises 25 and clears the alerts
      const c25 = r.state.checkpoints.get(25)!;
      expect(c25.revision).toBeGreaterThan(1);
      for (const metric of ['uv', 'units', 'gmv'] as const) {
        const a = breach(r.state, 25, metric)!;
        expect(a.direction).toBe('over');
        expect(a.status).toBe('cleared');
        expect(a.history.map((h) => h.type)).toEqual(['raised', 'cleared']);
      }
      expect(c25.metrics.every((m) => m.breach === null)).toBe(true);

      // in the end the state holds every minute once, with the true values
      expect(r.state.readings.size).toBe(launch.durationMinutes);
      expect([...r.state.alerts.values()].every((a) => a.status === 'cleared')).toBe(true);
    }
  });
});

describe('other launches', () => {
  it('plans every scenario for 60- and 10-minute launches, a long grace and no grace', () => {
    for (const launch of [
      makeLaunch({ durationMinutes: 60 }),
      makeLaunch({ durationMinutes: 10 }),
      makeLaunch({ graceSeconds: 600 }),
      makeLaunch({ graceSeconds: 0 }),
      makeLaunch({ durationMinutes: 1 }),
    ]) {
      for (const scenario of SCENARIOS) {
        const r = run(launch, scenario, 11);
        expect(r.rejected).toBe(0);
        const minutes = new Set(allReadings(r.plan).map((x) => x.minute));
        if (scenario !== 'feed-outage') expect(minutes.size).toBe(launch.durationMinutes);
        // (an outage on a one-minute launch leaves nothing to send)
        const last = r.plan.at(-1)?.sendAtMs ?? 0;
        expect(last).toBeLessThanOrEqual(
          launch.durationMinutes * MINUTE_MS + launch.graceSeconds * 1000 + 20_000,
        );
      }
    }
  });

  it('on a 60-minute launch the scenarios still do what they say', () => {
    const launch = makeLaunch({ durationMinutes: 60 });
    expect(breach(run(launch, 'traffic-shortfall', 4).state, 15, 'uv')?.direction).toBe('under');
    expect(breach(run(launch, 'surge', 4).state, 15, 'uv')?.direction).toBe('over');
    expect(run(launch, 'feed-outage', 4).state.alerts.get(alertId(launch.id, 25, 'data-gap'))).toBeDefined();
    const late = run(launch, 'late-and-duplicate', 4);
    expect(late.state.checkpoints.get(15)!.revision).toBeGreaterThan(1);
    expect(late.state.checkpoints.get(25)!.revision).toBeGreaterThan(1);
  });
});

describe('launch day in the simulated launches (the demo’s and the admin’s simulations)', () => {
  const simulated = (scenario: Scenario, overrides: Record<string, unknown> = {}) =>
    createLaunch(
      simulatedLaunchInput(scenario, Date.parse('2026-11-11T10:00:00+08:00'), overrides),
      'sim',
      Date.parse('2026-11-11T09:59:00+08:00'),
      'simulated',
    );
  const incidentsIn = (r: Run, minutes: number) =>
    r.events.flatMap((e) =>
      e.type === 'incident.opened' && e.incident.checkpoint <= minutes ? [e.incident] : [],
    );

  it('stockout: 700 on hand sells out in the first quarter hour, warned before, with no 销量不足 after', () => {
    for (const seed of [1, 2, 3]) {
      const r = run(simulated('stockout'), 'stockout', seed);
      const alerts = [...r.state.alerts.values()];
      const low = alerts.find((a) => a.kind === 'low-stock')!;
      const out = alerts.filter((a) => a.kind === 'sold-out');
      expect(out, `seed ${seed}`).toHaveLength(1);
      expect(out[0]!.checkpoint).toBeGreaterThanOrEqual(10);
      expect(out[0]!.checkpoint).toBeLessThanOrEqual(16);
      expect(low.checkpoint).toBeLessThan(out[0]!.checkpoint);
      const salesUnder = alerts.filter(
        (a) =>
          a.kind === 'breach' &&
          a.direction === 'under' &&
          a.metric !== 'uv' &&
          a.checkpoint > out[0]!.checkpoint,
      );
      expect(salesUnder).toEqual([]);
    }
  });

  it('traffic-shortfall: at most one incident per cause in the first hour, traffic’s owned by 推广主管', () => {
    for (const seed of [1, 2, 3, 4]) {
      const r = run(simulated('traffic-shortfall'), 'traffic-shortfall', seed);
      const opened = incidentsIn(r, 60);
      const causes = opened.map((i) => i.cause ?? i.key);
      expect(new Set(causes).size, `seed ${seed}: ${causes.join()}`).toBe(causes.length);
      const traffic = [...r.state.incidents.values()].find((i) => i.key === 'traffic-under')!;
      expect(traffic.owner).toBe('推广主管');
      const early = r.events.filter((e) => e.type === 'alert.raised' && e.alert.checkpoint <= 60).length;
      expect(early).toBeGreaterThan(opened.length);
    }
  });

  it('conversion-drop: the sales miss is put down to conversion, and the orders left unpaid raise 待付款', () => {
    const r = run(simulated('conversion-drop'), 'conversion-drop', 5);
    const incidents = [...r.state.incidents.values()];
    expect(incidents.some((i) => i.key === 'conversion-under' && i.owner === '运营主管')).toBe(true);
    expect(incidents.some((i) => i.key === 'unpaid' && i.owner === '客服主管')).toBe(true);
    expect(incidents.some((i) => i.key === 'traffic-under')).toBe(false);
  });

  it('with a preheat, the simulated launch plays it first: favourites and add-to-cart, no sales', () => {
    const launch = simulated('on-plan', { preheatMinutes: 90 });
    const r = run(launch, 'on-plan', 2);
    const preheat = [...r.state.readings.values()].filter((x) => x.minute < 0);
    expect(preheat).toHaveLength(90);
    expect(preheat.every((x) => x.units === 0 && x.gmv === 0)).toBe(true);
    expect(preheat.reduce((a, x) => a + x.fav, 0)).toBeGreaterThan(0);
    expect(r.state.checkpoints.get(-60)?.metrics.map((m) => m.metric)).toEqual(['pv', 'fav', 'cart']);
    expect([...r.state.alerts.values()].filter((a) => a.checkpoint < 0)).toEqual([]);
  });
});
