/**
 * When a launch next needs its clock (engine/schedule.ts): the server's scheduler sleeps until then,
 * so `tick` at any instant before it must record nothing, and at it must record something; the
 * feed's next change is exact the same way.
 */
import { type LaunchState, STALE_AFTER_MS, feedChangesAtMs, feedState } from '@warroom/shared';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';

import { nextDue, nextTickMs, startSimulation, tick } from '../../server/src/engine/index';
import { PLAN, START_MS, WarRoom, alertKey, clock, makeLaunch, reading, readings } from './helpers';

const grace = (room: WarRoom, t: number) => clock(t) + room.launch.graceSeconds * 1000;

describe('the next instant tick records something', () => {
  it('a launch without readings waits for its first checkpoint’s grace deadline', () => {
    const room = new WarRoom();
    expect(nextTickMs(room.state, clock(-10))).toBe(grace(room, 15));
    expect(room.tick(grace(room, 15) - 1)).toEqual([]);
    expect(room.tick(grace(room, 15)).map((e) => e.type)).toContain('checkpoint.evaluated');
  });

  it('a complete checkpoint not yet evaluated is due at once', () => {
    const room = new WarRoom();
    // Folded without the checkpoint's evaluation (a crash between a reading and its evaluation).
    for (const r of readings(0, 15))
      room.state.readings.set(r.minute!, { ...PLAN, pv: 0, fav: 0, cart: 0, orders: 0, minute: r.minute! });
    room.state.firstMissing = 15;
    expect(nextTickMs(room.state, clock(15, 3))).toBe(clock(15, 3));
  });

  it('an open alert is due at its escalation time; acknowledged, it is not', () => {
    const room = new WarRoom(makeLaunch({ checkpoints: [15] }));
    room.send(readings(0, 15, { ...PLAN, uv: 70 }), clock(15)); // raised at 10:15:00
    expect(nextTickMs(room.state, clock(15, 1))).toBe(clock(15) + room.launch.escalateAfterSeconds * 1000);
    room.ack(alertKey(15, 'uv'), '李推广', clock(16));
    expect(nextTickMs(room.state, clock(16))).toBeNull();
  });

  it('an escalation time in the past is due now', () => {
    const room = new WarRoom(makeLaunch({ checkpoints: [15] }));
    room.send(readings(0, 15, { ...PLAN, uv: 70 }), clock(15));
    expect(nextTickMs(room.state, clock(40))).toBe(clock(40));
  });

  it('a simulation’s escalation counts real seconds: its speed stretches the launch-clock time', () => {
    const room = new WarRoom(makeLaunch({ checkpoints: [15] }));
    room.log.push(
      ...startSimulation(
        room.state,
        { simulationId: 's1', scenario: 'traffic-shortfall', speed: 30, seed: 1 },
        clock(-1),
      ),
    );
    room.send(readings(0, 15, { ...PLAN, uv: 70 }), clock(15));
    expect(nextTickMs(room.state, clock(15))).toBe(clock(15) + 30 * room.launch.escalateAfterSeconds * 1000);
  });

  it('a checkpoint whose grace ran out before the launch was created waits for its data: the next one is due', () => {
    const room = new WarRoom(makeLaunch({}, clock(20))); // created at 开团 + 20: checkpoint 15 is past
    expect(nextTickMs(room.state, clock(20))).toBe(grace(room, 25));
    expect(room.tick(grace(room, 25) - 1)).toEqual([]);
  });

  it('a complete checkpoint behind an earlier one still within its grace waits for that grace', () => {
    // Preheat checkpoint −10 lacks minute −20; checkpoint 15 is complete, but tick goes in order and
    // stops at −10 until its grace ends.
    const room = new WarRoom(makeLaunch({ preheatMinutes: 30, checkpoints: [-10, 15] }, clock(-60)));
    room.send(readings(-30, -20), clock(-25));
    room.send(readings(-19, -10), clock(-11));
    const now = clock(-10, 1);
    for (const r of readings(0, 15))
      room.state.readings.set(r.minute!, { ...PLAN, pv: 0, fav: 0, cart: 0, orders: 0, minute: r.minute! });
    room.state.firstMissing = 15;
    expect(nextTickMs(room.state, now)).toBe(grace(room, -10));
    expect(room.tick(grace(room, -10) - 1)).toEqual([]);
    const events = room.tick(grace(room, -10));
    expect(
      events
        .filter((e) => e.type === 'checkpoint.evaluated')
        .map((e) => e.type === 'checkpoint.evaluated' && e.result.checkpoint),
    ).toEqual([-10, 15]);
  });

  it('a launch with every checkpoint evaluated and nothing open needs no tick', () => {
    const room = new WarRoom(makeLaunch({ checkpoints: [15] }));
    room.send(readings(0, 15), clock(15));
    expect(nextTickMs(room.state, clock(15))).toBeNull();
  });
});

describe('the next instant the feed state changes', () => {
  it('waiting turns stale two minutes after 开团 without readings; then it ends', () => {
    const room = new WarRoom();
    const at = START_MS + STALE_AFTER_MS + 1;
    expect(feedChangesAtMs(room.state, clock(-5))).toBe(at);
    expect(feedState(room.state, at - 1)).toBe('waiting');
    expect(feedState(room.state, at)).toBe('stale');
    expect(feedChangesAtMs(room.state, at)).toBe(clock(60));
    expect(feedChangesAtMs(room.state, clock(60))).toBeNull();
  });

  it('live turns stale two minutes after the last reading', () => {
    const room = new WarRoom();
    room.send(reading(0), clock(0, 30));
    expect(feedChangesAtMs(room.state, clock(1))).toBe(clock(0, 30) + STALE_AFTER_MS + 1);
  });

  it('a launch ending first changes at its end', () => {
    const room = new WarRoom();
    room.send(reading(58), clock(59, 30));
    expect(nextDue(room.state, clock(59, 31)).feedMs).toBe(clock(60));
  });
});

/** One thing that happens on a generated launch day, `after` launch-clock seconds after the last. */
type Step =
  | { after: number; kind: 'readings'; from: number; count: number; uvPct: number }
  | { after: number; kind: 'ack'; pick: number }
  | { after: number; kind: 'tick' };

const step: fc.Arbitrary<Step> = fc.oneof(
  fc.record({
    after: fc.integer({ min: 0, max: 400 }),
    kind: fc.constant('readings' as const),
    from: fc.integer({ min: -30, max: 59 }),
    count: fc.integer({ min: 1, max: 20 }),
    uvPct: fc.integer({ min: 40, max: 160 }),
  }),
  fc.record({ after: fc.integer({ min: 0, max: 400 }), kind: fc.constant('ack' as const), pick: fc.nat() }),
  fc.record({ after: fc.integer({ min: 0, max: 400 }), kind: fc.constant('tick' as const) }),
);

const day = fc.record({
  checkpoints: fc.subarray([-10, 5, 15, 25, 45, 60], { minLength: 1 }),
  graceSeconds: fc.integer({ min: 0, max: 300 }),
  escalateAfterSeconds: fc.integer({ min: 1, max: 900 }),
  createdMinute: fc.integer({ min: -40, max: 30 }),
  speed: fc.option(fc.integer({ min: 2, max: 60 }), { nil: undefined }),
  steps: fc.array(step, { maxLength: 25 }),
  // Where, in launch-clock ms after the last step, the scheduler asks and the clock then lands.
  askAfter: fc.integer({ min: 0, max: 600_000 }),
  probes: fc.array(fc.double({ min: 0, max: 1, noNaN: true }), { minLength: 1, maxLength: 8 }),
});

type Day = typeof day extends fc.Arbitrary<infer T> ? T : never;

/** Plays a generated day on a room; returns the launch-clock instant it ends at. */
function play(d: Day): { room: WarRoom; now: number } {
  const room = new WarRoom(
    makeLaunch(
      {
        preheatMinutes: 30,
        checkpoints: d.checkpoints,
        graceSeconds: d.graceSeconds,
        escalateAfterSeconds: d.escalateAfterSeconds,
      },
      clock(d.createdMinute),
    ),
  );
  let now = clock(d.createdMinute);
  if (d.speed !== undefined)
    room.log.push(
      ...startSimulation(
        room.state,
        { simulationId: 's', scenario: 'traffic-shortfall', speed: d.speed, seed: 1 },
        now,
      ),
    );
  for (const s of d.steps) {
    now += s.after * 1000;
    if (s.kind === 'readings') {
      const to = Math.min(s.from + s.count, 60);
      const uv = Math.round((PLAN.uv * s.uvPct) / 100);
      room.send(readings(s.from, to, { ...PLAN, uv }), now);
    } else if (s.kind === 'ack') {
      const open = [...room.state.alerts.values()].filter((a) => a.ackedBy === null);
      const a = open[s.pick % Math.max(1, open.length)];
      if (a) room.ack(a.id, '李推广', now);
    } else {
      room.tick(now);
    }
  }
  return { room, now: now + d.askAfter };
}

function snapshotOf(state: LaunchState): number {
  return state.offset + state.alerts.size + state.checkpoints.size + state.incidents.size;
}

describe('properties over generated launch days', () => {
  it('tick records nothing before the next-due instant, and something at it', () => {
    fc.assert(
      fc.property(day, (d) => {
        const { room, now } = play(d);
        const due = nextTickMs(room.state, now);
        const before = snapshotOf(room.state);
        // Probes in [now, due): ascending, as a clock moves (none records, so the state stands).
        const horizon = due ?? now + 6 * 3600_000;
        const probes = [...d.probes].sort((a, b) => a - b).map((p) => now + Math.floor(p * (horizon - now)));
        for (const x of probes) {
          if (x >= horizon) continue;
          expect(tick(room.state, x)).toEqual([]);
        }
        if (horizon > now) expect(tick(room.state, horizon - 1)).toEqual([]);
        expect(snapshotOf(room.state)).toBe(before);
        if (due !== null) expect(tick(room.state, due).length).toBeGreaterThan(0);
      }),
      { numRuns: 300 },
    );
  });

  it('the feed state holds before its next change, and differs at it', () => {
    fc.assert(
      fc.property(day, (d) => {
        const { room, now } = play(d);
        const at = feedChangesAtMs(room.state, now);
        const was = feedState(room.state, now);
        const horizon = at ?? now + 24 * 3600_000;
        for (const p of d.probes) {
          const x = now + Math.floor(p * (horizon - now - 1));
          if (x < horizon) expect(feedState(room.state, x)).toBe(was);
        }
        if (at !== null) expect(feedState(room.state, at)).not.toBe(was);
        else expect(was).toBe('ended');
      }),
      { numRuns: 300 },
    );
  });
});
