/**
 * Fixtures for the engine tests: a launch on a fixed date with a steady per-minute plan, and a
 * small "war room" that drives the engine the way the server does (commands in, facts recorded
 * to a log) with the launch clock always passed explicitly.
 */
import {
  type Alert,
  type CheckpointResult,
  type Launch,
  type LaunchEventBody,
  type ComparedMetric,
  type OrderMetric,
  type MetricComparison,
  type MetricValues,
  type ReadingInput as ReadingInputT,
  LaunchInput,
  ReadingInput,
  defaultCheckpoints,
  type LaunchState,
  evolve,
  initialState,
} from '@warroom/shared';
import {
  type AckOutcome,
  type IngestOutcome,
  acknowledge,
  createLaunch,
  ingest,
  startSimulation,
  tick,
} from '../../server/src/engine/index';

export const LAUNCH_ID = 'launch-1';
/** 开团 at 10:00 Beijing time on 11 November. */
export const START = '2026-11-11T10:00:00+08:00';
export const START_MS = Date.parse(START);
export const MINUTE = 60_000;

/** The launch-clock instant `minute` minutes and `seconds` seconds after 开团. */
export function clock(minute: number, seconds = 0): number {
  return START_MS + minute * MINUTE + seconds * 1000;
}

/** The plan every minute of the default test launch: 100 visitors, 10 units, ¥1000. */
export const PLAN = { uv: 100, units: 10, gmv: 1000 } as const;

export type Values = Partial<MetricValues & Record<OrderMetric, number>>;

/** The same forecast point for every minute 0 … duration − 1. */
export function steadyForecast(duration: number, values: Values = PLAN): ({ minute: number } & Values)[] {
  return Array.from({ length: duration }, (_, minute) => ({ minute, ...values }));
}

/** The checkpoints after 开团 that compare the launch's metrics: 15, 25, 45, 60, then every 30. */
export function laterCheckpoints(duration: number): number[] {
  return defaultCheckpoints(duration).filter((t) => t >= 15);
}

/**
 * A launch starting at START, 60 minutes long (checkpoints 15, 25, 45, 60 — the team's T+5 check of
 * favourites and units is left out unless asked for) with the steady PLAN, created 30 minutes before
 * 开团 unless told otherwise. Overrides go through the LaunchInput schema.
 */
export function makeLaunch(overrides: Record<string, unknown> = {}, createdAtMs = clock(-30)): Launch {
  const duration = (overrides.durationMinutes as number | undefined) ?? 60;
  const input = LaunchInput.parse({
    name: '双11 开团 · 保温杯',
    startAt: START,
    durationMinutes: duration,
    ...(laterCheckpoints(duration).length > 0 ? { checkpoints: laterCheckpoints(duration) } : {}),
    forecast: steadyForecast(duration),
    ...overrides,
  });
  return createLaunch(input, LAUNCH_ID, createdAtMs);
}

/** One reading for `minute`, validated as a pusher's reading would be. */
export function reading(minute: number, values: Values = PLAN): ReadingInputT {
  return ReadingInput.parse({ minute, ...values });
}

/** Readings for minutes from … to − 1, all with the same values. */
export function readings(from: number, to: number, values: Values = PLAN): ReadingInputT[] {
  return Array.from({ length: to - from }, (_, i) => reading(from + i, values));
}

/** The plan scaled by `factor` (1.2 = 20% over plan); exact because PLAN values are integers. */
export function scaled(factor: number): Values {
  const round = (x: number) => Math.round(x * 1e6) / 1e6;
  return { uv: round(PLAN.uv * factor), units: round(PLAN.units * factor), gmv: round(PLAN.gmv * factor) };
}

/** Drives one launch's engine and keeps the log of every fact it recorded. */
export class WarRoom {
  readonly state: LaunchState;
  readonly log: LaunchEventBody[];

  constructor(readonly launch: Launch = makeLaunch()) {
    this.state = initialState(launch);
    this.log = [{ type: 'launch.created', launch }];
  }

  send(input: ReadingInputT | ReadingInputT[], nowMs: number): IngestOutcome {
    const list = Array.isArray(input) ? input : [input];
    const outcome = ingest(
      this.state,
      list.map((r, index) => ({ index, reading: r })),
      nowMs,
    );
    this.log.push(...outcome.events);
    return outcome;
  }

  tick(nowMs: number): LaunchEventBody[] {
    const events = tick(this.state, nowMs);
    this.log.push(...events);
    return events;
  }

  ack(id: string, by: string, nowMs: number, action?: string, note?: string): AckOutcome {
    const outcome = acknowledge(this.state, id, { by, action, note }, nowMs);
    if (outcome.ok) this.log.push(...outcome.events);
    return outcome;
  }

  checkpoint(t: number): CheckpointResult | undefined {
    return this.state.checkpoints.get(t);
  }

  metric(t: number, metric: ComparedMetric): MetricComparison {
    const found = this.checkpoint(t)?.metrics.find((m) => m.metric === metric);
    if (!found) throw new Error(`checkpoint ${t} has no result for ${metric}`);
    return found;
  }

  alert(t: number, metric: ComparedMetric | 'data-gap'): Alert | undefined {
    return this.state.alerts.get(alertKey(t, metric));
  }

  alerts(): Alert[] {
    return [...this.state.alerts.values()];
  }

  /** The fold of this room's log onto a fresh state, as a restart would rebuild it. */
  replay(): LaunchState {
    const fresh = initialState(this.launch);
    for (const e of this.log) evolve(fresh, e);
    return fresh;
  }
}

/** Starts a simulation at `speed` on the room's launch a minute before 开团 (its log records it). */
export function simulate(room: WarRoom, speed: number): WarRoom {
  room.log.push(
    ...startSimulation(
      room.state,
      { simulationId: 's1', scenario: 'traffic-shortfall', speed, seed: 1 },
      clock(-1),
    ),
  );
  return room;
}

export function alertKey(t: number, metric: ComparedMetric | 'data-gap'): string {
  return `${LAUNCH_ID}-t${t}-${metric}`;
}

/** The types of the facts recorded, in order. */
export function types(events: readonly LaunchEventBody[]): string[] {
  return events.map((e) => e.type);
}

/**
 * The types of the facts recorded about readings, checkpoints and alerts, in order: what the
 * alert rules decide. The incidents those alerts form are asserted in incidents.test.ts, the
 * notifications they bring in tests/notify/outbox.test.ts.
 */
export function alertTypes(events: readonly LaunchEventBody[]): string[] {
  return types(events).filter((t) => !t.startsWith('incident.') && !t.startsWith('notification.'));
}

/** What a screen sees of a state: readings, checkpoint results, alerts and the clock's high mark. */
export function essence(state: LaunchState) {
  return {
    readings: [...state.readings.values()].sort((a, b) => a.minute - b.minute),
    firstMissing: state.firstMissing,
    checkpoints: [...state.checkpoints.values()].sort((a, b) => a.checkpoint - b.checkpoint),
    alerts: [...state.alerts.values()].sort((a, b) => a.id.localeCompare(b.id)),
    nowMs: state.nowMs,
    lastReadingAtMs: state.lastReadingAtMs,
  };
}
