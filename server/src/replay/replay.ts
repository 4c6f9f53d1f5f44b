/**
 * One replay in memory: the precomputed timeline, the engine state at the replay's clock, its own
 * offsets, and the trainee's acknowledgements. Nothing here touches the launch's runtime or log.
 *
 * Seek rebuilds the state at an instant from scratch, so it is the same whichever path led there:
 * with no trainee acknowledgement before that instant it folds the precomputed facts (fast); with
 * some, it folds up to the first and re-runs the engine from there, acknowledging each at its time.
 */
import {
  type Alert,
  type LaunchEvent,
  type LaunchSnapshot,
  type ReplayInfo,
  type ReplaySpeed,
  MINUTE_MS,
  initialState,
  launchTime,
  toSnapshot,
} from '@warroom/shared';
import { ScaledClock } from '../launches/clock';
import {
  type ReplaySource,
  type TimedFact,
  type TraineeAck,
  TimelineRun,
  factsUntil,
  foldFacts,
  stepsUntil,
} from './timeline';

export interface ReplayOutputs {
  /** New facts of the replay, with the replay's offsets. */
  facts(replay: Replay, events: LaunchEvent[]): void;
  /** Controls changed; `reset` when the state was rebuilt (a seek). */
  info(replay: Replay, reset: boolean): void;
}

export interface ReplayOptions {
  speed: ReplaySpeed;
  paused: boolean;
  drill: { trainee: string } | null;
  /** The username of who started it (the trainer): they and admins control it; null: admins only. */
  startedBy: string | null;
  /** The original's alerts as the real team left them (for the score sheet). */
  teamAlerts: ReadonlyMap<string, Alert>;
}

/** Where a replay taken over from another instance resumes (several instances on Redis). */
export interface ReplayRestore {
  /** Launch-clock instant to rebuild at. */
  atMs: number;
  /** The trainee's acknowledgements so far, at their replay-clock times. */
  acks: readonly TraineeAck[];
  /** First offset of the rebuilt replay: above any the previous owner can have pushed. */
  offset: number;
  createdAt: string;
}

export class Replay {
  private run!: TimelineRun;
  /** Facts of the precomputed run folded so far; -1 once a trainee acknowledgement diverged from it. */
  private baseIndex = 0;
  private acks: TraineeAck[] = [];
  /** The replay's own log offsets; monotonic across seeks. */
  offset = 0;
  /** Offset of the last rebuild: a subscriber behind it needs a snapshot. */
  epochStart = 0;
  /** Facts since the last rebuild, for catch-up. */
  events: LaunchEvent[] = [];
  speed: ReplaySpeed;
  paused: boolean;
  readonly clock: ScaledClock;
  readonly createdAt: string;

  constructor(
    readonly id: string,
    readonly src: ReplaySource,
    private readonly base: readonly TimedFact[],
    readonly options: ReplayOptions,
    private readonly out: ReplayOutputs,
    restore?: ReplayRestore,
  ) {
    this.speed = options.speed;
    this.paused = options.paused;
    this.createdAt = restore?.createdAt ?? new Date().toISOString();
    if (restore) {
      this.acks = [...restore.acks];
      this.offset = restore.offset;
    }
    this.rebuild(restore ? Math.min(src.endMs, Math.max(src.beginMs, restore.atMs)) : src.beginMs);
    if (this.ended) this.paused = true;
    this.clock = new ScaledClock(this.nowMs);
    if (!this.paused) this.play();
  }

  /** Where the replay stands now (moved on to its clock first) and the trainee's acknowledgements. */
  position(): { atMs: number; acks: TraineeAck[] } {
    if (!this.paused) this.advanceTo(Math.min(this.clock.now(), this.src.endMs));
    return { atMs: this.nowMs, acks: [...this.acks] };
  }

  get launchId(): string {
    return this.src.launch.id;
  }

  get nowMs(): number {
    return this.run.nowMs;
  }

  get ended(): boolean {
    return this.nowMs >= this.src.endMs;
  }

  get state() {
    return this.run.state;
  }

  /** Moves the replay to where its clock stands (called by the manager's timer while playing). */
  follow(): void {
    if (this.paused) return;
    this.advanceTo(Math.min(this.clock.now(), this.src.endMs));
    if (this.ended) this.pause();
  }

  private play(): void {
    if (this.speed === 'max') {
      this.advanceTo(this.src.endMs);
      this.paused = true;
      this.clock.stop(this.nowMs);
      return;
    }
    this.clock.run(this.speed, this.nowMs);
  }

  pause(): void {
    if (!this.paused) this.advanceTo(Math.min(this.clock.now(), this.src.endMs));
    this.paused = true;
    this.clock.stop(this.nowMs);
    this.out.info(this, false);
  }

  resume(): void {
    if (this.ended) return this.out.info(this, false);
    this.paused = false;
    this.play();
    this.out.info(this, false);
  }

  setSpeed(speed: ReplaySpeed): void {
    if (!this.paused) this.advanceTo(Math.min(this.clock.now(), this.src.endMs));
    this.speed = speed;
    if (!this.paused) this.play();
    this.out.info(this, false);
  }

  /** One minute on (to the next whole minute of the launch clock), paused. */
  step(): void {
    this.pause();
    const minute = Math.floor((this.nowMs - this.src.startMs) / MINUTE_MS);
    this.advanceTo(Math.min(this.src.endMs, this.src.startMs + (minute + 1) * MINUTE_MS));
    this.clock.stop(this.nowMs);
    this.out.info(this, false);
  }

  /** To the end of the launch at once. */
  end(): void {
    this.advanceTo(this.src.endMs);
    this.paused = true;
    this.clock.stop(this.nowMs);
    this.out.info(this, false);
  }

  /** To the start of `minute` (relative to 开团), rebuilt exactly; keeps playing if it was. */
  seek(minute: number): void {
    const at = Math.min(this.src.endMs, Math.max(this.src.beginMs, this.src.startMs + minute * MINUTE_MS));
    this.rebuild(at);
    this.clock.stop(this.nowMs);
    if (!this.paused && !this.ended) this.play();
    if (this.ended) this.paused = true;
    this.out.info(this, true);
  }

  /** A trainee acknowledges a replayed alert at the replay's current instant. */
  acknowledge(alertId: string, by: string, action?: string, note?: string): Alert | null {
    if (!this.paused) this.advanceTo(Math.min(this.clock.now(), this.src.endMs));
    const existing = this.run.state.alerts.get(alertId);
    if (!existing) return null;
    if (existing.ackedBy !== null) return existing;
    const ack: TraineeAck = { alertId, by, action, note, atMs: this.nowMs };
    const done = this.run.acknowledge(ack);
    if (!done) return null;
    this.acks.push(ack);
    this.baseIndex = -1;
    this.emit(done.facts);
    return done.alert;
  }

  /** The state at `atMs` from scratch: the same result whichever path led here. */
  private rebuild(atMs: number): void {
    const kept = this.acks.filter((a) => a.atMs <= atMs);
    this.acks = kept;
    const state = initialState(this.src.launch);
    const foldTo = kept[0]?.atMs ?? atMs;
    const n = factsUntil(this.base, foldTo);
    foldFacts(state, this.base, 0, n);
    this.run = new TimelineRun(this.src, state);
    this.run.stepIndex = stepsUntil(this.src.steps, foldTo);
    this.run.nowMs = foldTo;
    this.baseIndex = n;
    for (const ack of kept) {
      this.run.advanceTo(ack.atMs);
      this.run.acknowledge(ack);
      this.baseIndex = -1;
    }
    this.run.advanceTo(atMs);
    this.offset += 1;
    this.epochStart = this.offset;
    this.events = [];
    state.offset = this.offset;
  }

  /** Runs the replay forward to `atMs`, telling the room each new fact. */
  private advanceTo(atMs: number): void {
    if (atMs <= this.nowMs) return;
    if (this.baseIndex >= 0) {
      // Nobody has acknowledged anything: the precomputed facts are exactly what the engine gives.
      const n = factsUntil(this.base, atMs);
      const facts = this.base.slice(this.baseIndex, n);
      foldFacts(this.run.state, this.base, this.baseIndex, n);
      this.baseIndex = n;
      this.run.stepIndex = stepsUntil(this.src.steps, atMs);
      this.run.nowMs = atMs;
      this.emit(facts);
    } else {
      this.emit(this.run.advanceTo(atMs));
    }
  }

  private emit(facts: readonly TimedFact[]): void {
    if (facts.length === 0) return;
    const recordedAt = new Date().toISOString();
    const events = facts.map(
      (f) => ({ ...f.body, offset: ++this.offset, launchId: this.launchId, recordedAt }) as LaunchEvent,
    );
    this.run.state.offset = this.offset;
    for (const e of events) this.events.push(e);
    this.out.facts(this, events);
  }

  /** Launch-clock speed against the wall right now (0 when paused or ended). */
  get effectiveSpeed(): number {
    return this.paused || this.speed === 'max' ? 0 : this.speed;
  }

  info(): ReplayInfo {
    const { startMs, beginMs, endMs, launch } = this.src;
    return {
      replayId: this.id,
      launchId: launch.id,
      launchName: launch.name,
      speed: this.speed,
      paused: this.paused,
      ended: this.ended,
      now: launchTime(this.run.state, this.nowMs),
      minute: Math.floor((this.nowMs - startMs) / MINUTE_MS),
      firstMinute: Math.floor((beginMs - startMs) / MINUTE_MS),
      lastMinute: Math.ceil((endMs - startMs) / MINUTE_MS),
      drill: this.options.drill,
      startedBy: this.options.startedBy,
      createdAt: this.createdAt,
    };
  }

  snapshot(): LaunchSnapshot {
    return toSnapshot(this.run.state, this.nowMs, this.effectiveSpeed);
  }

  /** Events after `offset` in the current epoch (at most `limit`), or null when a snapshot is needed. */
  eventsAfter(offset: number, limit = Infinity): LaunchEvent[] | null {
    if (offset < this.epochStart || offset > this.offset) return null;
    const from = offset - this.epochStart;
    return this.events.slice(from, from + limit);
  }
}
