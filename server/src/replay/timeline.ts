/**
 * A replay's timeline, precomputed once from a launch's log: the inputs the engine saw (readings at
 * their recorded launch-clock times, clock ticks at the times the clock decided something), and
 * the facts that re-running them gives. Pure: no clock, no I/O.
 *
 * The engine is deterministic, so feeding the same inputs at the same launch-clock times yields the
 * same readings, checkpoints and alerts as the original. The real team's acknowledgements are not
 * inputs: a replay's alerts are acknowledged by whoever watches it (a trainee), and escalate by the
 * engine's own rule (`escalate`, at the instant the escalation time runs out) when nobody does —
 * the same rule, and so the same instants, as live.
 */
import {
  type Alert,
  type Launch,
  type LaunchEvent,
  type LaunchEventBody,
  type LaunchState,
  type ReadingInput,
  MINUTE_MS,
  evolve,
  initialState,
} from '@warroom/shared';
import { acknowledge, escalate, ingest, nextEscalationMs, tick, updateLaunch } from '../engine/index';

export type Step =
  | { kind: 'ingest'; atMs: number; posMs: number; readings: ReadingInput[] }
  | { kind: 'tick'; atMs: number; posMs: number }
  /** The planner edited the launch: the replay makes the same edit at the same instant. */
  | { kind: 'update'; atMs: number; posMs: number; launch: Launch; by: string };

/** A fact of the replay and the launch-clock time it happens at. */
export interface TimedFact {
  atMs: number;
  body: LaunchEventBody;
}

export interface TraineeAck {
  alertId: string;
  by: string;
  action?: string | undefined;
  note?: string | undefined;
  atMs: number;
}

export interface ReplaySource {
  /** The launch as created; edits are `update` steps. */
  launch: Launch;
  /** The launch after its last edit (what-if starts from the current settings). */
  finalLaunch: Launch;
  startMs: number;
  steps: Step[];
  /** Where a replay begins (a minute before 开团, or the first input if later) and ends. */
  beginMs: number;
  endMs: number;
  /** How readings are timed: as recorded, or (for a launch filled in after the fact) at each minute's end. */
  timing: 'recorded' | 'by-minute';
}

/** A launch whose readings mostly arrived this long after their minute was filled in after the fact. */
const BACKFILL_LATENESS_MS = 10 * MINUTE_MS;

const toInput = (r: {
  minute: number;
  uv: number;
  pv: number;
  fav: number;
  cart: number;
  orders: number;
  units: number;
  gmv: number;
}): ReadingInput => ({ ...r });

/** The engine's inputs, recovered from the log in log order. */
export function sourceFrom(events: readonly LaunchEvent[], runSheet?: Launch['runSheet']): ReplaySource {
  const first = events[0];
  if (!first || first.type !== 'launch.created') throw new Error('a launch log starts with launch.created');
  const launch: Launch = { ...first.launch, ...(runSheet ? { runSheet } : {}) };
  const updates = events.filter((e) => e.type === 'launch.updated');
  const last = updates.at(-1);
  const finalLaunch: Launch = last ? { ...last.launch, ...(runSheet ? { runSheet } : {}) } : launch;
  // 开团 can only move before the first reading, so every reading is relative to the last 开团.
  const startMs = Date.parse(finalLaunch.startAt);
  const readings = events.filter((e) => e.type === 'reading.ingested');
  const late = readings.filter(
    (e) => Date.parse(e.now) - (startMs + (e.reading.minute + 1) * MINUTE_MS) > BACKFILL_LATENESS_MS,
  ).length;
  const timing = readings.length > 0 && late * 2 > readings.length ? 'by-minute' : 'recorded';
  const steps = timing === 'recorded' ? recordedSteps(events) : byMinuteSteps(events, launch, startMs);
  const lasts = (l: Launch) => l.durationMinutes * MINUTE_MS + l.graceSeconds * 1000;
  const longest = Math.max(lasts(launch), ...updates.map((e) => lasts(e.launch)));
  const endOfLaunch = startMs + longest;
  const lastStep = steps.at(-1)?.posMs ?? endOfLaunch;
  return {
    launch,
    finalLaunch,
    startMs,
    steps,
    beginMs: startMs - MINUTE_MS,
    endMs: Math.max(endOfLaunch, lastStep),
    timing,
  };
}

function recordedSteps(events: readonly LaunchEvent[]): Step[] {
  const steps: Step[] = [];
  let pos = -Infinity;
  let previous: LaunchEvent | null = null;
  // Positions never go back, even if the recorded clock did, so a replay can be searched by time.
  const push = (step: Step) => {
    pos = Math.max(pos, step.atMs);
    step.posMs = pos;
    steps.push(step);
  };
  for (const e of events) {
    const last = steps.at(-1);
    if (e.type === 'launch.updated') {
      const at = Date.parse(e.at);
      push({ kind: 'update', atMs: at, posMs: at, launch: e.launch, by: e.by });
    } else if (e.type === 'reading.ingested') {
      const at = Date.parse(e.now);
      // One ingest command: consecutive readings recorded at the same instant.
      if (last?.kind === 'ingest' && last.atMs === at && previous?.type === 'reading.ingested')
        last.readings.push(toInput(e.reading));
      else push({ kind: 'ingest', atMs: at, posMs: at, readings: [toInput(e.reading)] });
    } else {
      const at = clockTimeOf(e);
      // A fact at the instant of the step before it came from that step; otherwise the clock acted.
      if (at !== null && last?.atMs !== at) push({ kind: 'tick', atMs: at, posMs: at });
    }
    previous = e;
  }
  return steps;
}

/** The launch-clock instant a clock-driven fact was decided at; null for people's actions. */
function clockTimeOf(e: LaunchEvent): number | null {
  switch (e.type) {
    case 'checkpoint.evaluated':
      return Date.parse(e.result.evaluatedAt);
    case 'alert.raised':
    case 'alert.updated':
      return Date.parse(e.alert.updatedAt);
    case 'alert.escalated':
      return Date.parse(e.alert.escalatedAt ?? e.alert.updatedAt);
    case 'clock.advanced':
      return Date.parse(e.now);
    default:
      return null; // launch.created, acknowledgements, run-sheet ticks, simulation bookkeeping
  }
}

/** A launch filled in after the fact: each minute's final reading arrives as that minute ends. */
function byMinuteSteps(events: readonly LaunchEvent[], launch: Launch, startMs: number): Step[] {
  const finalReading = new Map<number, ReadingInput>();
  for (const e of events)
    if (e.type === 'reading.ingested') finalReading.set(e.reading.minute, toInput(e.reading));
  const steps: Step[] = [];
  for (const m of [...finalReading.keys()].sort((a, b) => a - b)) {
    const at = startMs + (m + 1) * MINUTE_MS;
    steps.push({ kind: 'tick', atMs: at - 1, posMs: at - 1 });
    steps.push({ kind: 'ingest', atMs: at, posMs: at, readings: [finalReading.get(m)!] });
  }
  // Edits happen where they happened; a stable sort keeps each before the minute steps at its instant.
  for (const e of events)
    if (e.type === 'launch.updated') {
      const at = Date.parse(e.at);
      steps.push({ kind: 'update', atMs: at, posMs: at, launch: e.launch, by: e.by });
    }
  steps.sort((a, b) => a.posMs - b.posMs);
  let end = startMs + launch.durationMinutes * MINUTE_MS + launch.graceSeconds * 1000;
  for (const e of events)
    if (e.type === 'launch.updated')
      end = Math.max(end, startMs + e.launch.durationMinutes * MINUTE_MS + e.launch.graceSeconds * 1000);
  steps.push({
    kind: 'tick',
    atMs: Math.max(end, steps.at(-1)?.posMs ?? end),
    posMs: Math.max(end, steps.at(-1)?.posMs ?? end),
  });
  return steps;
}

/**
 * The engine re-running a source: a state, the next step, and the acks to apply. `advanceTo`
 * processes, in launch-clock order, every step and due escalation up to an instant.
 */
export class TimelineRun {
  readonly state: LaunchState;
  stepIndex = 0;
  nowMs: number;

  constructor(
    readonly src: ReplaySource,
    state?: LaunchState,
  ) {
    this.state = state ?? initialState(src.launch);
    this.nowMs = -Infinity;
  }

  /**
   * Runs everything due up to `untilMs`, returning the facts in order with their instants: the
   * original's steps, and between them the escalations the engine decides when their time runs
   * out (at an instant shared with a step, the step goes first, as the original's clock ticked
   * after what was decided at that instant).
   */
  advanceTo(untilMs: number): TimedFact[] {
    const out: TimedFact[] = [];
    const steps = this.src.steps;
    for (;;) {
      const step = steps[this.stepIndex];
      const stepAt = step && step.posMs <= untilMs ? step.posMs : null;
      const dueAt = nextEscalationMs(this.state);
      if (dueAt !== null && dueAt <= untilMs && (stepAt === null || dueAt < stepAt)) {
        for (const body of escalate(this.state, dueAt)) out.push({ atMs: dueAt, body });
        continue;
      }
      if (stepAt === null || !step) break;
      const events =
        step.kind === 'ingest'
          ? ingest(
              this.state,
              step.readings.map((reading, index) => ({ index, reading })),
              step.atMs,
            ).events
          : step.kind === 'update'
            ? updateEvents(this.state, step)
            : tick(this.state, step.atMs);
      for (const body of events) out.push({ atMs: step.posMs, body });
      this.stepIndex++;
    }
    this.nowMs = Math.max(this.nowMs, untilMs);
    return out;
  }

  /** A trainee's acknowledgement at the run's current instant. */
  acknowledge(ack: TraineeAck): { alert: Alert; facts: TimedFact[] } | null {
    const outcome = acknowledge(this.state, ack.alertId, ack, ack.atMs);
    if (!outcome.ok) return null;
    return { alert: outcome.alert, facts: outcome.events.map((body) => ({ atMs: ack.atMs, body })) };
  }
}

/** The original's edit, made again (it was accepted then, so it is now: same readings, same rules). */
function updateEvents(state: LaunchState, step: Extract<Step, { kind: 'update' }>): LaunchEventBody[] {
  const outcome = updateLaunch(state, step.launch, step.by, step.atMs);
  return outcome.ok ? outcome.events : [];
}

/** The whole replay with nobody acknowledging: the facts a seek folds from. */
export function baseFacts(src: ReplaySource): TimedFact[] {
  return new TimelineRun(src).advanceTo(src.endMs);
}

/** Index of the first fact after `atMs` (facts are in nondecreasing time order). */
export function factsUntil(facts: readonly TimedFact[], atMs: number): number {
  let lo = 0;
  let hi = facts.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (facts[mid]!.atMs <= atMs) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** Index of the first step after `atMs`. */
export function stepsUntil(steps: readonly Step[], atMs: number): number {
  let lo = 0;
  let hi = steps.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (steps[mid]!.posMs <= atMs) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** Folds facts [from, to) into a state (the fast path of a seek: no evaluation, only `apply`). */
export function foldFacts(state: LaunchState, facts: readonly TimedFact[], from: number, to: number): void {
  for (let i = from; i < to; i++) evolve(state, facts[i]!.body);
}
