import { describe, expect, it } from 'vitest';
import { tick } from '../../server/src/engine/index';
import { evolve, initialState } from '@warroom/shared';
import { PLAN, WarRoom, alertKey, clock, makeLaunch, reading, readings, alertTypes } from './helpers';

/** The default launch with minutes 0..13 in and minute 14 missing. */
function minute14Missing(launch = makeLaunch()) {
  const room = new WarRoom(launch);
  room.send(readings(0, 14), clock(14, 30));
  return room;
}

describe('a checkpoint with minutes still missing when its grace runs out', () => {
  it('waits through the 60 s grace period: nothing happens before 开团 + 16:00', () => {
    const room = minute14Missing();
    expect(room.tick(clock(15))).toEqual([]);
    expect(room.tick(clock(15, 59))).toEqual([]);
    expect(room.tick(clock(16) - 1)).toEqual([]);
    expect(room.checkpoint(15)).toBeUndefined();
    expect(room.alerts()).toEqual([]);
  });

  it('at the end of the grace it evaluates what is there, marked incomplete, and raises one data-gap alert', () => {
    const room = minute14Missing();
    const events = room.tick(clock(16));
    expect(alertTypes(events)).toEqual(['checkpoint.evaluated', 'alert.raised']);
    expect(room.checkpoint(15)).toMatchObject({
      checkpoint: 15,
      complete: false,
      missingMinutes: [14],
      evaluatedAt: '2026-11-11T10:16:00+08:00',
    });
    expect(room.alert(15, 'data-gap')).toEqual({
      id: 'launch-1-t15-data-gap',
      launchId: 'launch-1',
      incidentId: 'launch-1-i-data-gap',
      kind: 'data-gap',
      checkpoint: 15,
      metric: null,
      direction: null,
      severity: 'critical',
      deviation: null,
      actual: null,
      forecast: null,
      missingMinutes: [14],
      plan: {
        metric: 'data-gap',
        direction: null,
        title: '数据中断 · 应急方案',
        owners: [
          { role: '运营主管', actions: ['启动应急方案: 切换备用网络', '人工录入数据', '通知电商经理'] },
        ],
      },
      owner: '运营主管',
      status: 'open',
      raisedAt: '2026-11-11T10:16:00+08:00',
      updatedAt: '2026-11-11T10:16:00+08:00',
      escalated: false,
      escalatedAt: null,
      escalatedTo: null,
      ackedBy: null,
      ackedAt: null,
      action: null,
      note: null,
      history: [{ type: 'raised', at: '2026-11-11T10:16:00+08:00', severity: 'critical' }],
    });
  });

  it('compares only the minutes that are there, against the forecast of those minutes', () => {
    const room = new WarRoom();
    room.send(readings(0, 10, { ...PLAN, uv: 70 }), clock(11));
    room.tick(clock(16));
    expect(room.metric(15, 'uv')).toMatchObject({
      actual: 700,
      forecast: 1000,
      deviation: -0.3,
      breach: 'under',
    });
    expect(room.metric(15, 'units')).toMatchObject({ actual: 100, forecast: 100, breach: null });
    expect(room.alerts().map((a) => a.id)).toEqual(['launch-1-t15-uv', 'launch-1-t15-data-gap']);
    expect(room.alert(15, 'data-gap')?.missingMinutes).toEqual([10, 11, 12, 13, 14]);
  });

  it('with no readings at all, nothing is compared (no deviation) and only the data gap is raised', () => {
    const room = new WarRoom();
    room.tick(clock(16));
    expect(room.checkpoint(15)?.missingMinutes).toEqual([...Array(15).keys()]);
    expect(room.metric(15, 'uv')).toMatchObject({ actual: 0, forecast: 0, deviation: null, breach: null });
    expect(room.alerts().map((a) => a.id)).toEqual(['launch-1-t15-data-gap']);
  });

  it('raises the data gap once, however often the clock ticks', () => {
    const room = minute14Missing();
    room.tick(clock(16));
    expect(room.tick(clock(16, 1))).toEqual([]);
    expect(room.tick(clock(17))).toEqual([]);
    expect(room.alerts().filter((a) => a.kind === 'data-gap')).toHaveLength(1);
  });

  it('uses the launch’s own grace period', () => {
    const patient = minute14Missing(makeLaunch({ graceSeconds: 120 }));
    expect(patient.tick(clock(16, 59))).toEqual([]);
    expect(alertTypes(patient.tick(clock(17)))).toEqual(['checkpoint.evaluated', 'alert.raised']);

    const strict = minute14Missing(makeLaunch({ graceSeconds: 0 }));
    expect(strict.tick(clock(15) - 1)).toEqual([]);
    expect(alertTypes(strict.tick(clock(15)))).toEqual(['checkpoint.evaluated', 'alert.raised']);
  });

  it('a clock jump past several graces evaluates each overdue checkpoint with its own data gap, and no later one', () => {
    const room = new WarRoom();
    room.send(readings(0, 5), clock(5));
    room.tick(clock(30));
    expect([...room.state.checkpoints.keys()]).toEqual([15, 25]);
    expect(room.alerts().map((a) => a.id)).toEqual(['launch-1-t15-data-gap', 'launch-1-t25-data-gap']);
    expect(room.alert(25, 'data-gap')?.missingMinutes).toEqual([...Array(20).keys()].map((i) => i + 5));
  });

  it('a data-gap alert left open escalates like any other', () => {
    const room = minute14Missing(makeLaunch({ checkpoints: [15] }));
    room.tick(clock(16));
    expect(room.tick(clock(20, 59))).toEqual([]);
    room.tick(clock(21));
    expect(room.alert(15, 'data-gap')).toMatchObject({ escalated: true, escalatedTo: '电商经理' });
  });
});

describe('late data for a checkpoint evaluated with a gap', () => {
  it('readings that narrow the gap update the same data-gap alert and re-evaluate the checkpoint', () => {
    const room = new WarRoom();
    room.send(readings(0, 10), clock(11));
    room.tick(clock(16));
    const { events } = room.send(readings(10, 13), clock(16, 30));
    expect(alertTypes(events)).toEqual([
      'reading.ingested',
      'reading.ingested',
      'reading.ingested',
      'checkpoint.evaluated',
      'alert.updated',
    ]);
    expect(room.checkpoint(15)).toMatchObject({ complete: false, missingMinutes: [13, 14], revision: 2 });
    expect(room.alert(15, 'data-gap')).toMatchObject({ status: 'open', missingMinutes: [13, 14] });
    expect(room.alert(15, 'data-gap')!.history.map((h) => h.type)).toEqual(['raised', 'updated']);
  });

  it('readings that fill the gap complete the checkpoint and clear the data-gap alert', () => {
    const room = minute14Missing();
    room.tick(clock(16));
    const { events } = room.send(reading(14), clock(16, 40));
    expect(alertTypes(events)).toEqual(['reading.ingested', 'checkpoint.evaluated', 'alert.updated']);
    expect(room.checkpoint(15)).toMatchObject({ complete: true, missingMinutes: [], revision: 2 });
    expect(room.alert(15, 'data-gap')).toMatchObject({
      status: 'cleared',
      missingMinutes: [],
      updatedAt: '2026-11-11T10:16:40+08:00',
    });
    expect(room.alert(15, 'data-gap')!.history.map((h) => h.type)).toEqual(['raised', 'cleared']);
  });

  it('the filled-in minutes can reveal a breach the partial window hid', () => {
    const room = new WarRoom();
    room.send(readings(0, 10), clock(11)); // on plan so far
    room.tick(clock(16));
    expect(room.alerts().map((a) => a.id)).toEqual(['launch-1-t15-data-gap']);
    room.send(readings(10, 15, { ...PLAN, uv: 0 }), clock(17)); // 1000 of 1500
    expect(room.alert(15, 'uv')).toMatchObject({
      status: 'open',
      direction: 'under',
      deviation: -0.333333333333,
    });
    expect(room.alert(15, 'data-gap')?.status).toBe('cleared');
  });

  it('the filled-in minutes can also clear a breach the partial window showed', () => {
    const room = new WarRoom();
    room.send(readings(0, 5, { ...PLAN, uv: 50 }), clock(6)); // 250 of 500 so far
    room.tick(clock(16));
    expect(room.alert(15, 'uv')?.status).toBe('open');
    room.send(readings(5, 15, { ...PLAN, uv: 125 }), clock(17)); // 1500 of 1500
    expect(room.alert(15, 'uv')?.status).toBe('cleared');
    expect(room.alert(15, 'data-gap')?.status).toBe('cleared');
  });

  it('an acknowledged data gap that is filled is cleared', () => {
    const room = minute14Missing();
    room.tick(clock(16));
    room.ack(alertKey(15, 'data-gap'), '王运营', clock(16, 10), '人工录入');
    room.send(reading(14), clock(17));
    expect(room.alert(15, 'data-gap')).toMatchObject({ status: 'cleared', ackedBy: '王运营' });
  });
});

describe('checkpoints already overdue when the launch was created', () => {
  it('a launch set up after the fact waits for data and never raises data-gap alerts for those checkpoints', () => {
    const room = new WarRoom(makeLaunch({}, clock(30))); // 15 and 25 were due (with grace) before this
    expect(room.tick(clock(31))).toEqual([]);
    expect(room.tick(clock(44))).toEqual([]);
    room.send(readings(0, 10), clock(44, 30));
    expect(room.tick(clock(45, 59))).toEqual([]);
    expect(room.checkpoint(15)).toBeUndefined();
    room.send(readings(10, 15), clock(45, 59));
    expect(room.checkpoint(15)).toMatchObject({ complete: true });
    expect(room.alerts().filter((a) => a.kind === 'data-gap' && a.checkpoint < 45)).toEqual([]);
  });

  it('a checkpoint still inside its grace at creation raises its data gap as usual', () => {
    const room = new WarRoom(makeLaunch({}, clock(30)));
    room.tick(clock(46));
    expect(room.alerts().map((a) => a.id)).toEqual(['launch-1-t45-data-gap']);
    expect([...room.state.checkpoints.keys()]).toEqual([45]);
  });

  it('created exactly when checkpoint 15’s grace ended: overdue; one second earlier: not', () => {
    const atGraceEnd = new WarRoom(makeLaunch({ checkpoints: [15] }, clock(16)));
    expect(atGraceEnd.tick(clock(20))).toEqual([]);
    const justBefore = new WarRoom(makeLaunch({ checkpoints: [15] }, clock(15, 59)));
    expect(alertTypes(justBefore.tick(clock(16)))).toEqual(['checkpoint.evaluated', 'alert.raised']);
  });

  it('a review of a finished launch with a minute that never arrived evaluates nothing it cannot complete', () => {
    const room = new WarRoom(makeLaunch({}, clock(24 * 60)));
    room.send([...readings(0, 30), ...readings(31, 60)], clock(24 * 60));
    expect(room.tick(clock(24 * 60 + 5))).toEqual([]);
    expect([...room.state.checkpoints.keys()]).toEqual([15, 25]);
    expect(room.alerts()).toEqual([]);
  });
});

describe('the clock and complete checkpoints', () => {
  it('a complete checkpoint left unevaluated (a crash after the readings were logged) evaluates on the next tick', () => {
    const before = new WarRoom();
    before.send(readings(0, 15, { ...PLAN, uv: 70 }), clock(15));
    // what survived the crash: the launch and its readings, not the evaluation
    const state = initialState(before.launch);
    for (const e of before.log) if (e.type === 'reading.ingested') evolve(state, e);
    expect(state.checkpoints.size).toBe(0);
    const events = tick(state, clock(15, 5));
    expect(alertTypes(events)).toEqual(['checkpoint.evaluated', 'alert.raised']);
    expect(state.checkpoints.get(15)).toMatchObject({ complete: true, revision: 1 });
    expect(state.alerts.get(alertKey(15, 'uv'))?.kind).toBe('breach');
  });

  it('ticking before 开团 or between checkpoints records nothing', () => {
    const room = new WarRoom();
    expect(room.tick(clock(-10))).toEqual([]);
    room.send(readings(0, 15), clock(15));
    expect(room.tick(clock(20))).toEqual([]);
  });
});
