/**
 * What really happens on launch day: why a miss happened (the funnel behind GMV), sell-outs,
 * unpaid orders, and incidents instead of alert floods — each on hand-computed data, with the
 * values exactly at each threshold staying inside.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { escalationDueMs, incidentId, stockCoverShort } from '@warroom/shared';
import { acknowledgeIncidentCommand, funnel } from '../../server/src/engine/index';
import { recordedLaunch } from '../replay/record';
import { PLAN, WarRoom, clock, makeLaunch, reading, readings, steadyForecast } from './helpers';

describe('the funnel behind GMV: (1+g) = (1+u)(1+c)(1+a)', () => {
  const positive = fc.bigInt({ min: 1n, max: 10n ** 15n });

  it('the three factors multiply back to the GMV deviation exactly', () => {
    fc.assert(
      fc.property(positive, positive, positive, positive, positive, positive, (U, U1, O, O1, G, G1) => {
        const f = funnel({ uv: U, orders: O, gmv: G }, { uv: U1, orders: O1, gmv: G1 })!;
        const num = f.traffic.num * f.conversion.num * f.orderValue.num;
        const den = f.traffic.den * f.conversion.den * f.orderValue.den;
        expect(num * f.gmv.den).toBe(den * f.gmv.num);
      }),
      { numRuns: 500 },
    );
  });

  it('is not computed without a plan or without sales to divide by', () => {
    expect(funnel({ uv: 10n, orders: 0n, gmv: 0n }, { uv: 10n, orders: 2n, gmv: 5n })).toBeNull();
    expect(funnel({ uv: 10n, orders: 1n, gmv: 5n }, { uv: 0n, orders: 2n, gmv: 5n })).toBeNull();
  });

  it('without paid buyers it has two factors, visitors and GMV per visitor, still multiplying back exactly', () => {
    const f = funnel({ uv: 700n, orders: 0n, gmv: 7000n }, { uv: 1000n, orders: 0n, gmv: 10_000n })!;
    expect(f.withoutBuyers).toBe(true);
    expect(f.traffic.num * f.conversion.num * f.gmv.den).toBe(f.traffic.den * f.conversion.den * f.gmv.num);
    expect(f.orderValue).toEqual({ num: 1n, den: 1n });
  });

  /**
   * Plan per minute: 100 visitors, 4 buyers, ¥400. Minutes 0–14: 66 visitors, and 3 buyers paying
   * ¥300 in 14 of them: visitors 990 of 1500 (−34%), conversion (42/990)/(60/1500) = 1.0606… (+6.1%),
   * order value (4200/42)/(6000/60) = 1 (±0%), GMV 4200 of 6000 (−30%) = 0.66 × 1.0606… × 1.
   */
  function trafficShortfall() {
    const room = new WarRoom(
      makeLaunch({
        checkpoints: [15],
        forecast: steadyForecast(60, { uv: 100, orders: 4, units: 4, gmv: 400 }),
      }),
    );
    const sales = (m: number) =>
      m < 14 ? { orders: 3, units: 3, gmv: 300 } : { orders: 0, units: 0, gmv: 0 };
    room.send(
      Array.from({ length: 15 }, (_, m) => reading(m, { uv: 66, ...sales(m) })),
      clock(15),
    );
    return room;
  }

  it('names traffic as the cause of a sales miss when visitors are what is short', () => {
    const room = trafficShortfall();
    const d = room.checkpoint(15)!.diagnosis!;
    expect(d.cause).toBe('traffic');
    expect(d.gmv).toBeCloseTo(-0.3, 12);
    expect(d.factors.traffic).toBeCloseTo(-0.34, 12);
    expect(d.factors.conversion).toBeCloseTo(63_000 / 59_400 - 1, 12);
    expect(d.factors.orderValue).toBe(0);
    expect(d.shares!.traffic + d.shares!.conversion + d.shares!.orderValue).toBeCloseTo(1, 9);
  });

  it('routes the sales breaches to the cause’s owner and plan: one incident for 推广主管', () => {
    const room = trafficShortfall();
    const alerts = room.alerts().filter((a) => a.kind === 'breach');
    expect(alerts.map((a) => a.metric).sort()).toEqual(['gmv', 'units', 'uv']);
    for (const a of alerts) {
      expect(a).toMatchObject({
        owner: '推广主管',
        plan: { title: '流量不足' },
        incidentId: incidentId('launch-1', 'traffic-under'),
      });
    }
    expect(room.alert(15, 'gmv')!.diagnosis).toMatchObject({ cause: 'traffic' });
    expect(room.state.incidents.size).toBe(1);
  });

  it('names conversion when visitors are on plan and fewer of them buy', () => {
    const room = new WarRoom(
      makeLaunch({
        checkpoints: [15],
        forecast: steadyForecast(60, { uv: 100, orders: 4, units: 4, gmv: 400 }),
      }),
    );
    room.send(readings(0, 15, { uv: 100, orders: 2, units: 2, gmv: 200 }), clock(15));
    expect(room.checkpoint(15)!.diagnosis!.cause).toBe('conversion');
    expect(room.alert(15, 'gmv')).toMatchObject({ owner: '运营主管', plan: { title: '转化不足' } });
    expect([...room.state.incidents.keys()]).toEqual([incidentId('launch-1', 'conversion-under')]);
  });
});

describe('conversion and order value as compared metrics', () => {
  const launch = () =>
    makeLaunch({
      checkpoints: [15],
      metrics: ['conversion', 'orderValue'],
      forecast: steadyForecast(60, { uv: 100, orders: 5, units: 5, gmv: 500 }),
    });

  it('exactly 20% under on conversion is inside; a hair more is a breach', () => {
    const inside = new WarRoom(launch());
    inside.send(readings(0, 15, { uv: 100, orders: 4, units: 4, gmv: 400 }), clock(15)); // 4% vs 5%
    expect(inside.metric(15, 'conversion')).toMatchObject({ deviation: -0.2, breach: null });
    const beyond = new WarRoom(launch());
    beyond.send(
      [
        ...readings(0, 14, { uv: 100, orders: 4, units: 4, gmv: 400 }),
        reading(14, { uv: 101, orders: 4, units: 4, gmv: 400 }),
      ],
      clock(15),
    );
    expect(beyond.metric(15, 'conversion').breach).toBe('under');
  });

  it('order value is GMV per paid buyer, compared exactly', () => {
    const room = new WarRoom(launch());
    room.send(readings(0, 15, { uv: 100, orders: 5, units: 5, gmv: 600 }), clock(15)); // ¥120 vs ¥100
    expect(room.metric(15, 'orderValue')).toMatchObject({
      actual: 120,
      forecast: 100,
      deviation: 0.2,
      breach: null,
    });
  });
});

describe('stock: low, sold out, and no shortfall after a sell-out', () => {
  it('warns at set-up when stock is under three times the planned units', () => {
    expect(stockCoverShort(makeLaunch({ stock: 1_799 }))).toEqual({ stock: 1_799, planned: 600 });
    expect(stockCoverShort(makeLaunch({ stock: 1_800 }))).toBeNull();
    expect(stockCoverShort(makeLaunch())).toBeNull();
  });

  /**
   * Plan: 10 units a minute for 60 minutes; stock 1000. On plan for minutes 0–9, then 30 a minute.
   * At minute 14: sold 250 against 150 planned (pace 5/3), the rest planned 450 → projected
   * 250 + 750 = 1000: exactly the stock, inside. At minute 15: sold 280 against 160 (pace 7/4),
   * the rest 440 → 280 + 770 = 1050 > 1000: low. It runs out where 280 + 17.5·k ≥ 1000, k = 42:
   * minute 57.
   */
  it('raises low-stock at the minute the projection first says the stock runs out before the end', () => {
    const room = new WarRoom(makeLaunch({ stock: 1000, checkpoints: [15, 25] }));
    const units = (m: number) => (m < 10 ? 10 : 30);
    for (let m = 0; m <= 14; m++) room.send(reading(m, { ...PLAN, units: units(m) }), clock(m + 1));
    expect(room.state.alerts.get('launch-1-stock-low')).toBeUndefined();
    room.send(reading(15, { ...PLAN, units: 30 }), clock(16));
    expect(room.state.alerts.get('launch-1-stock-low')).toMatchObject({
      kind: 'low-stock',
      checkpoint: 15,
      status: 'open',
      owner: '运营主管',
      plan: { title: '库存预警' },
      stock: { remaining: 720, sellOutMinute: 57 },
    });
    expect(room.state.incidents.get(incidentId('launch-1', 'stock'))).toMatchObject({
      status: 'open',
      severity: 'warning',
    });
  });

  /** Stock 100, selling 20 a minute from 开团: gone in minute 4 (5 × 20). */
  function soldOut() {
    const room = new WarRoom(makeLaunch({ stock: 100, checkpoints: [15, 25, 45] }));
    for (let m = 0; m < 45; m++)
      room.send(reading(m, { uv: 100, units: m < 5 ? 20 : 0, gmv: m < 5 ? 2000 : 0 }), clock(m + 1));
    room.tick(clock(46));
    return room;
  }

  it('raises exactly one sold-out alert, at the minute it ran out, and makes the stock story critical', () => {
    const room = soldOut();
    const out = room.alerts().filter((a) => a.kind === 'sold-out');
    expect(out).toHaveLength(1);
    expect(out[0]).toMatchObject({
      checkpoint: 4,
      severity: 'critical',
      stock: { remaining: 0, sellOutMinute: 4 },
      plan: { title: '已售罄' },
    });
    const stock = room.state.incidents.get(incidentId('launch-1', 'stock'))!;
    expect(stock).toMatchObject({ severity: 'critical', status: 'open' });
    // Nobody acknowledged it: by 10:46 it went to 电商经理 too.
    expect(stock.history.map((h) => h.type)).toEqual(['opened', 'worsened', 'escalated']);
  });

  it('raises no sales shortfall after the sell-out: the checkpoints record 售罄 instead', () => {
    const room = soldOut();
    for (const t of [15, 25, 45]) {
      const result = room.checkpoint(t)!;
      expect(result.soldOutMinute).toBe(4);
      for (const m of result.metrics.filter((c) => c.metric !== 'uv'))
        expect(m).toMatchObject({ breach: null, suppressed: 'sold-out' });
      expect(result.metrics.find((c) => c.metric === 'units')!.deviation!).toBeLessThan(-0.2);
    }
    expect(room.alerts().filter((a) => a.kind === 'breach')).toEqual([]);
  });

  it('after a sell-out, traffic off plan takes the related-items plan (关联销售 / 引流到关联款)', () => {
    const room = new WarRoom(makeLaunch({ stock: 100, checkpoints: [15] }));
    room.send(
      Array.from({ length: 15 }, (_, m) => reading(m, { uv: 50, units: m < 5 ? 20 : 0, gmv: 0 })),
      clock(15),
    );
    expect(room.alert(15, 'uv')).toMatchObject({
      plan: { title: '售罄后流量 · 关联销售' },
      owner: '推广主管',
    });
  });
});

describe('orders placed and not yet paid (待付款)', () => {
  /**
   * 10 orders placed a minute (¥100 each), 7 paid the same minute: 3 in 10 wait — a share of exactly
   * 0.3, inside. Minute 12 pays only 6: 40 of the 130 placed wait (0.307…), strictly more: unpaid.
   * The oldest waiting orders were placed in minute 0, so they close at minute 30 unless paid.
   */
  const minute = (m: number, paid = 7) =>
    reading(m, { uv: 100, orders: paid, units: paid, gmv: paid * 100, placedOrders: 10, placedGmv: 1000 });

  it('raises the unpaid alert when the share waiting passes the threshold, not at it', () => {
    const room = new WarRoom(makeLaunch({ checkpoints: [15] }));
    for (let m = 0; m < 12; m++) room.send(minute(m), clock(m + 1));
    expect(room.state.alerts.get('launch-1-unpaid')).toBeUndefined();
    room.send(minute(12, 6), clock(13));
    expect(room.state.alerts.get('launch-1-unpaid')).toMatchObject({
      kind: 'unpaid',
      checkpoint: 12,
      owner: '客服主管',
      plan: { title: '待付款过多' },
      unpaid: { orders: 40, amount: 4000, share: 40 / 130, expiresAt: '2026-11-11T10:30:00+08:00' },
    });
  });

  it('an amount limit: exactly at it is inside, beyond it is unpaid', () => {
    const room = new WarRoom(makeLaunch({ checkpoints: [15], unpaidAlert: { share: null, amount: 4000 } }));
    for (let m = 0; m < 12; m++) room.send(minute(m), clock(m + 1));
    room.send(minute(12, 6), clock(13)); // ¥4,000 waiting: at the limit
    expect(room.state.alerts.get('launch-1-unpaid')).toBeUndefined();
    room.send(minute(13), clock(14)); // ¥4,300
    expect(room.state.alerts.get('launch-1-unpaid')).toMatchObject({ unpaid: { amount: 4300 } });
  });

  it('orders placed before the window and never paid have closed; the window slides', () => {
    const room = new WarRoom(makeLaunch({ checkpoints: [15], unpaidAlert: { share: 0.5 } }));
    for (let m = 0; m < 35; m++) room.send(minute(m), clock(m + 1));
    const ledger = room.state.sums.payments!.status()!;
    // The window is minutes 5–34: 300 placed, 210 paid, 90 waiting; minutes 0–4 closed 15 unpaid.
    expect(ledger).toMatchObject({
      asOfMinute: 34,
      orders: 90,
      placedInWindow: 300,
      share: 0.3,
      closedOrders: 15,
      closedAmount: 1500,
      expiresAtMinute: 35,
    });
  });

  it('payment rate (paid per placed order) is a compared metric', () => {
    const room = new WarRoom(
      makeLaunch({
        checkpoints: [15],
        metrics: ['payRate'],
        forecast: steadyForecast(60, { uv: 100, orders: 9, placedOrders: 10 }),
      }),
    );
    for (let m = 0; m < 15; m++) room.send(minute(m), clock(m + 1));
    expect(room.metric(15, 'payRate')).toMatchObject({ actual: 0.7, forecast: 0.9, breach: 'under' });
    expect(room.alert(15, 'payRate')).toMatchObject({ owner: '客服主管', plan: { title: '支付率偏低' } });
  });
});

describe('incidents: one story handled once', () => {
  it('a simulated traffic shortfall opens at most one incident per cause in its first 60 minutes', () => {
    const { events } = recordedLaunch({
      scenario: 'traffic-shortfall',
      seed: 7,
      durationMinutes: 60,
      overrides: { checkpoints: [5, 15, 25, 45, 60] },
    });
    const opened = events.flatMap((e) => (e.type === 'incident.opened' ? [e.incident] : []));
    const byCause = new Map<string, number>();
    for (const i of opened) byCause.set(i.cause ?? i.key, (byCause.get(i.cause ?? i.key) ?? 0) + 1);
    for (const [cause, n] of byCause) expect(n, cause).toBe(1);
    const raised = events.filter((e) => e.type === 'alert.raised').length;
    expect(raised).toBeGreaterThan(opened.length * 3);
    // Every checkpoint's evaluation is in the log and in the traffic incident's history.
    const traffic = events
      .filter((e) => e.type.startsWith('incident.') && 'incident' in e && e.incident.key === 'traffic-under')
      .at(-1);
    expect(traffic && 'incident' in traffic && traffic.incident.evaluations.map((x) => x.checkpoint)).toEqual(
      [5, 15, 25, 45, 60],
    );
    // Each look names its lead metric, the one its deviation is of: GMV leads a sales story, and at
    // T+5 (favourites, carts and units only) the metric furthest off.
    const looks = traffic && 'incident' in traffic ? traffic.incident.evaluations : [];
    for (const look of looks) {
      const lead = look.metrics.find((m) => m.metric === look.metric);
      expect(lead?.deviation, `T+${look.checkpoint}`).toBe(look.deviation);
      if (look.metrics.some((m) => m.metric === 'gmv')) expect(look.metric).toBe('gmv');
      else
        for (const m of look.metrics)
          expect(Math.abs(m.deviation ?? 0)).toBeLessThanOrEqual(Math.abs(look.deviation ?? 0));
    }
    expect(looks.map((l) => l.metric).slice(1)).toEqual(['gmv', 'gmv', 'gmv', 'gmv']);
    expect(
      events
        .filter((e) => e.type === 'checkpoint.evaluated')
        .map((e) => e.type === 'checkpoint.evaluated' && e.result.checkpoint),
    ).toEqual(expect.arrayContaining([5, 15, 25, 45, 60]));
  });

  /** uv 55/min to T+15: −45%, critical. T+25 at 875 of 2500 is −65%: exactly a tolerance step further. */
  function criticalAt15() {
    const room = new WarRoom(makeLaunch({ checkpoints: [15, 25] }));
    room.send(readings(0, 15, { ...PLAN, uv: 55 }), clock(15));
    acknowledgeIncident(room, 'traffic-under', clock(16));
    return room;
  }
  function acknowledgeIncident(room: WarRoom, key: string, at: number) {
    const done = acknowledgeIncidentCommand(
      room.state,
      incidentId('launch-1', key),
      { by: '李推广', action: '直通车加价' },
      at,
    );
    if (done.ok) room.log.push(...done.events);
    return done;
  }

  it('acknowledging an incident acknowledges its alerts; later ones of the same story join it quietly', () => {
    const room = criticalAt15();
    expect(room.alert(15, 'uv')).toMatchObject({
      status: 'acknowledged',
      ackedBy: '李推广',
      action: '直通车加价',
    });
    room.send(readings(15, 25, { ...PLAN, uv: 5 }), clock(25));
    const incident = room.state.incidents.get(incidentId('launch-1', 'traffic-under'))!;
    expect(incident).toMatchObject({ status: 'acknowledged', checkpoint: 25, alertCount: 2 });
    expect(incident.deviation).toBeCloseTo(-0.65, 12);
    expect(room.alert(25, 'uv')).toMatchObject({ status: 'acknowledged', ackedBy: '李推广' });
    expect(incident.evaluations.map((e) => e.checkpoint)).toEqual([15, 25]);
  });

  it('re-opens only when materially worse: strictly more than another tolerance step', () => {
    const room = criticalAt15();
    // 874 of 2500: −65.04%.
    room.send([...readings(15, 24, { ...PLAN, uv: 5 }), reading(24, { ...PLAN, uv: 4 })], clock(25));
    const incident = room.state.incidents.get(incidentId('launch-1', 'traffic-under'))!;
    expect(incident.status).toBe('open');
    expect(incident.history.map((h) => h.type)).toEqual(['opened', 'acknowledged', 'worsened']);
    expect(room.alert(25, 'uv')!.status).toBe('open');
    expect(room.alert(15, 'uv')!.status).toBe('acknowledged');
  });

  it('escalates once, with its open alerts, and resolves when a later checkpoint shows the story over', () => {
    const room = new WarRoom(makeLaunch({ checkpoints: [15, 25] }));
    room.send(readings(0, 15, { ...PLAN, uv: 60 }), clock(15));
    const escalated = room.tick(clock(20));
    expect(escalated.map((e) => e.type)).toEqual([
      'alert.escalated',
      'incident.escalated',
      'notification.due',
    ]);
    expect(room.tick(clock(21))).toEqual([]);
    room.send(readings(15, 25, { ...PLAN, uv: 200 }), clock(25)); // 2900 of 2500: inside again
    expect(room.state.incidents.get(incidentId('launch-1', 'traffic-under'))).toMatchObject({
      status: 'resolved',
    });
  });

  it('a later alert of an incident already with the manager is escalated with it, not counting down again', () => {
    const room = new WarRoom(makeLaunch({ checkpoints: [15, 25, 45] }));
    room.send(readings(0, 15, { ...PLAN, uv: 60 }), clock(15)); // −40%: critical
    room.tick(clock(20)); // nobody on it: it goes to the manager
    const id = incidentId('launch-1', 'traffic-under');
    expect(room.state.incidents.get(id)).toMatchObject({ status: 'open', escalated: true });
    // T+25: the same story, no worse (−40% again): its alert joins the escalated incident.
    room.send(readings(15, 25, { ...PLAN, uv: 60 }), clock(25));
    expect(room.state.incidents.get(id)).toMatchObject({ status: 'open', escalated: true });
    const joined = room.alert(25, 'uv')!;
    expect(joined).toMatchObject({
      status: 'open',
      escalated: true,
      escalatedAt: joined.raisedAt,
      escalatedTo: '电商经理',
    });
    expect(joined.history.map((h) => h.type)).toEqual(['raised', 'escalated']);
    expect(escalationDueMs(room.state, joined)).toBeNull();
    // The fold of the log gives the same alert.
    expect(room.replay().alerts.get(joined.id)).toEqual(joined);
    // Acknowledged, the next one joins acknowledged and not escalated.
    room.ack(joined.id, '王经理', clock(26));
    room.send(readings(25, 45, { ...PLAN, uv: 60 }), clock(45));
    expect(room.alert(45, 'uv')).toMatchObject({
      status: 'acknowledged',
      escalated: false,
      ackedBy: '王经理',
    });
  });

  it('an alert raised as its escalated incident worsens counts down anew with it', () => {
    const room = new WarRoom(makeLaunch({ checkpoints: [15, 25] }));
    room.send(readings(0, 15, { ...PLAN, uv: 75 }), clock(15)); // −25%: warning
    room.tick(clock(20));
    const id = incidentId('launch-1', 'traffic-under');
    expect(room.state.incidents.get(id)).toMatchObject({ escalated: true });
    // 1125 + 10 × 20 = 1325 of 2500: −47%, critical: worse, told anew, escalation anew.
    room.send(readings(15, 25, { ...PLAN, uv: 20 }), clock(25));
    expect(room.state.incidents.get(id)).toMatchObject({ status: 'open', escalated: false });
    const fresh = room.alert(25, 'uv')!;
    expect(fresh).toMatchObject({ status: 'open', escalated: false, severity: 'critical' });
    expect(escalationDueMs(room.state, fresh)).toBeGreaterThan(clock(25));
  });
});
