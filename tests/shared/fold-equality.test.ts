/**
 * One fold: the same fact log gives the same launch state on the server (the runtime's fold) and in
 * a screen's store (a snapshot taken part-way, sent over the wire as JSON, then the rest of the log
 * in batches as pushes bring it) — for every simulator scenario and for generated launch days.
 */
import fc from 'fast-check';
import { beforeEach, describe, expect, it } from 'vitest';
import {
  type LaunchEvent,
  type LaunchEventBody,
  type LaunchSnapshot,
  type LaunchState,
  SCENARIOS,
  foldLog,
  toSnapshot,
} from '@warroom/shared';
import { useStore } from '../../client/src/store';
import { startSimulation, stopSimulation, tickOffTask, updateRunSheet } from '../../server/src/engine/index';
import { PLAN, WarRoom, clock, makeLaunch, reading } from '../engine/helpers';
import { recordedLaunch } from '../replay/record';

/** The launch state as a comparable value: collections in a fixed order, engine caches left out. */
function essence(s: LaunchState) {
  const byKey = <V>(m: Map<string | number, V>) =>
    [...m.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([, v]) => v);
  return {
    launch: s.launch,
    startMs: s.startMs,
    readings: byKey(s.readings),
    firstMissing: s.firstMissing,
    checkpoints: byKey(s.checkpoints),
    alerts: byKey(s.alerts),
    offset: s.offset,
    nowMs: s.nowMs,
    lastReadingAtMs: s.lastReadingAtMs,
    simulation: s.simulation,
    runSheetDone: byKey(s.runSheetDone),
  };
}

/** What a screen holds after a snapshot at `cut` and the rest of the log in batches of `sizes`. */
function clientState(events: readonly LaunchEvent[], cut: number, sizes: readonly number[]) {
  const key = events[0]!.launchId;
  const server = foldLog(events.slice(0, cut));
  const wire = JSON.parse(JSON.stringify(toSnapshot(server, server.nowMs + 12_345, 1))) as LaunchSnapshot;
  const store = useStore.getState();
  store.loadSnapshot(wire);
  let at = cut;
  for (let i = 0; at < events.length; i++) {
    const n = Math.max(1, sizes[i % Math.max(1, sizes.length)] ?? 1);
    store.applyEvents(key, JSON.parse(JSON.stringify(events.slice(at, at + n))) as LaunchEvent[]);
    at += n;
  }
  return useStore.getState().launches.get(key)!;
}

function logOf(bodies: readonly LaunchEventBody[], launchId: string): LaunchEvent[] {
  return bodies.map(
    (b, i) => ({ ...b, offset: i + 1, launchId, recordedAt: '2026-11-11T02:00:00Z' }) as LaunchEvent,
  );
}

beforeEach(() => useStore.getState().reset());

describe('the server and a screen fold a log to the same state', () => {
  for (const scenario of SCENARIOS) {
    it(`${scenario}: snapshot part-way, then the rest in batches`, () => {
      const { events } = recordedLaunch({
        scenario,
        seed: 7,
        team: { delaySeconds: () => 90, by: '王芳', action: () => '直通车加价/放开限额' },
      });
      expect(events.length).toBeGreaterThan(100);
      const server = foldLog(events);
      for (const [cut, sizes] of [
        [1, [1]],
        [Math.floor(events.length / 3), [7, 1, 30]],
        [events.length - 5, [2]],
      ] as const) {
        useStore.getState().reset();
        expect(essence(clientState(events, cut, sizes))).toEqual(essence(server));
      }
    });
  }

  it('generated launch days: readings, ticks, acknowledgements, run-sheet edits and simulations', () => {
    const command = fc.oneof(
      fc.record({
        kind: fc.constant('readings' as const),
        from: fc.integer({ min: -5, max: 59 }),
        n: fc.integer({ min: 1, max: 12 }),
        level: fc.integer({ min: 40, max: 160 }),
      }),
      fc.record({ kind: fc.constant('tick' as const), minutes: fc.integer({ min: 0, max: 15 }) }),
      fc.record({ kind: fc.constant('ack' as const), pick: fc.nat() }),
      fc.record({ kind: fc.constant('runsheet' as const), pick: fc.nat() }),
      fc.record({ kind: fc.constant('simulation' as const), speed: fc.integer({ min: 1, max: 60 }) }),
    );
    fc.assert(
      fc.property(
        fc.array(command, { minLength: 1, maxLength: 40 }),
        fc.nat(),
        fc.array(fc.integer({ min: 1, max: 9 }), { minLength: 1, maxLength: 5 }),
        (commands, cutAt, sizes) => {
          const room = new WarRoom(makeLaunch());
          let now = clock(-10);
          let simulation = 0;
          for (const c of commands) {
            if (c.kind === 'readings') {
              now = Math.max(now, clock(Math.min(59, c.from + c.n)));
              const values = {
                uv: (PLAN.uv * c.level) / 100,
                units: Math.round((PLAN.units * c.level) / 100),
              };
              const list = Array.from({ length: c.n }, (_, i) => c.from + i)
                .filter((m) => m < 60)
                .map((m) => reading(m, { ...values, uv: Math.round(values.uv), gmv: PLAN.gmv }));
              room.send(list, now);
            } else if (c.kind === 'tick') {
              now += c.minutes * 60_000 + 250;
              room.tick(now);
            } else if (c.kind === 'ack') {
              const open = room.alerts().filter((a) => a.status === 'open');
              const a = open[c.pick % Math.max(1, open.length)];
              if (a) room.ack(a.id, '王芳', now, '钻展加投');
            } else if (c.kind === 'runsheet') {
              const tasks = room.state.launch.runSheet ?? [];
              const task = tasks[c.pick % Math.max(1, tasks.length)];
              if (c.pick % 3 === 0)
                room.log.push(...updateRunSheet(room.state, tasks.slice(1), '管理员', now));
              else if (task) {
                const done = tickOffTask(room.state, task.id, '王芳', now);
                if (done.ok) room.log.push(...done.events);
              }
            } else if (room.state.simulation?.running) {
              room.log.push(...stopSimulation(room.state, `s${simulation}`, 'stopped', now));
            } else {
              simulation++;
              const settings = {
                simulationId: `s${simulation}`,
                scenario: 'on-plan' as const,
                speed: c.speed,
                seed: 1,
              };
              room.log.push(...startSimulation(room.state, settings, now));
            }
          }
          const events = logOf(room.log, room.launch.id);
          const server = foldLog(events);
          expect(essence(server)).toEqual({ ...essence(room.state), offset: events.length });
          useStore.getState().reset();
          const cut = 1 + (cutAt % events.length);
          expect(essence(clientState(events, cut, sizes))).toEqual(essence(server));
        },
      ),
      { numRuns: 150 },
    );
  });
});
