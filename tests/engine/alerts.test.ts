import { describe, expect, it } from 'vitest';
import { PLAN, WarRoom, alertKey, clock, makeLaunch, reading, readings, alertTypes } from './helpers';

/** Minutes 0..14 with this many visitors a minute (plan 100), units and gmv on plan. */
function trafficAt15(uvPerMinute: number, launch = makeLaunch()) {
  const room = new WarRoom(launch);
  room.send(readings(0, 15, { ...PLAN, uv: uvPerMinute }), clock(15));
  return room;
}

describe('raising a breach alert', () => {
  it('a traffic shortfall at 开团 + 15 raises one open alert for 推广主管 with the traffic-under plan', () => {
    const room = new WarRoom();
    const { events } = room.send(readings(0, 15, { ...PLAN, uv: 70 }), clock(15));
    expect(alertTypes(events).slice(-2)).toEqual(['checkpoint.evaluated', 'alert.raised']);
    expect(room.alerts()).toHaveLength(1);
    expect(room.alert(15, 'uv')).toEqual({
      id: 'launch-1-t15-uv',
      launchId: 'launch-1',
      incidentId: 'launch-1-i-traffic-under',
      kind: 'breach',
      checkpoint: 15,
      metric: 'uv',
      direction: 'under',
      severity: 'warning',
      deviation: -0.3,
      actual: 1050,
      forecast: 1500,
      missingMinutes: [],
      plan: {
        metric: 'uv',
        direction: 'under',
        title: '流量不足',
        owners: [
          {
            role: '推广主管',
            actions: ['直通车加价/放开限额', '钻展加投', '短信/旺旺/社群召回老客', '淘客佣金上调'],
          },
        ],
      },
      owner: '推广主管',
      status: 'open',
      raisedAt: '2026-11-11T10:15:00+08:00',
      updatedAt: '2026-11-11T10:15:00+08:00',
      escalated: false,
      escalatedAt: null,
      escalatedTo: null,
      ackedBy: null,
      ackedAt: null,
      action: null,
      note: null,
      history: [{ type: 'raised', at: '2026-11-11T10:15:00+08:00', deviation: -0.3, severity: 'warning' }],
    });
  });

  it('the recorded alert.raised fact carries the same alert the state holds', () => {
    const room = trafficAt15(50);
    const raised = room.log.find((e) => e.type === 'alert.raised');
    expect(raised).toEqual({ type: 'alert.raised', alert: room.alert(15, 'uv') });
  });

  it('a checkpoint on plan raises nothing', () => {
    const room = trafficAt15(100);
    expect(room.checkpoint(15)).toBeDefined();
    expect(room.alerts()).toEqual([]);
  });

  it('one alert per breaching metric, each with its own id', () => {
    const room = new WarRoom();
    room.send(readings(0, 15, { uv: 50, units: 20, gmv: 2000 }), clock(15));
    expect(room.alerts().map((a) => [a.id, a.direction, a.severity])).toEqual([
      ['launch-1-t15-uv', 'under', 'critical'],
      ['launch-1-t15-units', 'over', 'critical'],
      ['launch-1-t15-gmv', 'over', 'critical'],
    ]);
  });
});

describe('the plan an alert carries', () => {
  it.each([
    { metric: 'uv', values: { uv: 50 }, direction: 'under', title: '流量不足', roles: ['推广主管'] },
    {
      metric: 'uv',
      values: { uv: 150 },
      direction: 'over',
      title: '流量超预期',
      roles: ['客服主管', '运营主管'],
    },
    {
      metric: 'units',
      values: { units: 5 },
      direction: 'under',
      title: '销量不足',
      roles: ['运营主管', '美工主管'],
    },
    {
      metric: 'units',
      values: { units: 15 },
      direction: 'over',
      title: '销量超预期',
      roles: ['运营主管', '仓储主管'],
    },
    {
      metric: 'gmv',
      values: { gmv: 500 },
      direction: 'under',
      title: '销量不足',
      roles: ['运营主管', '美工主管'],
    },
    {
      metric: 'gmv',
      values: { gmv: 1500 },
      direction: 'over',
      title: '销量超预期',
      roles: ['运营主管', '仓储主管'],
    },
  ] as const)(
    '$metric $direction: $title, owned by $roles.0',
    ({ metric, values, direction, title, roles }) => {
      const room = new WarRoom();
      room.send(readings(0, 15, { ...PLAN, ...values }), clock(15));
      const alert = room.alert(15, metric)!;
      expect(alert.direction).toBe(direction);
      expect(alert.plan.title).toBe(title);
      expect(alert.plan.owners.map((o) => o.role)).toEqual(roles);
      expect(alert.owner).toBe(roles[0]);
    },
  );

  it('the default plans name the team’s own actions', () => {
    const over = trafficAt15(150).alert(15, 'uv')!;
    expect(over.plan.owners).toEqual([
      { role: '客服主管', actions: ['客服增援', '启用快捷短语'] },
      { role: '运营主管', actions: ['核对库存与限购'] },
    ]);
    const room = new WarRoom();
    room.send(readings(0, 15, { ...PLAN, units: 5, gmv: 1500 }), clock(15));
    expect(room.alert(15, 'units')!.plan.owners).toEqual([
      { role: '运营主管', actions: ['核对价格/链接/页面', '客服催付未付款订单', '发放限时优惠券'] },
      { role: '美工主管', actions: ['调整主图/详情页'] },
    ]);
    expect(room.alert(15, 'gmv')!.plan.owners).toEqual([
      { role: '运营主管', actions: ['库存预警', '补单给生产部'] },
      { role: '仓储主管', actions: ['增加打包人手'] },
    ]);
  });

  it('a launch’s own plan for (uv, under) is used instead of the default; other breaches keep theirs', () => {
    const own = {
      metric: 'uv',
      direction: 'under',
      title: '本场流量预案',
      owners: [{ role: '电商经理', actions: ['直播间口播引流', '加投超级推荐'] }],
    };
    const room = new WarRoom(makeLaunch({ playbook: [own] }));
    room.send(readings(0, 15, { uv: 50, units: 5, gmv: 1000 }), clock(15));
    expect(room.alert(15, 'uv')).toMatchObject({ plan: own, owner: '电商经理' });
    expect(room.alert(15, 'units')).toMatchObject({ owner: '运营主管', plan: { title: '销量不足' } });
  });

  it('a compared metric outside the default three takes the plan of its side (orders → sales)', () => {
    const room = new WarRoom(
      makeLaunch({ metrics: ['orders', 'fav'], forecast: [{ minute: 0, orders: 1, fav: 10 }] }),
    );
    room.send([reading(0, { orders: 3, fav: 1 }), ...readings(1, 15, {})], clock(15));
    expect(room.alert(15, 'orders')).toMatchObject({ direction: 'over', plan: { title: '销量超预期' } });
    expect(room.alert(15, 'fav')).toMatchObject({ direction: 'under', owner: '推广主管' });
  });
});

describe('a late reading revises an evaluated checkpoint', () => {
  it('a late reading for minute 12 revises the 15-minute checkpoint and updates its alert in place', () => {
    const room = trafficAt15(50); // 750 of 1500: −50%, critical
    expect(room.alert(15, 'uv')).toMatchObject({ severity: 'critical', deviation: -0.5 });
    const { events, accepted } = room.send(reading(12, { ...PLAN, uv: 200 }), clock(17));
    expect(accepted).toBe(1);
    expect(alertTypes(events)).toEqual(['reading.ingested', 'checkpoint.evaluated', 'alert.updated']);
    expect(room.checkpoint(15)).toMatchObject({ revision: 2, evaluatedAt: '2026-11-11T10:17:00+08:00' });
    expect(room.alerts()).toHaveLength(1);
    expect(room.alert(15, 'uv')).toMatchObject({
      id: 'launch-1-t15-uv',
      status: 'open',
      severity: 'warning',
      deviation: -0.4,
      actual: 900,
      raisedAt: '2026-11-11T10:15:00+08:00',
      updatedAt: '2026-11-11T10:17:00+08:00',
    });
    expect(room.alert(15, 'uv')!.history.map((h) => h.type)).toEqual(['raised', 'updated']);
  });

  it('the revision reaches every evaluated checkpoint whose window holds the minute, and no other', () => {
    const room = new WarRoom();
    room.send(readings(0, 25, { ...PLAN, uv: 50 }), clock(25));
    expect(room.alerts().map((a) => a.id)).toEqual(['launch-1-t15-uv', 'launch-1-t25-uv']);
    const { events } = room.send(reading(20, { ...PLAN, uv: 60 }), clock(26));
    const revised = events.flatMap((e) => (e.type === 'checkpoint.evaluated' ? [e.result.checkpoint] : []));
    expect(revised).toEqual([25]);
    expect(room.checkpoint(15)?.revision).toBe(1);
    expect(room.alert(25, 'uv')?.actual).toBe(1260);
  });

  it('a breach that disappears is marked cleared, with the numbers that cleared it', () => {
    const room = trafficAt15(70); // −30%
    const { events } = room.send(reading(3, { ...PLAN, uv: 400 }), clock(16)); // +330 → 1380, −8%
    expect(alertTypes(events)).toEqual(['reading.ingested', 'checkpoint.evaluated', 'alert.updated']);
    expect(room.metric(15, 'uv').breach).toBeNull();
    expect(room.alert(15, 'uv')).toMatchObject({
      status: 'cleared',
      deviation: -0.08,
      actual: 1380,
      direction: 'under',
    });
    expect(room.alert(15, 'uv')!.history.map((h) => h.type)).toEqual(['raised', 'cleared']);
  });

  it('a breach that returns reopens the same alert', () => {
    const room = trafficAt15(70);
    room.send(reading(3, { ...PLAN, uv: 400 }), clock(16));
    room.send(reading(3, { ...PLAN, uv: 0 }), clock(17)); // 980: −34.67%
    expect(room.alerts()).toHaveLength(1);
    expect(room.alert(15, 'uv')).toMatchObject({ status: 'open', actual: 980, severity: 'warning' });
    expect(room.alert(15, 'uv')!.history.map((h) => h.type)).toEqual(['raised', 'cleared', 'reopened']);
  });

  it('a breach that turns around from over to under keeps its id and takes the other plan', () => {
    const room = trafficAt15(130);
    expect(room.alert(15, 'uv')).toMatchObject({ direction: 'over', owner: '客服主管' });
    room.send(readings(0, 10, { ...PLAN, uv: 0 }), clock(16)); // 5 × 130 = 650 of 1500
    expect(room.alerts()).toHaveLength(1);
    expect(room.alert(15, 'uv')).toMatchObject({
      direction: 'under',
      severity: 'critical',
      owner: '推广主管',
      plan: { title: '流量不足' },
      status: 'open',
    });
  });

  it('a correction that changes nothing compared (page views only) records the reading and nothing else', () => {
    const room = trafficAt15(70);
    const before = room.alert(15, 'uv');
    const { events } = room.send(reading(3, { ...PLAN, uv: 70, pv: 5000 }), clock(16));
    expect(alertTypes(events)).toEqual(['reading.ingested']);
    expect(room.checkpoint(15)?.revision).toBe(1);
    expect(room.alert(15, 'uv')).toEqual(before);
  });

  it('a cleared alert that stays inside the band is not touched again', () => {
    const room = trafficAt15(70);
    room.send(reading(3, { ...PLAN, uv: 400 }), clock(16));
    const { events } = room.send(reading(4, { ...PLAN, uv: 110 }), clock(17));
    expect(alertTypes(events)).toEqual(['reading.ingested', 'checkpoint.evaluated']);
    expect(room.alert(15, 'uv')!.history.map((h) => h.type)).toEqual(['raised', 'cleared']);
  });

  it('every change stays in the log: raised, updated, cleared, reopened', () => {
    const room = trafficAt15(50);
    room.send(reading(0, { ...PLAN, uv: 200 }), clock(16)); // 900: −40%, warning
    room.send(reading(1, { ...PLAN, uv: 500 }), clock(17)); // 1350: −10%, cleared
    room.send(reading(1, { ...PLAN, uv: 50 }), clock(18)); // back to 900
    const alertFacts = room.log.flatMap((e) =>
      e.type.startsWith('alert.') && 'alert' in e ? [[e.type, e.alert.status, e.alert.actual]] : [],
    );
    expect(alertFacts).toEqual([
      ['alert.raised', 'open', 750],
      ['alert.updated', 'open', 900],
      ['alert.updated', 'cleared', 1350],
      ['alert.updated', 'open', 900],
    ]);
    expect(room.log.filter((e) => e.type === 'checkpoint.evaluated')).toHaveLength(4);
  });
});

describe('later checkpoints', () => {
  it('a new breach at a later checkpoint is a new alert; the earlier one stays as it was', () => {
    const room = trafficAt15(70);
    room.ack(alertKey(15, 'uv'), '李推广', clock(16), '直通车加价');
    room.send(readings(15, 25, { ...PLAN, uv: 70 }), clock(25));
    // The same story, no worse: the new alert joins the incident 李推广 is on, acknowledged with it.
    expect(room.alerts().map((a) => [a.id, a.status, a.ackedBy])).toEqual([
      ['launch-1-t15-uv', 'acknowledged', '李推广'],
      ['launch-1-t25-uv', 'acknowledged', '李推广'],
    ]);
  });

  it('a later breach materially worse than the acknowledged one is a new open alert', () => {
    const room = trafficAt15(70); // −30%
    room.ack(alertKey(15, 'uv'), '李推广', clock(16), '直通车加价');
    room.send(readings(15, 25, { ...PLAN, uv: 30 }), clock(25)); // cumulative −46%: critical
    expect(room.alerts().map((a) => [a.id, a.status])).toEqual([
      ['launch-1-t15-uv', 'acknowledged'],
      ['launch-1-t25-uv', 'open'],
    ]);
  });
});

describe('acknowledgement', () => {
  it('records who acknowledged, when, the action taken and a note', () => {
    const room = trafficAt15(70);
    const outcome = room.ack(alertKey(15, 'uv'), '李推广', clock(16, 30), '直通车加价', '预算 +30%');
    expect(outcome.ok).toBe(true);
    if (!outcome.ok) return;
    expect(alertTypes(outcome.events)).toEqual(['alert.acknowledged']);
    expect(outcome.alert).toMatchObject({
      status: 'acknowledged',
      ackedBy: '李推广',
      ackedAt: '2026-11-11T10:16:30+08:00',
      action: '直通车加价',
      note: '预算 +30%',
      updatedAt: '2026-11-11T10:16:30+08:00',
    });
    expect(outcome.alert.history.at(-1)).toEqual({
      type: 'acknowledged',
      at: '2026-11-11T10:16:30+08:00',
      by: '李推广',
    });
    expect(room.alert(15, 'uv')).toEqual(outcome.alert);
  });

  it('without an action or note both are empty', () => {
    const room = trafficAt15(70);
    const outcome = room.ack(alertKey(15, 'uv'), '李推广', clock(16));
    expect(outcome.ok && outcome.alert).toMatchObject({ action: null, note: null });
  });

  it('the first acknowledgement wins: a second returns the first unchanged and records nothing', () => {
    const room = trafficAt15(70);
    const first = room.ack(alertKey(15, 'uv'), '李推广', clock(16), '直通车加价');
    const logLength = room.log.length;
    const second = room.ack(alertKey(15, 'uv'), '王运营', clock(17), '别的措施', '我也看到了');
    expect(second).toEqual({ ok: true, alert: first.ok && first.alert, events: [] });
    expect(room.log).toHaveLength(logLength);
    expect(room.alert(15, 'uv')).toMatchObject({ ackedBy: '李推广', action: '直通车加价', note: null });
  });

  it('an unknown alert is not found', () => {
    const room = trafficAt15(70);
    expect(room.ack('launch-1-t25-uv', '李推广', clock(16))).toEqual({
      ok: false,
      code: 'not_found',
      message: 'no alert launch-1-t25-uv in this launch',
    });
  });

  it('an acknowledged alert stays acknowledged when a late reading updates it', () => {
    const room = trafficAt15(70);
    room.ack(alertKey(15, 'uv'), '李推广', clock(16));
    room.send(readings(0, 5, { ...PLAN, uv: 30 }), clock(17)); // worse: critical now
    expect(room.alert(15, 'uv')).toMatchObject({
      status: 'acknowledged',
      severity: 'critical',
      ackedBy: '李推广',
    });
  });

  it('an acknowledged alert that clears and comes back is acknowledged again, not reopened to nobody', () => {
    const room = trafficAt15(70);
    room.ack(alertKey(15, 'uv'), '李推广', clock(16));
    room.send(reading(3, { ...PLAN, uv: 400 }), clock(17));
    expect(room.alert(15, 'uv')?.status).toBe('cleared');
    room.send(reading(3, { ...PLAN, uv: 70 }), clock(18));
    expect(room.alert(15, 'uv')).toMatchObject({ status: 'acknowledged', ackedBy: '李推广' });
  });

  it('an acknowledged breach that turns around from over to under opens again for its new owner', () => {
    const room = trafficAt15(130);
    room.ack(alertKey(15, 'uv'), '张客服', clock(16), '客服增援');
    room.send(readings(0, 10, { ...PLAN, uv: 0 }), clock(17)); // now far under plan
    expect(room.alert(15, 'uv')).toMatchObject({
      direction: 'under',
      owner: '推广主管',
      status: 'open',
      ackedBy: null,
      action: null,
    });
    const history = room.alert(15, 'uv')!.history;
    expect(history.map((h) => h.type)).toEqual(['raised', 'acknowledged', 'reopened']);
    expect(history[1]).toMatchObject({ by: '张客服' });
    const again = room.ack(alertKey(15, 'uv'), '李推广', clock(18));
    expect(again.ok && again.alert).toMatchObject({ status: 'acknowledged', ackedBy: '李推广' });
  });

  it('acknowledging an alert that already cleared records who looked but leaves it cleared', () => {
    const room = trafficAt15(70);
    room.send(reading(3, { ...PLAN, uv: 400 }), clock(16));
    const outcome = room.ack(alertKey(15, 'uv'), '李推广', clock(17));
    expect(outcome.ok && outcome.alert).toMatchObject({ status: 'cleared', ackedBy: '李推广' });
  });
});

describe('escalation of alerts left open', () => {
  // A launch with checkpoint 15 only, so ticking far ahead raises no data-gap alerts for later ones.
  const only15 = () => makeLaunch({ checkpoints: [15] });

  it('not before 300 s of launch time; at 300 s it goes to 电商经理, once', () => {
    const room = trafficAt15(70, only15()); // raised at 10:15:00
    expect(room.tick(clock(19, 59))).toEqual([]);
    const events = room.tick(clock(20));
    expect(alertTypes(events)).toEqual(['alert.escalated']);
    expect(room.alert(15, 'uv')).toMatchObject({
      status: 'open',
      escalated: true,
      escalatedAt: '2026-11-11T10:20:00+08:00',
      escalatedTo: '电商经理',
      updatedAt: '2026-11-11T10:20:00+08:00',
    });
    expect(room.alert(15, 'uv')!.history.map((h) => h.type)).toEqual(['raised', 'escalated']);
    expect(room.tick(clock(21))).toEqual([]);
    expect(room.tick(clock(50))).toEqual([]);
  });

  it('counts from when the alert was raised, to the millisecond', () => {
    const room = new WarRoom(only15());
    room.send(readings(0, 15, { ...PLAN, uv: 70 }), clock(14, 59.6)); // raised at 10:14:59.600
    expect(room.alert(15, 'uv')?.raisedAt).toBe('2026-11-11T10:14:59.600+08:00');
    expect(room.tick(clock(14, 59.6) + 299_999)).toEqual([]);
    expect(alertTypes(room.tick(clock(14, 59.6) + 300_000))).toEqual(['alert.escalated']);
  });

  it('a reopened alert gives its owner the full time again, counted from the reopening', () => {
    const room = trafficAt15(70, only15()); // raised at 10:15:00
    room.send(reading(3, { ...PLAN, uv: 400 }), clock(16)); // cleared
    room.send(reading(3, { ...PLAN, uv: 70 }), clock(22)); // reopened at 10:22
    expect(room.tick(clock(26, 59))).toEqual([]);
    expect(alertTypes(room.tick(clock(27)))).toEqual(['alert.escalated']);
  });

  it('an acknowledged alert is never escalated', () => {
    const room = trafficAt15(70, only15());
    room.ack(alertKey(15, 'uv'), '李推广', clock(19));
    expect(room.tick(clock(30))).toEqual([]);
    expect(room.alert(15, 'uv')).toMatchObject({ escalated: false, escalatedTo: null });
  });

  it('a cleared alert is not escalated', () => {
    const room = trafficAt15(70, only15());
    room.send(reading(3, { ...PLAN, uv: 400 }), clock(16));
    expect(room.tick(clock(30))).toEqual([]);
  });

  it('a launch’s own escalateAfterSeconds is used', () => {
    const room = new WarRoom(makeLaunch({ escalateAfterSeconds: 90 }));
    room.send(readings(0, 15, { ...PLAN, uv: 70 }), clock(15));
    expect(room.tick(clock(16, 29))).toEqual([]);
    expect(alertTypes(room.tick(clock(16, 30)))).toEqual(['alert.escalated']);
  });

  it('alerts of one story escalate with their incident, once; another story on its own clock', () => {
    const room = trafficAt15(70, makeLaunch({ checkpoints: [15, 25] }));
    // T+25: traffic still short (the same story) and, since 10:20, units far over plan (another).
    room.send(readings(15, 25, { ...PLAN, uv: 70, units: 30 }), clock(25));
    const first = room.tick(clock(20));
    expect(first.map((e) => ('alert' in e ? e.alert.id : e.type))).toEqual([
      'launch-1-t15-uv',
      'launch-1-t25-uv',
      'incident.escalated',
      'notification.due',
    ]);
    expect(room.tick(clock(29, 59))).toEqual([]);
    const second = room.tick(clock(30));
    expect(second.map((e) => ('alert' in e ? e.alert.id : e.type))).toEqual([
      'launch-1-t25-units',
      'incident.escalated',
      'notification.due',
    ]);
  });

  it('an acknowledgement after escalation keeps the escalation on record', () => {
    const room = trafficAt15(70, only15());
    room.tick(clock(20));
    room.ack(alertKey(15, 'uv'), '张经理', clock(21));
    expect(room.alert(15, 'uv')).toMatchObject({
      status: 'acknowledged',
      escalated: true,
      ackedBy: '张经理',
    });
  });
});
