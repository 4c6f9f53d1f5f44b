/**
 * The replays this server holds (in memory only: a replay is derived from a launch's log and can
 * always be started again). Drives their clocks on one timer; knows nothing of HTTP or sockets.
 */
import type { Alert, LaunchEvent, ReplayInput } from '@warroom/shared';
import type { LaunchRegistry } from '../launches/registry';
import { newId } from '../launches/registry';
import { Replay, type ReplayOutputs } from './replay';
import { type ReplaySource, type TimedFact, baseFacts, sourceFrom } from './timeline';
import { scoreSheet } from './score';

/** Beyond this many replays the oldest finished (then oldest) one is dropped. */
const MAX_REPLAYS = 50;
const FOLLOW_INTERVAL_MS = 100;

export class ReplayManager {
  private replays = new Map<string, Replay>();
  /** Timelines by launch and log length: a second replay of the same log starts at once. */
  private timelines = new Map<string, { length: number; src: ReplaySource; base: TimedFact[] }>();
  private timer: NodeJS.Timeout | null = null;

  constructor(
    private readonly registry: LaunchRegistry,
    private readonly out: ReplayOutputs,
  ) {}

  /** Starts a replay of a stored launch, or returns null when the launch does not exist. */
  start(input: ReplayInput): Replay | null {
    const rt = this.registry.get(input.launchId);
    if (!rt) return null;
    const { src, base } = this.timeline(input.launchId, rt.events, rt.state.launch.runSheet);
    const teamAlerts = new Map<string, Alert>(rt.state.alerts);
    const replay = new Replay(
      newId(),
      src,
      base,
      { speed: input.speed, paused: input.paused ?? false, drill: input.drill ?? null, teamAlerts },
      this.out,
    );
    this.replays.set(replay.id, replay);
    this.evict();
    this.ensureTimer();
    return replay;
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

  delete(id: string): boolean {
    const r = this.replays.get(id);
    if (!r) return false;
    r.pause();
    return this.replays.delete(id);
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
