/**
 * Every launch this server holds: loaded from the store at start, created by planners, ticked by
 * their clocks. It knows nothing of HTTP or sockets; the edges listen to what it commits.
 */
import { randomBytes } from 'node:crypto';
import type { Launch, LaunchEvent, LaunchEventBody } from '@warroom/shared';
import { MINUTE_MS } from '@warroom/shared';
import { feedState, tick } from '../engine/index';
import { CorruptLogError, type EventStore, type StoreProblem } from '../store/event-store';
import { type LaunchClock, ScaledClock, WallClock } from './clock';
import { LaunchRuntime } from './runtime';

export interface RegistryEvents {
  committed: (runtime: LaunchRuntime, events: readonly LaunchEvent[]) => void;
  feed: (runtime: LaunchRuntime) => void;
}

export function newId(): string {
  // 12 base-36 characters: short enough to read out, long enough not to collide.
  const bytes = randomBytes(12);
  let id = '';
  for (const b of bytes) id += (b % 36).toString(36);
  return id;
}

export class LaunchRegistry {
  private runtimes = new Map<string, LaunchRuntime>();
  readonly problems: StoreProblem[] = [];
  private listeners: { [K in keyof RegistryEvents]: RegistryEvents[K][] } = { committed: [], feed: [] };
  private ticker: NodeJS.Timeout | null = null;
  private lastFeed = new Map<string, string>();

  constructor(
    readonly store: EventStore,
    private readonly log: { warn: (o: object, msg: string) => void; error: (o: object, msg: string) => void },
  ) {}

  on<K extends keyof RegistryEvents>(event: K, fn: RegistryEvents[K]): void {
    this.listeners[event].push(fn);
  }

  private readonly committed = (rt: LaunchRuntime, events: readonly LaunchEvent[]) => {
    for (const fn of this.listeners.committed) fn(rt, events);
  };

  /** Rebuilds every launch from its log. A damaged log is reported, never silently dropped. */
  async load(): Promise<void> {
    for (const id of await this.store.listLaunches()) {
      try {
        const { events, problems } = await this.store.read(id);
        for (const p of problems) {
          this.problems.push(p);
          this.log.warn({ problem: p }, p.message);
        }
        if (events.length === 0) continue;
        const rt = new LaunchRuntime(id, events, new WallClock(), this.store, this.committed);
        if (rt.state.launch.clock === 'simulated') rt.clock = new ScaledClock(rt.state.nowMs);
        this.runtimes.set(id, rt);
      } catch (e) {
        const message =
          e instanceof CorruptLogError
            ? e.message
            : `launch ${id} could not be loaded: ${(e as Error).message}`;
        this.problems.push({ launchId: id, kind: 'corrupt', message, detectedAt: new Date().toISOString() });
        this.log.error({ err: e, launchId: id }, message);
      }
    }
  }

  async create(launch: Launch): Promise<LaunchRuntime> {
    const clock: LaunchClock =
      launch.clock === 'simulated'
        ? new ScaledClock(Date.parse(launch.startAt) - MINUTE_MS)
        : new WallClock();
    const first: LaunchEvent = {
      type: 'launch.created',
      launch,
      offset: 1,
      launchId: launch.id,
      recordedAt: new Date().toISOString(),
    };
    await this.store.append(launch.id, [first]);
    const rt = new LaunchRuntime(launch.id, [first], clock, this.store, this.committed);
    this.runtimes.set(launch.id, rt);
    this.committed(rt, [first]);
    return rt;
  }

  get(id: string): LaunchRuntime | undefined {
    return this.runtimes.get(id);
  }

  all(): LaunchRuntime[] {
    return [...this.runtimes.values()];
  }

  /** Alert ids are `<launchId>-t<T>-<metric>`. */
  forAlert(alertId: string): LaunchRuntime | undefined {
    return this.runtimes.get(alertId.split('-')[0] ?? '');
  }

  /** Lets every launch's clock act: grace deadlines, escalations, feed liveness. */
  startTicking(intervalMs = 250): void {
    if (this.ticker) return;
    this.ticker = setInterval(() => this.tickAll(), intervalMs);
    this.ticker.unref();
  }

  tickAll(): void {
    for (const rt of this.runtimes.values()) {
      const now = rt.clock.now();
      // A running simulation ticks its own launch, in step with the readings it feeds.
      if (!rt.driven) {
        const bodies: LaunchEventBody[] = tick(rt.state, now);
        if (bodies.length > 0) void this.commitQuietly(rt, bodies);
      }
      const feed = feedState(rt.state, now);
      if (this.lastFeed.get(rt.id) !== feed) {
        this.lastFeed.set(rt.id, feed);
        for (const fn of this.listeners.feed) fn(rt);
      }
    }
  }

  /** Commits facts nobody waits for; a failure is logged (the state was rolled back). */
  async commitQuietly(rt: LaunchRuntime, bodies: LaunchEventBody[]): Promise<void> {
    try {
      await rt.commit(bodies);
    } catch (e) {
      this.log.error({ err: e, launchId: rt.id }, 'could not record clock-driven facts; will retry');
    }
  }

  async close(): Promise<void> {
    if (this.ticker) clearInterval(this.ticker);
    this.ticker = null;
  }
}
