/**
 * The replays this server holds. Drives their clocks on one timer; knows nothing of HTTP or sockets.
 *
 * One instance (the embedded store): replays live in memory only (a replay is derived from a
 * launch's log and can always be started again). Several instances (a `ReplayDirectory` on Redis):
 * each replay's durable description (launch, log length, speed, paused, position with the wall time
 * it was taken at, drill, the trainee's acknowledgements) is recorded on every control and
 * acknowledgement, and one instance owns it (lease `replay:<id>`). Any instance asked for a replay
 * it does not own takes it: from the description alone when the lease is free (the owner died), or
 * after asking the live owner to hand it over (it records where it stands and lets go). The timeline
 * is deterministic, so the rebuilt replay is the same replay, at the same position.
 */
import {
  type Alert,
  type LaunchEvent,
  MINUTE_MS,
  type ReplayInfo,
  type ReplayInput,
  type ReplaySpeed,
  launchTime,
} from '@warroom/shared';
import type { Leases, LaunchRegistry } from '../launches/registry';
import { newId } from '../launches/registry';
import { LaunchRuntime } from '../launches/runtime';
import { StorageUnavailableError } from '../store/event-store';
import { Replay, type ReplayOutputs } from './replay';
import { type ReplaySource, type TimedFact, type TraineeAck, baseFacts, sourceFrom } from './timeline';
import { scoreSheet } from './score';

export const replayLease = (id: string) => `replay:${id}`;

/** What another instance needs to rebuild a replay exactly (recorded on every control and ack). */
export interface ReplayDescription {
  id: string;
  launchId: string;
  /** Events of the launch's log the replay was started from. */
  logLength: number;
  speed: ReplaySpeed;
  paused: boolean;
  /** Launch-clock instant the replay stood at, at wall time `wallMs`. */
  atMs: number;
  wallMs: number;
  drill: { trainee: string } | null;
  /** Who started it (absent from descriptions written before replays had owners: admins only). */
  startedBy?: string | null;
  acks: TraineeAck[];
  createdAt: string;
  /** Times the replay was rebuilt by a new owner (its offsets start above the previous owner's). */
  generation: number;
  /**
   * The replay's span on the launch clock and its launch's name, so any instance lists it without
   * rebuilding it (absent from descriptions written before every instance listed every replay).
   */
  span?: { startMs: number; beginMs: number; endMs: number; launchName: string };
}

/** Shared replay descriptions and ownership (Redis). */
export interface ReplayDirectory {
  leases: Leases;
  save(d: ReplayDescription): Promise<void>;
  load(id: string): Promise<ReplayDescription | null>;
  remove(id: string): Promise<void>;
  /** Every replay recorded by any instance (descriptions that expired are left out). */
  list(): Promise<ReplayDescription[]>;
  /** Asks the instance owning `id` to record where it stands and let go. */
  askRelease(id: string): Promise<void>;
  /** Called with a replay id when another instance asks this one to let it go. */
  onReleaseAsked(fn: (id: string) => void): void;
}

/** Where a recorded replay's clock stands now: moved on by its speed unless paused. */
function projectedAt(d: ReplayDescription): number {
  return d.paused || d.speed === 'max' ? d.atMs : d.atMs + Math.max(0, Date.now() - d.wallMs) * d.speed;
}

/** How long a request waits for a live owner to hand a replay over. */
const HANDOVER_WAIT_MS = 4_000;
/** Offsets of successive owners never overlap (2^32 facts per owner). */
const GENERATION_OFFSETS = 2 ** 32;

/** Beyond this many replays the oldest finished (then oldest) one is dropped. */
const MAX_REPLAYS = 50;
const FOLLOW_INTERVAL_MS = 100;

export class ReplayManager {
  private replays = new Map<string, Replay>();
  /** Timelines by launch and log length: a second replay of the same log starts at once. */
  private timelines = new Map<string, { length: number; src: ReplaySource; base: TimedFact[] }>();
  private timer: NodeJS.Timeout | null = null;
  /** Several instances: the log length and generation of each replay held here. */
  private meta = new Map<string, { logLength: number; generation: number }>();

  constructor(
    private readonly registry: LaunchRegistry,
    private readonly out: ReplayOutputs,
    private readonly dir: ReplayDirectory | null = null,
  ) {
    dir?.onReleaseAsked((id) => void this.handOver(id).catch(() => undefined));
  }

  /** True when replays are shared with other instances. */
  get shared(): boolean {
    return this.dir !== null;
  }

  /** Starts a replay of a stored launch, or returns null when the launch does not exist. */
  async start(input: ReplayInput, startedBy: string | null): Promise<Replay | null> {
    const rt = this.registry.get(input.launchId);
    if (!rt) return null;
    const { src, base } = this.timeline(input.launchId, rt.events, rt.state.launch.runSheet);
    const teamAlerts = new Map<string, Alert>(rt.state.alerts);
    const replay = new Replay(
      newId(),
      src,
      base,
      {
        speed: input.speed,
        paused: input.paused ?? false,
        drill: input.drill ?? null,
        startedBy,
        teamAlerts,
      },
      this.out,
    );
    if (this.dir) {
      this.meta.set(replay.id, { logLength: rt.events.length, generation: 0 });
      if (!(await this.dir.leases.acquire(replayLease(replay.id)))) {
        this.meta.delete(replay.id);
        throw new StorageUnavailableError('could not take the replay lease (Redis unavailable?)');
      }
      await this.record(replay);
    }
    this.replays.set(replay.id, replay);
    this.evict();
    this.ensureTimer();
    return replay;
  }

  /** Several instances: records where `replay` stands, for whoever owns it next. */
  async record(replay: Replay): Promise<void> {
    const meta = this.meta.get(replay.id);
    if (!this.dir || !meta) return;
    const { atMs, acks } = replay.position();
    await this.dir.save({
      id: replay.id,
      launchId: replay.launchId,
      logLength: meta.logLength,
      speed: replay.speed,
      paused: replay.paused,
      atMs,
      wallMs: Date.now(),
      drill: replay.options.drill,
      startedBy: replay.options.startedBy,
      acks,
      createdAt: replay.createdAt,
      generation: meta.generation,
      span: {
        startMs: replay.src.startMs,
        beginMs: replay.src.beginMs,
        endMs: replay.src.endMs,
        launchName: replay.src.launch.name,
      },
    });
  }

  /**
   * Every replay: this instance's, and with several instances every other instance's too, each
   * where it stands now (a playing replay owned elsewhere is moved on by its speed since it was
   * last recorded). Oldest first.
   */
  async list(): Promise<ReplayInfo[]> {
    const infos = new Map<string, ReplayInfo>();
    for (const r of this.replays.values()) infos.set(r.id, r.info());
    if (this.dir)
      for (const d of await this.dir.list()) {
        if (infos.has(d.id) && this.dir.leases.holds(replayLease(d.id))) continue;
        const info = this.infoOf(d);
        if (info) infos.set(d.id, info);
        else infos.delete(d.id);
      }
    return [...infos.values()].sort((a, b) => a.createdAt.localeCompare(b.createdAt));
  }

  /** Where a replay recorded by another instance stands now, from its description alone. */
  private infoOf(d: ReplayDescription): ReplayInfo | null {
    const rt = this.registry.get(d.launchId);
    if (!rt || rt.events.length < d.logLength) return null;
    const span =
      d.span ??
      (() => {
        const { src } = this.timeline(d.launchId, rt.events.slice(0, d.logLength), rt.state.launch.runSheet);
        return { startMs: src.startMs, beginMs: src.beginMs, endMs: src.endMs, launchName: src.launch.name };
      })();
    const atMs = Math.min(span.endMs, Math.max(span.beginMs, projectedAt(d)));
    const ended = atMs >= span.endMs;
    return {
      replayId: d.id,
      launchId: d.launchId,
      launchName: span.launchName,
      speed: d.speed,
      paused: d.paused || ended,
      ended,
      now: launchTime(rt.state, atMs),
      minute: Math.floor((atMs - span.startMs) / MINUTE_MS),
      firstMinute: Math.floor((span.beginMs - span.startMs) / MINUTE_MS),
      lastMinute: Math.ceil((span.endMs - span.startMs) / MINUTE_MS),
      drill: d.drill,
      startedBy: d.startedBy ?? null,
      createdAt: d.createdAt,
    };
  }

  /**
   * Several instances: takes over, at once, every playing replay whose owner's lease has lapsed
   * (the owner died), so its screens keep getting their pushes without anyone asking for it. A
   * live owner's replays are left alone. Called about once a second; one sweep at a time.
   */
  async adoptOrphans(): Promise<number> {
    if (!this.dir || this.adopting) return 0;
    this.adopting = true;
    try {
      let adopted = 0;
      for (const d of await this.dir.list()) {
        if (this.replays.has(d.id) || this.taking.has(d.id) || d.paused || d.speed === 'max') continue;
        const info = this.infoOf(d);
        if (!info || info.ended) continue;
        const taking = this.takeOver(d.id, { askOwner: false }).finally(() => this.taking.delete(d.id));
        this.taking.set(d.id, taking);
        if (await taking) adopted += 1;
      }
      return adopted;
    } finally {
      this.adopting = false;
    }
  }

  private adopting = false;

  /**
   * The replay `id`, owned by this instance: with several instances, taken over from its
   * description (a dead owner) or handed over by its live owner. Undefined when there is none.
   */
  async obtain(id: string): Promise<Replay | undefined> {
    const local = this.replays.get(id);
    if (!this.dir) return local;
    if (local && this.dir.leases.holds(replayLease(id))) return local;
    // Concurrent requests for the same replay share one takeover.
    let taking = this.taking.get(id);
    if (!taking) {
      taking = this.takeOver(id).finally(() => this.taking.delete(id));
      this.taking.set(id, taking);
    }
    return taking;
  }

  private taking = new Map<string, Promise<Replay | undefined>>();

  /**
   * Takes the replay `id` from its description. The lease free: at once. Held by a live owner: asks
   * it to hand over and waits (`askOwner`), or leaves it (the orphan sweep).
   */
  private async takeOver(id: string, { askOwner = true } = {}): Promise<Replay | undefined> {
    if (!this.dir) return undefined;
    const local = this.replays.get(id);
    const lease = replayLease(id);
    if (local) this.forget(id);
    if (!(await this.dir.load(id))) return undefined;
    const leases = this.dir.leases;
    if (!(await leases.acquire(lease))) {
      if (!askOwner) {
        // Not ours to take: stop wanting it (the release only ever deletes a lease this instance holds).
        await leases.release(lease);
        return undefined;
      }
      await this.dir.askRelease(id);
      const deadline = Date.now() + HANDOVER_WAIT_MS;
      let got = false;
      while (!got && Date.now() < deadline) {
        await new Promise((r) => setTimeout(r, 50));
        got = await leases.acquire(lease);
      }
      if (!got) {
        await leases.release(lease);
        throw new StorageUnavailableError(
          `replay ${id} is owned by another instance that did not hand it over`,
        );
      }
    }
    // Read again: an owner that handed over recorded where it stood just before.
    const desc = await this.dir.load(id);
    const replay = desc ? this.restore(desc) : null;
    if (!replay) {
      await leases.release(lease);
      return undefined;
    }
    this.replays.set(id, replay);
    this.evict();
    this.ensureTimer();
    await this.record(replay);
    // Screens of the replay (on any instance) start over from this owner's state and offsets.
    this.out.info(replay, true);
    return replay;
  }

  /** Rebuilds a replay from its description: the launch log it was started from and its position. */
  private restore(d: ReplayDescription): Replay | null {
    const rt = this.registry.get(d.launchId);
    if (!rt || rt.events.length < d.logLength) return null;
    const events = rt.events.slice(0, d.logLength);
    const then = LaunchRuntime.fold(events);
    const { src, base } = this.timeline(d.launchId, events, then.launch.runSheet);
    const atMs = projectedAt(d);
    const generation = d.generation + 1;
    this.meta.set(d.id, { logLength: d.logLength, generation });
    return new Replay(
      d.id,
      src,
      base,
      {
        speed: d.speed,
        paused: d.paused,
        drill: d.drill,
        startedBy: d.startedBy ?? null,
        teamAlerts: new Map(then.alerts),
      },
      this.out,
      { atMs, acks: d.acks, offset: generation * GENERATION_OFFSETS, createdAt: d.createdAt },
    );
  }

  /** Another instance asked for a replay this one owns: record where it stands and let go. */
  private async handOver(id: string): Promise<void> {
    const r = this.replays.get(id);
    if (!r || !this.dir) return;
    await this.record(r);
    this.forget(id);
    await this.dir.leases.release(replayLease(id));
  }

  /** Drops a replay from memory only (another instance owns it now). */
  private forget(id: string): void {
    this.replays.delete(id);
    this.meta.delete(id);
  }

  /** Several instances: lets go of the replays whose lease this instance lost. */
  checkLeases(): void {
    if (!this.dir) return;
    for (const id of this.replays.keys()) if (!this.dir.leases.holds(replayLease(id))) this.forget(id);
  }

  timeline(launchId: string, events: readonly LaunchEvent[], runSheet: ReplaySource['launch']['runSheet']) {
    const cached = this.timelines.get(launchId);
    if (cached && cached.length === events.length) return cached;
    const src = sourceFrom(events, runSheet);
    const entry = { length: events.length, src, base: baseFacts(src) };
    this.timelines.set(launchId, entry);
    return entry;
  }

  get(id: string): Replay | undefined {
    return this.replays.get(id);
  }

  all(): Replay[] {
    return [...this.replays.values()];
  }

  async delete(id: string): Promise<boolean> {
    const r = await this.obtain(id);
    if (!r) return false;
    r.pause();
    this.replays.delete(id);
    this.meta.delete(id);
    if (this.dir) {
      await this.dir.remove(id);
      await this.dir.leases.release(replayLease(id));
    }
    return true;
  }

  score(replay: Replay) {
    return scoreSheet({
      replayId: replay.id,
      launchId: replay.launchId,
      trainee: replay.options.drill?.trainee ?? null,
      alerts: replay.state.alerts.values(),
      teamAlerts: replay.options.teamAlerts,
      escalateAfterSeconds: replay.src.launch.escalateAfterSeconds,
    });
  }

  private evict(): void {
    while (this.replays.size > MAX_REPLAYS) {
      const victim = this.all().find((r) => r.ended || r.paused) ?? this.all()[0]!;
      this.replays.delete(victim.id);
      this.meta.delete(victim.id);
      if (this.dir) void this.dir.leases.release(replayLease(victim.id));
    }
  }

  private ensureTimer(): void {
    if (this.timer) return;
    this.timer = setInterval(() => {
      for (const r of this.replays.values()) r.follow();
    }, FOLLOW_INTERVAL_MS);
    this.timer.unref();
  }

  close(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
  }
}
