/**
 * The simulator's launch-day scenarios (issue 12) show what the room must see — the sell-out and no
 * sales shortfall after it, the funnel behind a miss, one incident per story with every
 * checkpoint's look at it, orders left unpaid — and a replay and a what-if of the recorded launch
 * evaluate it the same way: the same engine, the same checkpoints, alerts, incidents and review.
 */
import { describe, expect, it } from 'vitest';
import { type LaunchState, type Scenario, foldLog } from '@warroom/shared';
import { TimelineRun, sourceFrom } from '../../server/src/replay/timeline';
import { whatIf } from '../../server/src/replay/whatif';
import { review } from '../../server/src/review/review';
import { recordedLaunch } from './record';

/** What the room sees of a launch's evaluation: checkpoints, alerts and incidents, ordered. */
function evaluation(state: LaunchState) {
  return {
    checkpoints: [...state.checkpoints.values()].sort((a, b) => a.checkpoint - b.checkpoint),
    alerts: [...state.alerts.values()]
      .sort((a, b) => a.id.localeCompare(b.id))
      .map((a) => ({
        id: a.id,
        kind: a.kind,
        metric: a.metric,
        severity: a.severity,
        deviation: a.deviation,
        owner: a.owner,
        incidentId: a.incidentId,
        diagnosis: a.diagnosis,
        stock: a.stock,
        unpaid: a.unpaid,
        raisedAt: a.raisedAt,
      })),
    incidents: [...state.incidents.values()]
      .sort((a, b) => a.id.localeCompare(b.id))
      .map((i) => ({ id: i.id, cause: i.cause, owner: i.owner, evaluations: i.evaluations })),
  };
}

function recorded(scenario: Scenario, overrides: Record<string, unknown> = {}) {
  const { events } = recordedLaunch({ scenario, seed: 4, durationMinutes: 120, overrides });
  const original = foldLog(events);
  const src = sourceFrom(events);
  const replay = new TimelineRun(src);
  replay.advanceTo(src.endMs);
  return { events, original, src, replay: replay.state };
}

describe('launch day in the simulated scenarios, live, replayed and in a what-if', () => {
  const cases = [
    ['stockout', { stock: 700 }],
    ['traffic-shortfall', {}],
    ['conversion-drop', {}],
  ] as const;

  for (const [scenario, overrides] of cases) {
    it(`${scenario}: a replay and an unchanged what-if evaluate it exactly as it was`, () => {
      const { original, src, replay } = recorded(scenario, overrides);
      expect(evaluation(replay)).toEqual(evaluation(original));
      const endMs = src.endMs;
      expect(review(replay, endMs)).toEqual(review(original, endMs));
      const w = whatIf(src, original.alerts.values(), {}, undefined);
      expect(w.added).toEqual([]);
      expect(w.removed).toEqual([]);
      expect(w.checkpoints).toEqual(evaluation(original).checkpoints);
    });
  }

  it('stockout: 700 sell out once, the checkpoints after it record 售罄, the review says when', () => {
    const { original, src } = recorded('stockout', { stock: 700 });
    const soldOut = [...original.alerts.values()].filter((a) => a.kind === 'sold-out');
    expect(soldOut).toHaveLength(1);
    const minute = soldOut[0]!.stock!.sellOutMinute!;
    const after = [...original.checkpoints.values()].filter((c) => c.checkpoint > minute + 1);
    expect(after.length).toBeGreaterThan(0);
    for (const c of after) {
      expect(c.soldOutMinute).toBe(minute);
      // Sales under plan after the sell-out are recorded as 售罄, never raised.
      for (const m of c.metrics.filter((x) => x.metric !== 'uv'))
        expect(m.breach, `T+${c.checkpoint} ${m.metric}`).not.toBe('under');
    }
    expect(after.some((c) => c.metrics.some((m) => m.suppressed === 'sold-out'))).toBe(true);
    const r = review(original, src.endMs);
    expect(r.stock).toMatchObject({ stock: 700, remaining: 0, soldOutMinute: minute });
    expect(r.incidents.find((i) => i.key === 'stock')?.severity).toBe('critical');
  });

  it('traffic-shortfall: the sales miss is put down to traffic, one story with every checkpoint in it', () => {
    const { original, src } = recorded('traffic-shortfall');
    const traffic = [...original.incidents.values()].find((i) => i.key === 'traffic-under')!;
    expect(traffic.owner).toBe('推广主管');
    expect(traffic.evaluations.map((e) => e.checkpoint)).toEqual(
      [...original.checkpoints.keys()].filter((t) => traffic.evaluations.some((e) => e.checkpoint === t)),
    );
    expect(traffic.evaluations.length).toBeGreaterThanOrEqual(4);
    const sales = [...original.alerts.values()].filter((a) => a.metric === 'gmv' && a.diagnosis);
    expect(sales.length).toBeGreaterThan(0);
    for (const a of sales) expect(a.diagnosis!.cause).toBe('traffic');
    const r = review(original, src.endMs);
    expect(r.funnel?.cause).toBe('traffic');
    // Every breach of the story is in the review's checkpoint list, with its incident.
    const rows = r.checkpoints.filter((c) => c.incidentId === traffic.id);
    expect(new Set(rows.map((c) => c.checkpoint))).toEqual(
      new Set(traffic.evaluations.filter((e) => e.severity !== null).map((e) => e.checkpoint)),
    );
    expect(r.buyers?.newBuyers).toBeGreaterThan(0);
  });

  it('conversion-drop: the miss is put down to conversion, and the orders left unpaid close', () => {
    const { original, src } = recorded('conversion-drop');
    const sales = [...original.alerts.values()].filter((a) => a.metric === 'gmv' && a.diagnosis);
    expect(sales.length).toBeGreaterThan(0);
    for (const a of sales) expect(a.diagnosis!.cause).toBe('conversion');
    expect([...original.alerts.values()].some((a) => a.kind === 'unpaid')).toBe(true);
    const r = review(original, src.endMs);
    expect(r.orders!.closedOrders).toBeGreaterThan(0);
    expect(r.orders!.payRate!).toBeLessThan(1);
    expect(r.incidents.find((i) => i.key === 'unpaid')?.owner).toBe('客服主管');
  });
});
