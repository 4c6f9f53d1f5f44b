import { LaunchEventBody, type LaunchState, evolve, initialState } from '@warroom/shared';
import { describe, expect, it } from 'vitest';
import { acknowledge, ingest, tick } from '../../server/src/engine/index';
import { PLAN, WarRoom, alertKey, clock, essence, makeLaunch, reading, readings } from './helpers';

/**
 * A launch morning with everything in it: on-plan minutes, a traffic shortfall, a feed outage and
 * its late back-fill, a correction, duplicates, acknowledgements and escalations. Returns the room
 * and, after every step, how the live state looked and how long the log was.
 */
function launchMorning() {
  const room = new WarRoom();
  const checkpoints: { logLength: number; seen: ReturnType<typeof essence> }[] = [];
  const step = (fn: () => unknown) => {
    fn();
    checkpoints.push({ logLength: room.log.length, seen: structuredClone(essence(room.state)) });
  };
  step(() => room.send(reading(-30, { uv: 40 }), clock(-30)));
  step(() => room.send(readings(0, 10, { ...PLAN, uv: 70 }), clock(10)));
  step(() => room.send(readings(10, 15, { ...PLAN, uv: 70 }), clock(14, 59.25)));
  step(() => room.ack(alertKey(15, 'uv'), '李推广', clock(16), '直通车加价', '预算 +30%'));
  step(() => room.send(readings(15, 20), clock(20)));
  step(() => room.send(readings(0, 5, { ...PLAN, uv: 70 }), clock(20))); // duplicates
  step(() => room.tick(clock(26))); // 20..24 never came: data gap at 25
  step(() => room.tick(clock(31))); // escalation of the data gap
  step(() => room.send(readings(20, 25, { ...PLAN, uv: 200 }), clock(32))); // back-fill
  step(() => room.send(reading(3, { ...PLAN, uv: 400, gmv: 1000.5 }), clock(33))); // correction
  step(() => room.send(readings(25, 45, { ...PLAN, units: 5 }), clock(45)));
  step(() => room.ack(alertKey(45, 'units'), '王运营', clock(46)));
  step(() => room.ack(alertKey(45, 'units'), '赵客服', clock(47))); // second ack: nothing
  step(() => room.tick(clock(52)));
  return { room, checkpoints };
}

function fold(room: WarRoom, events = room.log): LaunchState {
  const state = initialState(room.launch);
  for (const e of events) evolve(state, e);
  return state;
}

describe('state is the fold of the log (how a restart rebuilds a launch)', () => {
  it('replaying every recorded fact onto a fresh state gives the live readings, checkpoints and alerts', () => {
    const { room } = launchMorning();
    expect(room.alerts().length).toBeGreaterThanOrEqual(4);
    expect(essence(fold(room))).toEqual(essence(room.state));
  });

  it('after every step, the fold of the log so far equals the live state at that step', () => {
    const { room, checkpoints } = launchMorning();
    for (const { logLength, seen } of checkpoints) {
      expect(essence(fold(room, room.log.slice(0, logLength)))).toEqual(seen);
    }
  });

  it('every recorded fact is a valid log line and survives a JSON round trip', () => {
    const { room } = launchMorning();
    const lines = room.log.map((e) => JSON.stringify(e));
    const parsed = lines.map((line) => LaunchEventBody.parse(JSON.parse(line)));
    expect(parsed).toEqual(room.log);
    const state = initialState(room.launch);
    for (const e of parsed) evolve(state, e);
    expect(essence(state)).toEqual(essence(room.state));
  });

  it('a launch restored from its log carries on exactly as the live one would have', () => {
    const live = new WarRoom();
    live.send(readings(0, 12, { ...PLAN, uv: 70 }), clock(12));
    live.tick(clock(13));
    const restored = fold(live);

    const next = (state: LaunchState) => {
      const send = (from: number, to: number, uv: number, nowMs: number) =>
        ingest(
          state,
          readings(from, to, { ...PLAN, uv }).map((r, index) => ({ index, reading: r })),
          nowMs,
        ).events;
      const events = [...send(12, 15, 70, clock(15)), ...tick(state, clock(20))];
      const ack = acknowledge(state, alertKey(15, 'uv'), { by: '李推广' }, clock(21));
      if (!ack.ok) throw new Error(ack.message);
      events.push(...ack.events, ...send(2, 3, 500, clock(22)), ...tick(state, clock(30)));
      return events;
    };
    const liveEvents = next(live.state);
    const restoredEvents = next(restored);
    expect(restoredEvents).toEqual(liveEvents);
    expect(liveEvents.length).toBeGreaterThan(5);
    expect(essence(restored)).toEqual(essence(live.state));
  });

  it('a restored launch still knows which minutes are in: a re-send after restart is a duplicate', () => {
    const live = new WarRoom();
    live.send(readings(0, 15), clock(15));
    const restored = fold(live);
    const outcome = ingest(restored, [{ index: 0, reading: reading(7) }], clock(16));
    expect(outcome).toMatchObject({ accepted: 0, duplicates: 1, events: [] });
  });

  it('a restored launch does not raise a second data gap or escalate a second time', () => {
    const live = new WarRoom(makeLaunch({ checkpoints: [15] }));
    live.send(readings(0, 10), clock(10));
    live.tick(clock(16));
    live.tick(clock(21));
    expect(live.alert(15, 'data-gap')?.escalated).toBe(true);
    const restored = fold(live);
    expect(tick(restored, clock(22))).toEqual([]);
    expect(tick(restored, clock(60))).toEqual([]);
  });

  it('the clock and simulation facts fold too: the clock only moves forward, the simulation is remembered', () => {
    const room = new WarRoom();
    const state = initialState(room.launch);
    evolve(state, {
      type: 'simulation.started',
      simulationId: 'sim-1',
      scenario: 'feed-outage',
      speed: 10,
      seed: 42,
      now: '2026-11-11T10:00:00+08:00',
    });
    evolve(state, { type: 'clock.advanced', now: '2026-11-11T10:20:00.500+08:00' });
    evolve(state, { type: 'clock.advanced', now: '2026-11-11T10:10:00+08:00' });
    expect(state.nowMs).toBe(clock(20, 0.5));
    expect(state.simulation).toEqual({
      simulationId: 'sim-1',
      scenario: 'feed-outage',
      speed: 10,
      seed: 42,
      running: true,
    });
    evolve(state, {
      type: 'simulation.stopped',
      simulationId: 'other',
      reason: 'stopped',
      now: '2026-11-11T10:21:00+08:00',
    });
    expect(state.simulation?.running).toBe(true);
    evolve(state, {
      type: 'simulation.stopped',
      simulationId: 'sim-1',
      reason: 'finished',
      now: '2026-11-11T10:22:00+08:00',
    });
    expect(state.simulation?.running).toBe(false);
    expect(state.nowMs).toBe(clock(22));
  });
});
