/**
 * Properties of the engine over generated launch days: results do not depend on how readings
 * arrive, sums are exact, the tolerance line is exactly where exact arithmetic puts it, and the
 * state is always the fold of the log.
 */
import {
  type Alert,
  type CheckpointResult,
  type ReadingInput,
  type LaunchState,
  evolve,
  initialState,
} from '@warroom/shared';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';

import { PLAN, WarRoom, clock, essence, makeLaunch, reading, steadyForecast } from './helpers';

const DURATION = 60; // checkpoints 15, 25, 45, 60

/** One minute's numbers as integers: visitors, page views, units and gmv in fen. */
interface Minute {
  minute: number;
  uv: number;
  pv: number;
  units: number;
  gmvFen: number;
}

function toReading(m: Minute): ReadingInput {
  return reading(m.minute, { uv: m.uv, pv: m.pv, units: m.units, gmv: m.gmvFen / 100 });
}

/**
 * A launch day: an overall level against plan (50%–150%) with per-minute noise, so runs land
 * below, inside and above the band; `present` drops about one minute in ten when gaps are wanted.
 */
function day(withGaps: boolean): fc.Arbitrary<Minute[]> {
  const minute = fc.record({
    noise: fc.integer({ min: -25, max: 25 }),
    pv: fc.integer({ min: 0, max: 1000 }),
    fen: fc.integer({ min: 0, max: 99 }),
    present: withGaps ? fc.integer({ min: 0, max: 9 }).map((n) => n > 0) : fc.constant(true),
  });
  return fc.integer({ min: 50, max: 150 }).chain((level) =>
    fc.array(minute, { minLength: DURATION, maxLength: DURATION }).map((mins) =>
      mins.flatMap((m, i) => {
        if (!m.present) return [];
        const pct = Math.max(0, level + m.noise);
        return [
          {
            minute: i,
            uv: Math.round((PLAN.uv * pct) / 100),
            pv: m.pv,
            units: Math.round((PLAN.units * pct) / 100),
            gmvFen: Math.round(PLAN.gmv * pct) + m.fen,
          },
        ];
      }),
    ),
  );
}

/** The day's readings in a random order with random repeats, cut into random batches. */
function arrivals(minutes: Minute[]): fc.Arbitrary<ReadingInput[][]> {
  return fc
    .subarray(minutes)
    .chain((repeats) => {
      const all = [...minutes, ...repeats];
      return fc.tuple(
        fc.shuffledSubarray(all, { minLength: all.length, maxLength: all.length }),
        fc.array(fc.integer({ min: 1, max: 25 }), { minLength: 1, maxLength: 40 }),
      );
    })
    .map(([sequence, sizes]) => {
      const batches: ReadingInput[][] = [];
      let i = 0;
      for (let k = 0; i < sequence.length; k++) {
        const size = sizes[k % sizes.length]!;
        batches.push(sequence.slice(i, i + size).map(toReading));
        i += size;
      }
      return batches;
    });
}

const scenario = (withGaps: boolean) =>
  day(withGaps).chain((minutes) => fc.tuple(fc.constant(minutes), arrivals(minutes)));

/** The same day sent once, in minute order, in one batch. */
function inOrder(minutes: Minute[], launch = makeLaunch(), nowMs = clock(DURATION)): WarRoom {
  const room = new WarRoom(launch);
  room.send(minutes.map(toReading), nowMs);
  return room;
}

/** A checkpoint result and an alert without the times and revision counters of their arrival. */
const outcome = ({ checkpoint, complete, missingMinutes, metrics }: CheckpointResult) => ({
  checkpoint,
  complete,
  missingMinutes,
  metrics,
});
const standing = (a: Alert) => ({
  id: a.id,
  kind: a.kind,
  direction: a.direction,
  severity: a.severity,
  deviation: a.deviation,
  actual: a.actual,
  forecast: a.forecast,
  missingMinutes: a.missingMinutes,
  owner: a.owner,
});
const sortedCheckpoints = (s: LaunchState) =>
  [...s.checkpoints.values()].sort((a, b) => a.checkpoint - b.checkpoint).map(outcome);
const sortedAlerts = (alerts: Iterable<Alert>) => [...alerts].sort((a, b) => a.id.localeCompare(b.id));

describe('results do not depend on how the readings arrive', () => {
  it('shuffled, repeated and batched readings, clock at the end: the same checkpoints and alerts as one in-order send', () => {
    fc.assert(
      fc.property(scenario(true), ([minutes, batches]) => {
        const expected = inOrder(minutes);
        const room = new WarRoom();
        for (const batch of batches) room.send(batch, clock(DURATION));
        expect(essence(room.state)).toEqual(essence(expected.state));
      }),
      { numRuns: 150 },
    );
  });

  it('reviewing a past launch (created after it ended) with the clock ticking between batches: the same results', () => {
    fc.assert(
      fc.property(scenario(true), ([minutes, batches]) => {
        const created = clock(24 * 60);
        const expected = inOrder(minutes, makeLaunch({}, created), created);
        const room = new WarRoom(makeLaunch({}, created));
        batches.forEach((batch, i) => {
          room.send(batch, created + i * 1000);
          room.tick(created + i * 1000 + 500);
        });
        expect(sortedCheckpoints(room.state)).toEqual(sortedCheckpoints(expected.state));
        expect(sortedAlerts(room.state.alerts.values()).map(standing)).toEqual(
          sortedAlerts(expected.state.alerts.values()).map(standing),
        );
      }),
      { numRuns: 100 },
    );
  });

  it('live, with the feed down past every grace and then back-filled: every gap clears and the standing breaches match', () => {
    fc.assert(
      fc.property(scenario(false), fc.integer({ min: 0, max: 3 }), ([minutes, batches], before) => {
        const expected = inOrder(minutes);
        const room = new WarRoom();
        const late = clock(DURATION + 1);
        batches.forEach((batch, i) => {
          const nowMs = i < before ? clock(DURATION) : late + i * 1000;
          room.send(batch, nowMs);
          room.tick(nowMs);
        });
        expect(sortedCheckpoints(room.state)).toEqual(sortedCheckpoints(expected.state));
        const alerts = sortedAlerts(room.state.alerts.values());
        for (const gap of alerts.filter((a) => a.kind === 'data-gap')) expect(gap.status).toBe('cleared');
        const active = alerts.filter((a) => a.kind === 'breach' && a.status !== 'cleared');
        expect(active.map(standing)).toEqual(sortedAlerts(expected.state.alerts.values()).map(standing));
      }),
      { numRuns: 100 },
    );
  });
});

describe('sums are exact', () => {
  it('each checkpoint’s actual is the sum of the present minutes before it, its forecast the plan for those minutes', () => {
    fc.assert(
      fc.property(day(true), (minutes) => {
        const room = new WarRoom();
        room.send(minutes.map(toReading), clock(DURATION));
        room.tick(clock(DURATION + 2)); // incomplete checkpoints evaluate what is there
        for (const t of room.launch.checkpoints) {
          const window = minutes.filter((m) => m.minute < t);
          const sum = (f: (m: Minute) => number) => window.reduce((acc, m) => acc + f(m), 0);
          expect(room.checkpoint(t)?.complete).toBe(window.length === t);
          expect(room.metric(t, 'uv')).toMatchObject({
            actual: sum((m) => m.uv),
            forecast: PLAN.uv * window.length,
          });
          expect(room.metric(t, 'units').actual).toBe(sum((m) => m.units));
          expect(room.metric(t, 'gmv')).toMatchObject({
            actual: sum((m) => m.gmvFen) / 100,
            forecast: PLAN.gmv * window.length,
          });
        }
      }),
      { numRuns: 100 },
    );
  });
});

describe('the tolerance line is where exact arithmetic puts it', () => {
  /** Totals (in fen for gmv, in hundredths for the uv forecast) and the tolerance in percent. */
  const line = fc
    .record({
      tolPct: fc.integer({ min: 1, max: 50 }),
      minutes: fc.integer({ min: 1, max: 5 }),
      wholeYuan: fc.boolean(),
      gmvForecast: fc.array(fc.integer({ min: 0, max: 200_000 }), { minLength: 5, maxLength: 5 }),
      uvForecast: fc.array(fc.integer({ min: 0, max: 20_000 }), { minLength: 5, maxLength: 5 }),
      gmvAim: fc.constantFrom('random', 'edge', 'edge±1', 'double', 'double±1'),
      uvAim: fc.constantFrom('random', 'edge', 'edge±1', 'double', 'double±1'),
      sign: fc.constantFrom(-1, 1),
      nudge: fc.constantFrom(-1, 1),
      random: fc.integer({ min: 0, max: 1_000_000 }),
    })
    .map((c) => ({
      ...c,
      gmvForecast: c.gmvForecast.slice(0, c.minutes).map((f) => (c.wholeYuan ? f - (f % 100) : f)),
      uvForecast: c.uvForecast.slice(0, c.minutes).map((f) => (c.wholeYuan ? f - (f % 100) : f)),
    }));

  /** An actual total aimed at (or just past) the tolerance or twice it, in the forecast's units. */
  function aim(kind: string, forecast: number, tolPct: number, sign: number, nudge: number, random: number) {
    const edge = Math.floor((forecast * tolPct) / 100);
    const base: Record<string, number> = {
      random,
      edge: forecast + sign * edge,
      'edge±1': forecast + sign * edge + nudge,
      double: forecast + sign * 2 * edge,
      'double±1': forecast + sign * 2 * edge + nudge,
    };
    return Math.max(0, base[kind]!);
  }

  /** Exact expectation: breach iff |a − f| > tol·f, critical iff |a − f| > 2·tol·f, in integers. */
  function expected(actual: bigint, forecast: bigint, tolPct: bigint) {
    if (forecast === 0n) return { breach: null, severity: null };
    const diff = actual > forecast ? actual - forecast : forecast - actual;
    if (diff * 100n <= tolPct * forecast) return { breach: null, severity: null };
    return {
      breach: actual > forecast ? 'over' : 'under',
      severity: diff * 100n > 2n * tolPct * forecast ? 'critical' : 'warning',
    };
  }

  it('breach iff |actual − forecast| > tolerance × forecast; critical iff beyond twice that', () => {
    fc.assert(
      fc.property(line, (c) => {
        const gmvF = c.gmvForecast.reduce((a, b) => a + b, 0);
        const uvF = c.uvForecast.reduce((a, b) => a + b, 0); // hundredths of a visitor
        const gmvA = aim(c.gmvAim, gmvF, c.tolPct, c.sign, c.nudge, c.random);
        // visitors are whole: aim in hundredths, then round to a whole count
        const uvA = Math.round(aim(c.uvAim, uvF, c.tolPct, c.sign, c.nudge * 100, c.random) / 100);
        const launch = makeLaunch({
          tolerance: c.tolPct / 100,
          checkpoints: [c.minutes],
          forecast: steadyForecast(60, {}).map((p, i) =>
            i < c.minutes ? { ...p, gmv: c.gmvForecast[i]! / 100, uv: c.uvForecast[i]! / 100, units: 1 } : p,
          ),
        });
        const room = new WarRoom(launch);
        const split = (total: number, i: number) =>
          i === 0 ? total - Math.floor(total / c.minutes) * (c.minutes - 1) : Math.floor(total / c.minutes);
        const sent = Array.from({ length: c.minutes }, (_, i) =>
          reading(i, { gmv: split(gmvA, i) / 100, uv: split(uvA, i), units: 1 }),
        );
        room.send(sent, clock(c.minutes));
        expect(room.metric(c.minutes, 'gmv')).toMatchObject(
          expected(BigInt(gmvA), BigInt(gmvF), BigInt(c.tolPct)),
        );
        expect(room.metric(c.minutes, 'uv')).toMatchObject(
          expected(BigInt(uvA) * 100n, BigInt(uvF), BigInt(c.tolPct)),
        );
        expect(room.metric(c.minutes, 'units')).toMatchObject({ breach: null, deviation: 0 });
      }),
      { numRuns: 500 },
    );
  });
});

describe('the state is the fold of the log', () => {
  /**
   * What can happen on launch day, relative to the launch clock: a pusher sending a run of recent
   * minutes (the usual), scattered readings and corrections for any minute (late, duplicate or in
   * the future), the clock ticking, a supervisor acknowledging some alert.
   */
  type Command =
    | { kind: 'run'; advance: number; back: number; length: number; uv: number; gmvFen: number }
    | { kind: 'scatter'; advance: number; readings: { rel: number; uv: number; gmvFen: number }[] }
    | { kind: 'tick'; advance: number }
    | { kind: 'ack'; advance: number; pick: number; by: string };

  const uv = fc.integer({ min: 40, max: 160 });
  const gmvFen = fc.integer({ min: 40_000, max: 160_000 });
  const command: fc.Arbitrary<Command> = fc.oneof(
    {
      weight: 4,
      arbitrary: fc.record({
        kind: fc.constant('run' as const),
        advance: fc.integer({ min: 0, max: 120_000 }),
        back: fc.integer({ min: -2, max: 20 }),
        length: fc.integer({ min: 1, max: 20 }),
        uv,
        gmvFen,
      }),
    },
    {
      weight: 2,
      arbitrary: fc.record({
        kind: fc.constant('scatter' as const),
        advance: fc.integer({ min: 0, max: 60_000 }),
        readings: fc.array(fc.record({ rel: fc.integer({ min: -70, max: 4 }), uv, gmvFen }), {
          maxLength: 8,
        }),
      }),
    },
    {
      weight: 2,
      arbitrary: fc.record({
        kind: fc.constant('tick' as const),
        advance: fc.integer({ min: 0, max: 400_000 }),
      }),
    },
    {
      weight: 1,
      arbitrary: fc.record({
        kind: fc.constant('ack' as const),
        advance: fc.integer({ min: 0, max: 60_000 }),
        pick: fc.nat(),
        by: fc.constantFrom('李推广', '王运营', '赵客服'),
      }),
    },
  );

  /** Plays the commands on a fresh default launch, the clock starting two minutes before 开团. */
  function play(commands: Command[]): WarRoom {
    const room = new WarRoom();
    let now = clock(-2);
    const send = (list: { minute: number; uv: number; gmvFen: number }[]) =>
      room.send(
        list.map((r) => reading(r.minute, { uv: r.uv, units: 10, gmv: r.gmvFen / 100 })),
        now,
      );
    for (const c of commands) {
      now += c.advance;
      const current = Math.floor((now - clock(0)) / 60_000);
      if (c.kind === 'run') {
        const from = current - c.back;
        send(Array.from({ length: c.length }, (_, i) => ({ minute: from + i, uv: c.uv, gmvFen: c.gmvFen })));
      } else if (c.kind === 'scatter') {
        send(c.readings.map((r) => ({ minute: current + r.rel, uv: r.uv, gmvFen: r.gmvFen })));
      } else if (c.kind === 'tick') {
        room.tick(now);
      } else {
        const alerts = room.alerts();
        if (alerts.length > 0) room.ack(alerts[c.pick % alerts.length]!.id, c.by, now);
      }
    }
    return room;
  }

  const launchDay = fc.array(command, { minLength: 10, maxLength: 80 });

  it('every evaluated checkpoint reflects the latest readings of its window, however they were corrected', () => {
    fc.assert(
      fc.property(launchDay, (commands) => {
        const room = play(commands);
        for (const result of room.state.checkpoints.values()) {
          const t = result.checkpoint;
          const window = [...room.state.readings.values()].filter((r) => r.minute >= 0 && r.minute < t);
          const fen = window.reduce((acc, r) => acc + Math.round(r.gmv * 100), 0);
          expect(result.complete).toBe(window.length === t);
          expect(result.missingMinutes.length).toBe(t - window.length);
          expect(room.metric(t, 'uv')).toMatchObject({
            actual: window.reduce((acc, r) => acc + r.uv, 0),
            forecast: PLAN.uv * window.length,
          });
          expect(room.metric(t, 'gmv')).toMatchObject({
            actual: fen / 100,
            forecast: PLAN.gmv * window.length,
          });
          for (const m of result.metrics) {
            const alert = room.state.alerts.get(`${room.launch.id}-t${t}-${m.metric}`);
            if (m.breach) expect(alert).toMatchObject({ direction: m.breach, actual: m.actual });
            if (m.breach) expect(alert?.status).not.toBe('cleared');
            else if (alert) expect(alert.status).toBe('cleared');
          }
          const gap = room.state.alerts.get(`${room.launch.id}-t${t}-data-gap`);
          if (gap) expect(gap.status === 'cleared').toBe(result.complete);
        }
      }),
      { numRuns: 200 },
    );
  });

  it('replaying the recorded facts onto a fresh state gives the live state, whatever happened', () => {
    fc.assert(
      fc.property(launchDay, (commands) => {
        const room = play(commands);
        const replayed = initialState(room.launch);
        for (const e of JSON.parse(JSON.stringify(room.log)) as typeof room.log) evolve(replayed, e);
        expect(essence(replayed)).toEqual(essence(room.state));
      }),
      { numRuns: 150 },
    );
  });

  it('an alert is never duplicated: one per checkpoint and metric, ids as the launch, checkpoint and metric say', () => {
    fc.assert(
      fc.property(scenario(true), ([, batches]) => {
        const room = new WarRoom();
        batches.forEach((batch, i) => {
          room.send(batch, clock(DURATION) + i * 20_000);
          room.tick(clock(DURATION) + i * 20_000);
        });
        const raised = room.log.flatMap((e) => (e.type === 'alert.raised' ? [e.alert.id] : []));
        expect(new Set(raised).size).toBe(raised.length);
        for (const a of room.alerts()) {
          expect(a.id).toBe(`${a.launchId}-t${a.checkpoint}-${a.metric ?? 'data-gap'}`);
        }
      }),
      { numRuns: 50 },
    );
  });
});
