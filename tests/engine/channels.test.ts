/**
 * Channels (流量来源), spend and ROI: channel traffic against plan at checkpoints under the same
 * exact ±tolerance rule, the plan following the short channels, the shared spend/ROI ledger, and
 * the budget alert (crossed, or projected within 30 minutes), all on hand-computed data.
 */
import { describe, expect, it } from 'vitest';
import {
  type TrafficChannel,
  LaunchInput,
  ReadingInput,
  channelLedger,
  incidentId,
  projectBudget,
  safeParseIn,
  toMicro,
} from '@warroom/shared';
import { PLAN, type Values, WarRoom, clock, essence, makeLaunch, steadyForecast } from './helpers';

type Breakdown = Partial<
  Record<TrafficChannel, { uv?: number; orders?: number; gmv?: number; spend?: number }>
>;

function chReading(minute: number, channels: Breakdown | undefined, values: Values = PLAN) {
  return ReadingInput.parse({ minute, ...values, ...(channels ? { channels } : {}) });
}

/** Plan: 100 visitors a minute, of which 站内免费 50%, 直通车 30%, 淘宝客 20%. */
const SHARES = { organic: 0.5, ztc: 0.3, affiliate: 0.2 };

describe('channel traffic against plan at checkpoints', () => {
  /**
   * T+15: 直通车 plans 30 a minute, 450 over the window. 24 a minute is 360: exactly −20%, inside.
   * One minute of 23 makes 359: −20.2̅%, short.
   */
  it('exactly 20% short is inside; one visitor fewer is a breach that names 直通车 and takes its plan', () => {
    const inside = new WarRoom(makeLaunch({ checkpoints: [15], channelShares: SHARES }));
    for (let m = 0; m < 15; m++)
      inside.send(
        chReading(m, { organic: { uv: 50 }, ztc: { uv: 24 }, affiliate: { uv: 26 } }),
        clock(m + 1),
      );
    const ztc = inside.checkpoint(15)!.channels!.find((c) => c.channel === 'ztc')!;
    expect(ztc).toMatchObject({ metric: 'uv', actual: 360, forecast: 450, deviation: -0.2, breach: null });
    expect(inside.alerts()).toEqual([]);

    const short = new WarRoom(makeLaunch({ checkpoints: [15], channelShares: SHARES }));
    for (let m = 0; m < 15; m++)
      short.send(
        chReading(m, { organic: { uv: 50 }, ztc: { uv: m === 7 ? 23 : 24 }, affiliate: { uv: 26 } }),
        clock(m + 1),
      );
    // Visitors in total are on plan: the channel alone is short.
    expect(short.metric(15, 'uv').breach).toBeNull();
    const alert = short.state.alerts.get('launch-1-t15-channel-ztc')!;
    expect(alert).toMatchObject({
      kind: 'breach',
      metric: 'uv',
      channel: 'ztc',
      direction: 'under',
      severity: 'warning',
      actual: 359,
      forecast: 450,
      owner: '推广主管',
      shortChannels: ['ztc'],
      plan: { title: '流量不足 · 直通车' },
    });
    expect(alert.plan.owners[0]!.actions).toEqual(['直通车加价/放开限额']);
    const incident = short.state.incidents.get(incidentId('launch-1', 'traffic-under'))!;
    expect(incident).toMatchObject({ status: 'open', owner: '推广主管', shortChannels: ['ztc'] });
    expect(incident.evaluations[0]!.metrics).toEqual([
      { metric: 'uv', channel: 'ztc', deviation: alert.deviation, severity: 'warning' },
    ]);
  });

  /**
   * Visitors 70 a minute (−30%): 直通车 12 of 30 (−60%, critical), 淘宝客 14 of 20 (−30%), 站内免费 44
   * of 50 (−12%, inside). The visitors breach names both short channels, furthest short first, and
   * its plan is their actions; the incident leads with visitors, not a channel.
   */
  it('a traffic shortfall names the short channels and its plan follows them', () => {
    const room = new WarRoom(makeLaunch({ checkpoints: [15], channelShares: SHARES }));
    for (let m = 0; m < 15; m++)
      room.send(
        chReading(
          m,
          { organic: { uv: 44 }, ztc: { uv: 12 }, affiliate: { uv: 14 } },
          { uv: 70, units: 7, gmv: 700 },
        ),
        clock(m + 1),
      );
    const uv = room.alert(15, 'uv')!;
    expect(uv).toMatchObject({
      shortChannels: ['ztc', 'affiliate'],
      plan: { title: '流量不足 · 直通车、淘宝客' },
    });
    expect(uv.plan.owners[0]).toEqual({ role: '推广主管', actions: ['直通车加价/放开限额', '淘客佣金上调'] });
    expect(room.state.alerts.get('launch-1-t15-channel-ztc')).toMatchObject({
      severity: 'critical',
      deviation: -0.6,
    });
    expect(room.state.alerts.get('launch-1-t15-channel-affiliate')).toMatchObject({ deviation: -0.3 });
    expect(room.state.alerts.get('launch-1-t15-channel-organic')).toBeUndefined();
    const incidents = [...room.state.incidents.values()];
    // One story: visitors, units, GMV and the two channels are the traffic shortfall.
    expect(incidents.map((i) => i.key)).toEqual(['traffic-under']);
    expect(incidents[0]).toMatchObject({ metric: 'gmv', shortChannels: ['ztc', 'affiliate'] });
    expect(incidents[0]!.plan.owners[0]!.actions).toEqual(['直通车加价/放开限额', '淘客佣金上调']);
  });

  it('站外 short asks for 社群/短信召回 and 钻展 short for 钻展加投, beside the plan’s own actions', () => {
    const own = {
      metric: 'uv',
      direction: 'under',
      title: '流量不足',
      owners: [{ role: '推广主管', actions: ['直通车加价/放开限额', '通知主播加推'] }],
    };
    const room = new WarRoom(
      makeLaunch({ checkpoints: [15], channelShares: { offsite: 0.2, display: 0.2 }, playbook: [own] }),
    );
    for (let m = 0; m < 15; m++)
      room.send(
        chReading(m, { offsite: { uv: 10 }, display: { uv: 15 } }, { uv: 60, units: 6, gmv: 600 }),
        clock(m + 1),
      );
    expect(room.alert(15, 'uv')!.plan.owners[0]!.actions).toEqual([
      '社群/短信召回',
      '钻展加投',
      '通知主播加推',
    ]);
  });

  it('a channel over its plan is shown at the checkpoint but raises nothing', () => {
    const room = new WarRoom(makeLaunch({ checkpoints: [15], channelShares: SHARES }));
    for (let m = 0; m < 15; m++)
      room.send(chReading(m, { organic: { uv: 70 }, ztc: { uv: 30 }, affiliate: { uv: 20 } }), clock(m + 1));
    expect(room.checkpoint(15)!.channels!.find((c) => c.channel === 'organic')).toMatchObject({
      breach: 'over',
      deviation: 0.4,
    });
    expect(room.alerts()).toEqual([]);
  });

  /**
   * A per-minute channel plan (直通车 40 a minute) instead of shares; minutes 10–14 carry no
   * breakdown, so the plan counts the ten minutes that do: 400 planned, 10 × 30 = 300 is −25%.
   */
  it('compares over the minutes that carry a breakdown, against a per-minute channel plan', () => {
    const forecast = Array.from({ length: 60 }, (_, minute) => ({
      minute,
      ...PLAN,
      channels: { ztc: { uv: 40 } },
    }));
    const room = new WarRoom(makeLaunch({ checkpoints: [15], forecast }));
    for (let m = 0; m < 15; m++)
      room.send(chReading(m, m < 10 ? { ztc: { uv: 30 } } : undefined), clock(m + 1));
    expect(room.checkpoint(15)!.channels).toEqual([
      {
        metric: 'uv',
        channel: 'ztc',
        actual: 300,
        forecast: 400,
        deviation: -0.25,
        breach: 'under',
        severity: 'warning',
      },
    ]);
  });

  it('a launch without channel data compares no channels; a window without breakdowns neither', () => {
    const plain = new WarRoom(makeLaunch({ checkpoints: [15] }));
    for (let m = 0; m < 15; m++) plain.send(chReading(m, undefined), clock(m + 1));
    expect(plain.checkpoint(15)!.channels).toBeUndefined();
    const planned = new WarRoom(makeLaunch({ checkpoints: [15], channelShares: SHARES }));
    for (let m = 0; m < 15; m++) planned.send(chReading(m, undefined), clock(m + 1));
    expect(planned.checkpoint(15)!.channels).toBeUndefined();
    expect(planned.alerts()).toEqual([]);
  });

  it('a re-sent minute with other channel figures replaces it; the same figures are a duplicate', () => {
    const room = new WarRoom(makeLaunch({ checkpoints: [15], channelShares: SHARES }));
    expect(room.send(chReading(0, { ztc: { uv: 30, spend: 10 } }), clock(1)).accepted).toBe(1);
    expect(room.send(chReading(0, { ztc: { spend: 10, uv: 30 } }), clock(1)).duplicates).toBe(1);
    expect(room.send(chReading(0, { ztc: { uv: 31, spend: 10 } }), clock(1)).accepted).toBe(1);
    expect(room.state.readings.get(0)!.channels).toEqual({ ztc: { uv: 31, spend: 10 } });
    expect(essence(room.replay())).toEqual(essence(room.state));
  });
});

describe('the channel schemas', () => {
  it('refuse an unknown channel by name (never a prototype lookup), in the caller’s language', () => {
    const bad = JSON.parse('{"minute":0,"uv":1,"channels":{"__proto__":{"uv":1},"tmall":{"uv":2}}}');
    const en = safeParseIn('en', ReadingInput, bad);
    expect(en.success).toBe(false);
    expect(en.error!.issues[0]!.message).toContain('unknown channel');
    expect(en.error!.issues[0]!.message).toContain('tmall');
    const zh = safeParseIn('zh', ReadingInput, bad);
    expect(zh.error!.issues[0]!.message).toContain('未知的流量渠道');
    expect(safeParseIn('en', ReadingInput, { minute: 0, channels: { ztc: { uv: 1.5 } } }).success).toBe(
      false,
    );
    expect(safeParseIn('en', ReadingInput, { minute: 0, channels: { ztc: { clicks: 1 } } }).success).toBe(
      false,
    );
    const launch = safeParseIn('en', LaunchInput, {
      name: 'x',
      startAt: '2026-11-11T10:00:00+08:00',
      forecast: { template: { uv: 1, units: 1, gmv: 1 } },
      budgets: { channels: { tv: 100 } },
    });
    expect(launch.success).toBe(false);
  });
});

describe('spend and ROI (channel GMV / channel spend)', () => {
  it('sums exactly in fen, per channel and in total; ROI only where there was spend', () => {
    const launch = makeLaunch({ channelShares: SHARES, budgets: { total: 1000, channels: { ztc: 500 } } });
    const r = (minute: number, channels: Breakdown, gmv: number) =>
      ({ ...chReading(minute, channels), gmv }) as never;
    const ledger = channelLedger(
      [
        r(0, { ztc: { uv: 30, orders: 2, gmv: 200.1, spend: 100.2 }, organic: { uv: 50, gmv: 300 } }, 600),
        r(
          1,
          { ztc: { uv: 28, orders: 1, gmv: 100.2, spend: 50.1 }, affiliate: { uv: 5, gmv: 90, spend: 9 } },
          400.2,
        ),
      ],
      launch,
    );
    const ztc = ledger.channels.find((c) => c.channel === 'ztc')!;
    // 300.30 / 150.30 = 1.998003…
    expect(ztc).toMatchObject({ uv: 58, orders: 3, gmv: 300.3, spend: 150.3, budget: 500, planUv: 60 });
    expect(ztc.roi).toBe(30030 / 15030);
    expect(ztc.budgetUsed).toBe(15030 / 50000);
    expect(ledger.channels.find((c) => c.channel === 'organic')).toMatchObject({
      spend: 0,
      roi: null,
      planUv: 100,
    });
    expect(ledger.total).toMatchObject({ spend: 159.3, paidGmv: 390.3, launchGmv: 1000.2, budget: 1000 });
    expect(ledger.total.roi).toBe(39030 / 15930);
    expect(ledger.total.activityRoi).toBe(100020 / 15930);
    expect(ledger.minutesWithChannels).toBe(2);
  });
});

describe('budgets (超预算 第一时间向电商经理汇报)', () => {
  it('the projection rule: exactly at the budget stays inside; the first minute strictly over is the crossing', () => {
    const steady = (m: number) => toMicro(100 * (m + 1)); // 100 visitors planned a minute
    const base = { budget: toMicro(2000), preheat: 0n, planThrough: steady, recent: 0n, paceMinutes: 0 };
    // ¥550 by minute 10 along a steady plan: minute 39 makes exactly ¥2,000 (inside), minute 40 ¥2,050.
    expect(projectBudget({ ...base, spent: toMicro(550), asOf: 10, planSoFar: steady(10) })).toEqual({
      crossed: false,
      projectedMinute: 40,
    });
    // ¥500 by minute 9: the crossing is 31 minutes away, beyond the look-ahead.
    expect(projectBudget({ ...base, spent: toMicro(500), asOf: 9, planSoFar: steady(9) })).toEqual({
      crossed: false,
      projectedMinute: null,
    });
    // A spike planned at 开团 does not read as a runaway pace: 1,000 planned in minute 0, 10 after.
    const spike = (m: number) => toMicro(1000 + 10 * m);
    expect(
      projectBudget({ ...base, spent: toMicro(1000), asOf: 0, planSoFar: spike(0), planThrough: spike }),
    ).toEqual({
      crossed: false,
      projectedMinute: null,
    });
    // Without a plan: the last minutes' pace (¥750 over 15 minutes, ¥550 spent: 29 minutes make 2,000).
    expect(
      projectBudget({
        ...base,
        planSoFar: 0n,
        spent: toMicro(550),
        asOf: 10,
        recent: toMicro(750),
        paceMinutes: 15,
      }),
    ).toEqual({ crossed: false, projectedMinute: 40 });
    // Exactly at the budget is inside; a fen over is crossed (preheat spend counts).
    expect(
      projectBudget({ ...base, budget: toMicro(600), spent: toMicro(600), asOf: 11, planSoFar: steady(11) })
        .crossed,
    ).toBe(false);
    expect(
      projectBudget({
        ...base,
        budget: toMicro(600),
        preheat: toMicro(0.01),
        spent: toMicro(600),
        asOf: 12,
        planSoFar: steady(12),
      }).crossed,
    ).toBe(true);
  });

  /** 直通车 spends ¥50 a minute against a ¥2,000 total budget: 40 − m minutes to go at minute m. */
  it('raises the projected alert at the first minute the pace says within 30 minutes, to 电商经理', () => {
    const room = new WarRoom(makeLaunch({ checkpoints: [60], budgets: { total: 2000 } }));
    for (let m = 0; m <= 9; m++) room.send(chReading(m, { ztc: { spend: 50 } }), clock(m + 1));
    expect(room.state.alerts.get('launch-1-budget-total-projected')).toBeUndefined();
    room.send(chReading(10, { ztc: { spend: 50 } }), clock(11));
    expect(room.state.alerts.get('launch-1-budget-total-projected')).toMatchObject({
      kind: 'budget',
      checkpoint: 10,
      severity: 'warning',
      owner: '电商经理',
      status: 'open',
      plan: { title: '超预算' },
      budget: { scope: 'total', budget: 2000, spend: 550, crossing: 'projected', minute: 40 },
    });
    expect(room.state.incidents.get(incidentId('launch-1', 'budget'))).toMatchObject({
      kind: 'budget',
      owner: '电商经理',
      severity: 'warning',
    });
  });

  /**
   * A ¥600 直通车 budget at ¥50 a minute: minute 11 brings spend to exactly ¥600 (inside), minute 12
   * to ¥650, strictly over: the crossed alert is raised at minute 12, critical, to 电商经理, and the
   * projection (raised at minute 0: twelve minutes to go) clears.
   */
  it('raises the crossed alert at the crossing minute, exactly-at inside, once', () => {
    const room = new WarRoom(makeLaunch({ checkpoints: [60], budgets: { channels: { ztc: 600 } } }));
    room.send(chReading(0, { ztc: { spend: 50 } }), clock(1));
    expect(room.state.alerts.get('launch-1-budget-ztc-projected')).toMatchObject({
      checkpoint: 0,
      budget: { minute: 12 },
    });
    for (let m = 1; m <= 11; m++) room.send(chReading(m, { ztc: { spend: 50 } }), clock(m + 1));
    expect(room.state.alerts.get('launch-1-budget-ztc-crossed')).toBeUndefined();
    room.send(chReading(12, { ztc: { spend: 50 } }), clock(12, 5));
    const crossed = room.state.alerts.get('launch-1-budget-ztc-crossed')!;
    expect(crossed).toMatchObject({
      kind: 'budget',
      checkpoint: 12,
      severity: 'critical',
      owner: '电商经理',
      raisedAt: '2026-11-11T10:12:05+08:00',
      actual: 650,
      forecast: 600,
      budget: { scope: 'ztc', budget: 600, spend: 650, crossing: 'crossed', minute: 12 },
    });
    expect(room.state.alerts.get('launch-1-budget-ztc-projected')!.status).toBe('cleared');
    const incident = room.state.incidents.get(incidentId('launch-1', 'budget'))!;
    expect(incident).toMatchObject({ severity: 'critical', status: 'open', owner: '电商经理' });
    expect(incident.history.map((h) => h.type)).toEqual(['opened', 'worsened']);
    // Later minutes keep it as it is: once per budget and crossing kind.
    const before = room.log.length;
    for (let m = 13; m <= 20; m++) room.send(chReading(m, { ztc: { spend: 50 } }), clock(m + 1));
    expect(room.log.slice(before).filter((e) => e.type.startsWith('alert.'))).toEqual([]);
    // A late reading that moves the crossing (minute 3 spent ¥100 more) moves it in place.
    room.send(chReading(3, { ztc: { spend: 150 } }), clock(21));
    expect(room.state.alerts.get('launch-1-budget-ztc-crossed')).toMatchObject({
      checkpoint: 12,
      budget: { minute: 10 },
    });
    expect(essence(room.replay())).toEqual(essence(room.state));
  });

  it('without a traffic plan the pace is the last 15 minutes’ spend', () => {
    const forecast = steadyForecast(60, { units: 10, gmv: 1000 });
    const room = new WarRoom(makeLaunch({ checkpoints: [60], forecast, budgets: { total: 2000 } }));
    for (let m = 0; m <= 9; m++) room.send(chReading(m, { ztc: { spend: 50 } }), clock(m + 1));
    expect(room.state.alerts.get('launch-1-budget-total-projected')).toBeUndefined();
    room.send(chReading(10, { ztc: { spend: 50 } }), clock(11));
    expect(room.state.alerts.get('launch-1-budget-total-projected')).toMatchObject({
      budget: { minute: 40 },
    });
  });

  it('a projection the pace no longer bears clears and is not raised again; preheat spend counts', () => {
    const room = new WarRoom(
      makeLaunch({
        checkpoints: [60],
        preheatMinutes: 10,
        forecast: Array.from({ length: 70 }, (_, i) => ({ minute: i - 10, ...PLAN })).filter(
          (p) => p.minute < 60,
        ),
        budgets: { total: 2000 },
      }),
    );
    // ¥1,000 spent in the preheat, nothing projected before 开团.
    for (let m = -10; m < 0; m++) room.send(chReading(m, { ztc: { spend: 100 } }), clock(m + 1));
    expect(room.alerts()).toEqual([]);
    // From 开团 ¥50 a minute: 1,050 at minute 0; 19 more minutes make exactly 2,000 (inside), the
    // 20th 2,050: projected over at minute 20.
    room.send(chReading(0, { ztc: { spend: 50 } }), clock(1));
    expect(room.state.alerts.get('launch-1-budget-total-projected')).toMatchObject({
      budget: { spend: 1050, minute: 20 },
    });
    // Spend stops: after 15 quiet minutes the pace is 0 and the projection clears…
    for (let m = 1; m <= 15; m++) room.send(chReading(m, { ztc: { spend: 0 } }), clock(m + 1));
    expect(room.state.alerts.get('launch-1-budget-total-projected')!.status).toBe('cleared');
    // … and spend resuming does not raise it again; crossing does raise the crossed one.
    for (let m = 16; m <= 35; m++) room.send(chReading(m, { ztc: { spend: 50 } }), clock(m + 1));
    expect(room.state.alerts.get('launch-1-budget-total-projected')!.status).toBe('cleared');
    // 1,050 + 50 × 19 = 2,000 at minute 34 (inside); 2,050 at minute 35.
    expect(room.state.alerts.get('launch-1-budget-total-crossed')).toMatchObject({ checkpoint: 35 });
  });
});
