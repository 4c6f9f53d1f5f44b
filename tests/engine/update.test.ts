import type { Launch, LaunchEventBody } from '@warroom/shared';
import { describe, expect, it } from 'vitest';
import { type UpdateOutcome, forecastPrefix, tick, updateLaunch } from '../../server/src/engine/index';
import { evolve, initialState } from '@warroom/shared';
import {
  PLAN,
  START,
  WarRoom,
  alertKey,
  clock,
  essence,
  makeLaunch,
  readings,
  steadyForecast,
  alertTypes,
} from './helpers';

/** Edits the room's launch with `overrides` (through the same schema as a new launch) at `nowMs`. */
function edit(room: WarRoom, overrides: Record<string, unknown>, nowMs: number, by = 'admin'): UpdateOutcome {
  const outcome = updateLaunch(room.state, makeLaunch(overrides), by, nowMs);
  if (outcome.ok) room.log.push(...outcome.events);
  return outcome;
}

function ok(outcome: UpdateOutcome): LaunchEventBody[] {
  if (!outcome.ok) throw new Error(`update refused: ${outcome.message}`);
  return outcome.events;
}

/** A launch 30% under plan on traffic through minute 15 (the T+15 uv alert is open at 20%). */
function trafficShortfall(overrides: Record<string, unknown> = {}): WarRoom {
  const room = new WarRoom(makeLaunch(overrides));
  room.send(readings(0, 15, { ...PLAN, uv: 70 }), clock(15, 5));
  return room;
}

describe('updateLaunch re-evaluates what it changes', () => {
  const cases: {
    name: string;
    before?: Record<string, unknown>;
    after: Record<string, unknown>;
    facts: string[];
    expectAlert: { status: string; severity?: string } | undefined;
  }[] = [
    {
      name: 'widening the tolerance past the deviation clears the alert in place',
      after: { tolerance: 0.5 },
      facts: ['launch.updated', 'checkpoint.evaluated', 'alert.updated'],
      expectAlert: { status: 'cleared' },
    },
    {
      name: 'narrowing the tolerance below the deviation raises a new alert',
      before: { tolerance: 0.5 },
      after: { tolerance: 0.2 },
      facts: ['launch.updated', 'checkpoint.evaluated', 'alert.raised'],
      expectAlert: { status: 'open', severity: 'warning' },
    },
    {
      name: 'a tolerance under half the deviation makes the alert critical, in place',
      after: { tolerance: 0.1 },
      facts: ['launch.updated', 'checkpoint.evaluated', 'alert.updated'],
      expectAlert: { status: 'open', severity: 'critical' },
    },
    {
      name: 'a forecast that matches what happened clears the alert',
      after: { forecast: steadyForecast(60, { ...PLAN, uv: 70 }) },
      facts: ['launch.updated', 'checkpoint.evaluated', 'alert.updated'],
      expectAlert: { status: 'cleared' },
    },
    {
      name: 'a forecast still 30% above what happened keeps the alert, with the new numbers',
      after: { forecast: steadyForecast(60, { ...PLAN, uv: 100.5 }) },
      facts: ['launch.updated', 'checkpoint.evaluated', 'alert.updated'],
      expectAlert: { status: 'open', severity: 'warning' },
    },
    {
      name: 'dropping the checkpoint clears its alert and keeps its result',
      after: { checkpoints: [25, 45, 60] },
      facts: ['launch.updated', 'alert.updated'],
      expectAlert: { status: 'cleared' },
    },
    {
      name: 'no longer comparing the metric clears its alert',
      after: { metrics: ['units', 'gmv'] },
      facts: ['launch.updated', 'checkpoint.evaluated', 'alert.updated'],
      expectAlert: { status: 'cleared' },
    },
    {
      name: 'an unrelated change (the name) re-evaluates nothing',
      after: { name: '双11 开团 · 保温杯 (改)' },
      facts: ['launch.updated'],
      expectAlert: { status: 'open', severity: 'warning' },
    },
  ];

  for (const c of cases) {
    it(c.name, () => {
      const room = trafficShortfall(c.before);
      const before = room.alert(15, 'uv');
      const events = ok(edit(room, { ...c.before, ...c.after }, clock(17)));
      expect(alertTypes(events)).toEqual(c.facts);
      const after = room.alert(15, 'uv');
      if (!c.expectAlert) expect(after).toBeUndefined();
      else expect(after).toMatchObject(c.expectAlert);
      // In place: one alert per (checkpoint, metric), never a duplicate.
      expect(room.alerts().filter((a) => a.checkpoint === 15 && a.metric === 'uv')).toHaveLength(1);
      if (before && after) expect(after.raisedAt).toBe(before.raisedAt);
      // The result of T+15 stays, whichever way.
      expect(room.checkpoint(15)).toBeDefined();
      expect(essence(room.replay())).toEqual(essence(room.state));
    });
  }

  it('the new forecast is what the checkpoint compares against', () => {
    const room = trafficShortfall();
    ok(edit(room, { forecast: steadyForecast(60, { ...PLAN, uv: 50 }) }, clock(17)));
    expect(room.metric(15, 'uv')).toMatchObject({ actual: 1050, forecast: 750, breach: 'over' });
    const alert = room.alert(15, 'uv')!;
    // Under became over: another problem with another plan and owner, open again.
    expect(alert).toMatchObject({ direction: 'over', status: 'open', owner: '客服主管' });
    expect(alert.history.map((h) => h.type)).toEqual(['raised', 'reopened']);
  });

  it('a playbook change updates the plan and owner of the open alert', () => {
    const room = trafficShortfall();
    const plan = {
      metric: 'uv',
      direction: 'under',
      title: '流量不足 · 社群召回',
      owners: [{ role: '运营主管', actions: ['社群推送'] }],
    };
    const events = ok(edit(room, { playbook: [plan] }, clock(17)));
    expect(alertTypes(events)).toEqual(['launch.updated', 'alert.updated']);
    expect(room.alert(15, 'uv')).toMatchObject({ plan, owner: '运营主管', status: 'open' });
  });

  it('an acknowledged alert stays acknowledged when only its numbers change', () => {
    const room = trafficShortfall();
    room.ack(alertKey(15, 'uv'), '李推广', clock(16), '直通车加价');
    ok(edit(room, { tolerance: 0.1 }, clock(17)));
    expect(room.alert(15, 'uv')).toMatchObject({
      status: 'acknowledged',
      severity: 'critical',
      ackedBy: '李推广',
    });
  });

  it('a cleared alert reopens when the tolerance narrows again, keeping its acknowledgement', () => {
    const room = trafficShortfall();
    room.ack(alertKey(15, 'uv'), '李推广', clock(16));
    ok(edit(room, { tolerance: 0.5 }, clock(17)));
    ok(edit(room, { tolerance: 0.2 }, clock(18)));
    const alert = room.alert(15, 'uv')!;
    expect(alert.status).toBe('acknowledged');
    expect(alert.history.map((h) => h.type)).toEqual(['raised', 'acknowledged', 'cleared', 'reopened']);
  });

  it('a newly added checkpoint whose minutes are in is evaluated at once', () => {
    const room = trafficShortfall();
    const events = ok(edit(room, { checkpoints: [10, 15, 25, 45, 60] }, clock(17)));
    expect(alertTypes(events)).toEqual(['launch.updated', 'checkpoint.evaluated', 'alert.raised']);
    expect(room.metric(10, 'uv')).toMatchObject({ actual: 700, forecast: 1000, breach: 'under' });
    expect(room.alert(10, 'uv')?.status).toBe('open');
  });

  it('a newly added checkpoint still waiting for minutes is left to the clock', () => {
    const room = trafficShortfall();
    const events = ok(edit(room, { checkpoints: [15, 20, 25, 45, 60] }, clock(17)));
    expect(alertTypes(events)).toEqual(['launch.updated']);
    expect(room.checkpoint(20)).toBeUndefined();
    room.send(readings(15, 20, { ...PLAN, uv: 70 }), clock(20, 1));
    expect(room.metric(20, 'uv')).toMatchObject({ actual: 1400, forecast: 2000, breach: 'under' });
  });

  it('a dropped checkpoint is no longer evaluated by the clock or by readings', () => {
    const room = trafficShortfall();
    ok(edit(room, { checkpoints: [15, 45, 60] }, clock(17)));
    expect(alertTypes(tick(room.state, clock(27)))).not.toContain('checkpoint.evaluated');
    room.send(readings(15, 25), clock(27, 5));
    expect(room.checkpoint(25)).toBeUndefined();
  });

  it('the data-gap alert of a dropped checkpoint is cleared', () => {
    const room = trafficShortfall();
    room.tick(clock(26)); // minutes 15..24 missing: data gap at T+25
    expect(room.alert(25, 'data-gap')?.status).toBe('open');
    ok(edit(room, { checkpoints: [15, 45, 60] }, clock(27)));
    expect(room.alert(25, 'data-gap')?.status).toBe('cleared');
  });

  it('later readings are compared with the new settings (the totals cache is rebuilt)', () => {
    const room = trafficShortfall();
    ok(edit(room, { metrics: ['gmv', 'uv'], tolerance: 0.5 }, clock(17)));
    room.send(readings(15, 25, { ...PLAN, uv: 10, gmv: 1000 }), clock(25, 5));
    expect(room.checkpoint(25)!.metrics.map((m) => m.metric)).toEqual(['gmv', 'uv']);
    expect(room.metric(25, 'uv')).toMatchObject({ actual: 1150, forecast: 2500, breach: 'under' });
    expect(room.metric(25, 'gmv')).toMatchObject({ actual: 25000, forecast: 25000, breach: null });
  });

  it('an identical launch records nothing', () => {
    const room = trafficShortfall();
    expect(ok(edit(room, {}, clock(17)))).toEqual([]);
  });
});

describe('updateLaunch refuses what the readings rule out', () => {
  const refusals: { name: string; after: Record<string, unknown>; path: string; message: RegExp }[] = [
    {
      name: '开团 cannot move once minutes have readings',
      after: { startAt: '2026-11-11T10:30:00+08:00' },
      path: 'startAt',
      message: /开团 time cannot move.*readings for 15 minutes/,
    },
    {
      name: 'the zone cannot change once minutes have readings',
      after: { startAt: '2026-11-11T03:00:00+01:00', timezone: 'Europe/Paris' },
      path: 'timezone',
      message: /time zone cannot change/,
    },
    {
      name: 'the launch cannot end before a minute that has a reading',
      after: { durationMinutes: 14, checkpoints: [10], forecast: steadyForecast(14) },
      path: 'durationMinutes',
      message: /at least 15 minutes: minute 14 already has a reading/,
    },
  ];
  for (const r of refusals) {
    it(r.name, () => {
      const room = trafficShortfall();
      const before = structuredClone(essence(room.state));
      const launchBefore = room.state.launch;
      const outcome = edit(room, r.after, clock(17));
      expect(outcome.ok).toBe(false);
      if (outcome.ok) return;
      expect(outcome.code).toBe('conflict');
      expect(outcome.issues.map((i) => i.path.join('.'))).toContain(r.path);
      expect(outcome.message).toMatch(r.message);
      expect(essence(room.state)).toEqual(before);
      expect(room.state.launch).toBe(launchBefore);
    });
  }

  it('the same 开团 instant written in another offset is not a move', () => {
    const room = trafficShortfall();
    const outcome = edit(room, { startAt: '2026-11-11T02:00:00Z', name: 'renamed' }, clock(17));
    expect(outcome.ok).toBe(true);
  });

  it('the id never changes', () => {
    const room = trafficShortfall();
    const other: Launch = { ...makeLaunch(), id: 'launch-2' };
    const outcome = updateLaunch(room.state, other, 'admin', clock(17));
    expect(outcome.ok).toBe(false);
  });

  it('before any reading, 开团, zone and duration may all change (the checkpoints move with 开团)', () => {
    const room = new WarRoom();
    ok(
      edit(
        room,
        { startAt: '2026-11-11T11:00:00+08:00', durationMinutes: 30, checkpoints: [15, 25] },
        clock(-20),
      ),
    );
    expect(room.state.startMs).toBe(Date.parse('2026-11-11T11:00:00+08:00'));
    expect(forecastPrefix(room.state)[0]).toHaveLength(31);
    // The old 开团 passes without a data gap: T+15 is now due at 11:15.
    expect(room.tick(clock(16, 30))).toEqual([]);
    expect(alertTypes(room.tick(clock(76, 30)))).toContain('alert.raised');
    expect(START).toBe('2026-11-11T10:00:00+08:00');
  });
});

describe('the fold of the log equals the live state after an update', () => {
  it('a morning with edits in it replays to the same readings, checkpoints, alerts and launch', () => {
    const room = trafficShortfall();
    ok(edit(room, { tolerance: 0.5 }, clock(17)));
    room.send(readings(15, 25, { ...PLAN, uv: 40 }), clock(25, 2));
    ok(
      edit(room, { tolerance: 0.2, checkpoints: [10, 15, 25, 45, 60], metrics: ['uv', 'units'] }, clock(26)),
    );
    ok(
      edit(room, { forecast: steadyForecast(60, { ...PLAN, uv: 60 }), checkpoints: [10, 25, 60] }, clock(30)),
    );
    room.tick(clock(46, 10));
    const fresh = room.replay();
    expect(essence(fresh)).toEqual(essence(room.state));
    expect(fresh.launch).toEqual(room.state.launch);
    expect(fresh.startMs).toBe(room.state.startMs);
    expect(forecastPrefix(fresh)).toEqual(forecastPrefix(room.state));
  });

  it('a log round-tripped through JSON folds to the same state', () => {
    const room = trafficShortfall();
    ok(edit(room, { tolerance: 0.1, playbook: [] }, clock(17)));
    const log = JSON.parse(JSON.stringify(room.log)) as LaunchEventBody[];
    const state = initialState(room.launch);
    for (const e of log) evolve(state, e);
    expect(essence(state)).toEqual(essence(room.state));
  });
});
