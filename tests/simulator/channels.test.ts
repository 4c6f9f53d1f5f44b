/**
 * The channel scenarios through the real engine, as the simulation runner feeds a launch: paid
 * traffic under-delivering (直通车 40% short) and spend running over its budgets.
 */
import { describe, expect, it } from 'vitest';
import {
  type Launch,
  type LaunchEventBody,
  type LaunchState,
  type Reading,
  type Scenario,
  MINUTE_MS,
  incidentId,
  initialState,
  toMicro,
} from '@warroom/shared';
import { createLaunch, ingest, tick } from '../../server/src/engine/index';
import { planDeliveries } from '../../server/src/simulator/scenarios';
import { simulatedLaunchInput, simulationStartMs } from '../../server/src/simulator/manager';

const START_MS = Date.parse('2026-11-11T10:00:00+08:00');

function launchFor(scenario: Scenario): Launch {
  const created = createLaunch(simulatedLaunchInput(scenario, START_MS), 'sim', START_MS, 'simulated');
  return { ...created, createdAt: new Date(simulationStartMs(created)).toISOString() };
}

function run(
  scenario: Scenario,
  seed: number,
): { state: LaunchState; readings: Reading[]; events: LaunchEventBody[] } {
  const launch = launchFor(scenario);
  const state = initialState(launch);
  const events: LaunchEventBody[] = [];
  const readings: Reading[] = [];
  for (const d of planDeliveries(launch, scenario, seed)) {
    const now = state.startMs + d.sendAtMs;
    events.push(...tick(state, now));
    events.push(
      ...ingest(
        state,
        d.readings.map((reading, index) => ({ index, reading })),
        now,
      ).events,
    );
    readings.push(...(d.readings as Reading[]));
  }
  events.push(...tick(state, state.startMs + (launch.durationMinutes + 2) * MINUTE_MS));
  return { state, readings, events };
}

describe('paid-shortfall: 直通车 40% short', () => {
  for (const seed of [1, 2, 3]) {
    it(`names 直通车 in the traffic alert and its plan (seed ${seed})`, () => {
      const { state } = run('paid-shortfall', seed);
      const t15 = state.checkpoints.get(15)!;
      const ztc = t15.channels!.find((c) => c.channel === 'ztc')!;
      expect(ztc.breach).toBe('under');
      expect(ztc.deviation!).toBeLessThan(-0.3);
      expect(ztc.deviation!).toBeGreaterThan(-0.5);
      const alert = state.alerts.get('sim-t15-channel-ztc')!;
      expect(alert).toMatchObject({
        kind: 'breach',
        channel: 'ztc',
        owner: '推广主管',
        shortChannels: ['ztc'],
      });
      expect(alert.plan.title).toContain('直通车');
      expect(alert.plan.owners[0]!.actions[0]).toBe('直通车加价/放开限额');
      // The other channels are on plan: only 直通车 is named.
      for (const c of t15.channels!.filter((x) => x.channel !== 'ztc')) expect(c.breach).toBeNull();
      const incident = state.incidents.get(incidentId('sim', 'traffic-under'))!;
      expect(incident.shortChannels).toEqual(['ztc']);
      // Within its budgets: no budget alert.
      expect([...state.alerts.values()].filter((a) => a.kind === 'budget')).toEqual([]);
    });
  }
});

describe('overspend: spend runs over the budgets', () => {
  for (const seed of [1, 2, 3]) {
    it(`raises the 直通车 overrun at its crossing minute, to 电商经理 (seed ${seed})`, () => {
      const { state, readings } = run('overspend', seed);
      // The crossing minute from the readings themselves: the first minute the cumulative 直通车
      // spend is strictly over ¥12,000.
      let spent = 0n;
      let crossing = -1;
      for (const r of [...readings].sort((a, b) => a.minute - b.minute)) {
        spent += toMicro(r.channels?.ztc?.spend ?? 0);
        if (spent > toMicro(12_000)) {
          crossing = r.minute;
          break;
        }
      }
      expect(crossing).toBeGreaterThan(0);
      const alert = state.alerts.get('sim-budget-ztc-crossed')!;
      expect(alert).toMatchObject({
        kind: 'budget',
        checkpoint: crossing,
        owner: '电商经理',
        severity: 'critical',
        budget: { scope: 'ztc', budget: 12_000, crossing: 'crossed', minute: crossing },
      });
      // Raised as the crossing minute's reading arrived (sent just after the minute ends).
      const raisedMinute = Math.floor((Date.parse(alert.raisedAt) - state.startMs) / MINUTE_MS);
      expect(raisedMinute).toBe(crossing + 1);
      // The projection came first, once.
      const projected = state.alerts.get('sim-budget-ztc-projected')!;
      expect(projected.checkpoint).toBeLessThan(crossing);
      expect(projected.checkpoint).toBeGreaterThanOrEqual(crossing - 31);
      expect(projected.owner).toBe('电商经理');
      const incident = state.incidents.get(incidentId('sim', 'budget'))!;
      expect(incident).toMatchObject({ kind: 'budget', owner: '电商经理', severity: 'critical' });
    });
  }
});
