/**
 * Every launch this server holds: loaded from the store at start, created by planners, kept in step
 * with other instances. It knows nothing of HTTP or sockets; the edges listen to what it commits,
 * and every change goes through the launch service (service.ts).
 */
import { randomBytes } from 'node:crypto';
import type { Launch, LaunchEvent } from '@warroom/shared';
import {
  CorruptLogError,
  type EventStore,
  StorageUnavailableError,
  type StoreProblem,
} from '../store/event-store';
import { type LaunchClock, ScaledClock, WallClock } from './clock';
import { LaunchRuntime } from './runtime';

/**
 * Cluster-wide leases (Redis, several instances): who ticks a launch's clock, who drives a
 * simulation. Absent for a single instance, which holds everything.
 */
export interface Leases {
  readonly instanceId: string;
  /** Held right now (renewed in the background while wanted). */
  holds(name: string): boolean;
  /** Takes the lease if it is free (or already ours) and keeps renewing it. */
  acquire(name: string): Promise<boolean>;
  /** Stops renewing and frees it. */
  release(name: string): Promise<void>;
}

export const tickLease = (launchId: string) => `tick:${launchId}`;
export const simulationLease = (launchId: string) => `sim:${launchId}`;

export interface RegistryEvents {
  committed: (runtime: LaunchRuntime, events: readonly LaunchEvent[]) => void;
  /** Decided facts were dropped (a failed write): screens must take a fresh snapshot. */
  rolledBack: (runtime: LaunchRuntime) => void;
  /** A launch's clock changed speed or position, or a simulation began or ceased driving it. */
  timing: (runtime: LaunchRuntime) => void;
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
  private listeners: { [K in keyof RegistryEvents]: RegistryEvents[K][] } = {
    committed: [],
    rolledBack: [],
    timing: [],
  };
  /** Set once `load` finished: launches loaded later were created by another instance. */
  private loaded = false;
  /** Set when several instances share the store (Redis). */
  leases: Leases | null = null;
  private loading = new Map<string, Promise<void>>();

  constructor(
    readonly store: EventStore,
    private readonly log: {
      info: (o: object, msg: string) => void;
      warn: (o: object, msg: string) => void;
      error: (o: object, msg: string) => void;
    },
  ) {}

  on<K extends keyof RegistryEvents>(event: K, fn: RegistryEvents[K]): void {
    this.listeners[event].push(fn);
  }

  private readonly committed = (rt: LaunchRuntime, events: readonly LaunchEvent[], remote?: boolean) => {
    // A simulation another instance drives: this copy of its clock follows the log.
    if (remote && !rt.driven && rt.clock instanceof ScaledClock) {
      const sim = rt.state.simulation;
      if (sim?.running) rt.clock.run(sim.speed, rt.state.nowMs);
      else rt.clock.stop(rt.state.nowMs);
    }
    for (const fn of this.listeners.committed) fn(rt, events);
  };

  /** Rebuilds every launch from its log. A damaged log is reported, never silently dropped. */
  async load(): Promise<void> {
    const started = performance.now();
    const ids = await this.store.listLaunches();
    for (const id of ids) await this.loadOne(id);
    this.loaded = true;
    let events = 0;
    for (const rt of this.runtimes.values()) events += rt.durableOffset;
    this.log.info(
      { launches: this.runtimes.size, events, ms: Math.round(performance.now() - started) },
      'launches loaded',
    );
  }

  /**
   * Another instance appended to `launchId` up to `offset`: catch up, or load a launch this
   * instance has not seen yet.
   */
  announce(launchId: string, offset: number): void {
    const rt = this.runtimes.get(launchId);
    if (rt) return rt.announce(offset);
    if (this.loading.has(launchId)) return;
    const p = this.loadOne(launchId).finally(() => this.loading.delete(launchId));
    this.loading.set(launchId, p);
  }

  /** Catches every launch up with the store (after a lost notification, a reconnect). */
  async syncAll(): Promise<void> {
    const ids = await this.store.listLaunches();
    for (const id of ids) {
      const rt = this.runtimes.get(id);
      if (rt) await rt.sync();
      else this.announce(id, 1);
    }
    await Promise.all(this.loading.values());
  }

  private async loadOne(id: string): Promise<void> {
    if (this.runtimes.has(id)) return;
    try {
      const { events, problems } = await this.store.read(id);
      for (const p of problems) {
        this.problems.push(p);
        this.log.warn({ problem: p }, p.message);
      }
      if (events.length === 0 || this.runtimes.has(id)) return;
      const rt = this.watch(new LaunchRuntime(id, events, new WallClock(), this.store, this.committed));
      if (rt.state.launch.clock === 'simulated') rt.clock = new ScaledClock(rt.state.nowMs);
      this.runtimes.set(id, rt);
      // Created by another instance while this one runs: its screens hear of it as of any change.
      if (this.loaded) this.committed(rt, events, true);
    } catch (e) {
      if (this.loaded && e instanceof StorageUnavailableError) {
        // Redis went away while catching up; the next notification or resync loads it.
        this.log.warn({ err: e, launchId: id }, 'could not load a launch announced by another instance');
        return;
      }
      const message =
        e instanceof CorruptLogError
          ? e.message
          : `launch ${id} could not be loaded: ${(e as Error).message}`;
      this.problems.push({ launchId: id, kind: 'corrupt', message, detectedAt: new Date().toISOString() });
      this.log.error({ err: e, launchId: id }, message);
    }
  }

  async create(launch: Launch): Promise<LaunchRuntime> {
    const clock: LaunchClock =
      launch.clock === 'simulated' ? new ScaledClock(Date.parse(launch.createdAt)) : new WallClock();
    const first: LaunchEvent = {
      type: 'launch.created',
      launch,
      offset: 1,
      launchId: launch.id,
      recordedAt: new Date().toISOString(),
    };
    await this.store.append(launch.id, [first]);
    const rt = this.watch(new LaunchRuntime(launch.id, [first], clock, this.store, this.committed));
    this.runtimes.set(launch.id, rt);
    this.committed(rt, [first]);
    return rt;
  }

  private watch(rt: LaunchRuntime): LaunchRuntime {
    rt.onRolledBack = (r) => {
      for (const fn of this.listeners.rolledBack) fn(r);
    };
    rt.onTiming = (r) => {
      for (const fn of this.listeners.timing) fn(r);
    };
    return rt;
  }

  get(id: string): LaunchRuntime | undefined {
    return this.runtimes.get(id);
  }

  all(): LaunchRuntime[] {
    return [...this.runtimes.values()];
  }

  /** Alert ids are `<launchId>-t<T>-<metric>` (or `<launchId>-stock-…`, `<launchId>-unpaid`). */
  forAlert(alertId: string): LaunchRuntime | undefined {
    return this.runtimes.get(alertId.split('-')[0] ?? '');
  }

  /** Incident ids are `<launchId>-i-<story>`. */
  forIncident(incidentId: string): LaunchRuntime | undefined {
    return this.runtimes.get(incidentId.split('-')[0] ?? '');
  }
}
