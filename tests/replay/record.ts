/**
 * A recorded launch for the replay tests: a simulator scenario fed through the engine exactly as the
 * simulation runner does (tick just before a delivery, ingest at it, tick after), with the registry's
 * quarter-second ticks in between, and optionally a real team acknowledging alerts after a delay.
 * The result is a launch log, as the store would hold it.
 */
import {
  type Launch,
  type LaunchEvent,
  type LaunchEventBody,
  LaunchInput,
  MINUTE_MS,
  type Scenario,
  defaultCheckpoints,
  initialState,
} from '@warroom/shared';
import { acknowledge, createLaunch, ingest, tick } from '../../server/src/engine/index';
import { planDeliveries } from '../../server/src/simulator/scenarios';

export const START = '2026-11-11T10:00:00+08:00';
export const START_MS = Date.parse(START);

export interface TeamResponse {
  /** Launch-clock seconds after an alert is raised that the team acknowledges it (null: never). */
  delaySeconds: (alertId: string) => number | null;
  by: string;
  action: (alertId: string) => string;
}

export function recordedLaunch(opts: {
  scenario: Scenario;
  seed: number;
  durationMinutes?: number;
  team?: TeamResponse;
  overrides?: Record<string, unknown>;
}): { launch: Launch; events: LaunchEvent[] } {
  const duration = opts.durationMinutes ?? 120;
  const input = LaunchInput.parse({
    name: '回放测试 · 10:00 场',
    startAt: START,
    durationMinutes: duration,
    // The checkpoints after 开团 the team compares its metrics at (not the T+5 look at favourites).
    checkpoints: defaultCheckpoints(duration).filter((t) => t >= 15),
    stock: 3000,
    price: 99,
    forecast: { template: { uv: 30_000, units: 2_000, gmv: 198_000 } },
    ...opts.overrides,
  });
  const launch = createLaunch(input, 'rec1', START_MS - 30 * MINUTE_MS);
  const state = initialState(launch);
  const events: LaunchEvent[] = [];
  const log = (bodies: readonly LaunchEventBody[]) => {
    for (const b of bodies)
      events.push({
        ...b,
        offset: events.length + 1,
        launchId: launch.id,
        recordedAt: '2026-11-11T02:00:00Z',
      } as LaunchEvent);
  };
  log([{ type: 'launch.created', launch }]);
  const deliveries = planDeliveries(launch, opts.scenario, opts.seed);
  const pendingAcks = new Map<string, number>();
  const clockTo = (untilMs: number) => {
    // The registry's timer: every 250 ms of launch clock, team acknowledgements as they fall due.
    let t = Math.max(state.nowMs, START_MS - MINUTE_MS);
    t = Math.ceil(t / 250) * 250;
    for (; t <= untilMs; t += 250) {
      for (const [id, at] of pendingAcks) {
        if (at > t) continue;
        pendingAcks.delete(id);
        const out = acknowledge(state, id, { by: opts.team!.by, action: opts.team!.action(id) }, at);
        if (out.ok) log(out.events);
      }
      log(tick(state, t));
      noteNewAlerts();
    }
  };
  const noteNewAlerts = () => {
    if (!opts.team) return;
    for (const a of state.alerts.values()) {
      if (a.ackedBy || pendingAcks.has(a.id) || a.status !== 'open') continue;
      const delay = opts.team.delaySeconds(a.id);
      if (delay !== null && !acked.has(a.id)) {
        acked.add(a.id);
        pendingAcks.set(a.id, Date.parse(a.raisedAt) + delay * 1000);
      }
    }
  };
  const acked = new Set<string>();
  for (const d of deliveries) {
    const at = START_MS + d.sendAtMs;
    clockTo(at - 1);
    log(tick(state, at - 1));
    log(
      ingest(
        state,
        d.readings.map((reading, index) => ({ index, reading })),
        at,
      ).events,
    );
    noteNewAlerts();
  }
  clockTo(START_MS + duration * MINUTE_MS + 10 * MINUTE_MS);
  return { launch, events };
}

/** What a replay must reproduce: readings, checkpoints and alert raises/updates, in order. */
export type Comparable = { type: string } & Record<string, unknown>;

export function comparable(bodies: readonly LaunchEventBody[]): Comparable[] {
  return bodies.flatMap((b): Comparable[] => {
    switch (b.type) {
      case 'reading.ingested':
        return [{ type: b.type, reading: b.reading, now: Date.parse(b.now) }];
      case 'checkpoint.evaluated':
        return [{ type: b.type, result: b.result }];
      case 'alert.raised':
      case 'alert.updated': {
        const { ackedBy: _a, ackedAt: _b, action: _c, note: _d, history: _h, status, ...rest } = b.alert;
        return [{ type: b.type, alert: { ...rest, cleared: status === 'cleared' } }];
      }
      default:
        return [];
    }
  });
}
