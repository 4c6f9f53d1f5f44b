/**
 * Runs a simulated launch: drives its scaled clock and feeds the scenario's readings through the
 * same ingest path as HTTP, at any speed. Deterministic for a seed, so a simulation interrupted by a
 * restart resumes exactly where its log says it was.
 */
import type { LaunchEventBody, Scenario } from '@warroom/shared';
import { MINUTE_MS } from '@warroom/shared';
import { apply, ingest, tick } from '../engine/index';
import { ScaledClock } from '../launches/clock';
import type { LaunchRuntime } from '../launches/runtime';
import { type Delivery, planDeliveries } from './scenarios';

export interface SimulationOptions {
  simulationId: string;
  scenario: Scenario;
  speed: number;
  seed: number;
}

export class SimulationRunner {
  private deliveries: Delivery[];
  private next = 0;
  private timer: NodeJS.Timeout | null = null;
  private stopped = false;
  private lastMinute = NaN;
  readonly done: Promise<void>;
  private finish!: () => void;

  constructor(
    readonly runtime: LaunchRuntime,
    readonly options: SimulationOptions,
    private readonly onError: (e: unknown) => void,
  ) {
    this.deliveries = planDeliveries(runtime.state.launch, options.scenario, options.seed);
    this.done = new Promise((r) => (this.finish = r));
  }

  private get clock(): ScaledClock {
    if (!(this.runtime.clock instanceof ScaledClock))
      throw new Error('a simulation needs a simulated launch');
    return this.runtime.clock;
  }

  get running(): boolean {
    return !this.stopped;
  }

  /** Starts (or, after a restart, resumes) from where the launch clock stands. */
  async start(resume: boolean): Promise<void> {
    const state = this.runtime.state;
    const fromMs = resume ? state.nowMs : this.clock.now();
    this.next = this.deliveries.findIndex((d) => state.startMs + d.sendAtMs > fromMs);
    if (this.next < 0) this.next = this.deliveries.length;
    if (!resume) {
      await this.runtime.execute((s) => {
        const body: LaunchEventBody = {
          type: 'simulation.started',
          ...this.options,
          now: new Date(fromMs).toISOString(),
        };
        apply(s, body);
        return { events: [body], result: undefined };
      });
    }
    this.clock.run(this.options.speed, fromMs);
    this.runtime.driven = true;
    this.schedule();
  }

  private schedule(): void {
    if (this.stopped) return;
    const state = this.runtime.state;
    const endMs = state.startMs + state.launch.durationMinutes * MINUTE_MS + state.launch.graceSeconds * 1000;
    const target = this.deliveries[this.next];
    const atMs = target ? state.startMs + target.sendAtMs : endMs;
    const delay = Math.min(this.clock.wallDelayUntil(atMs), 1000);
    this.timer = setTimeout(() => void this.step(endMs), delay);
  }

  private async step(endMs: number): Promise<void> {
    this.timer = null;
    if (this.stopped) return;
    const now = this.clock.now();
    try {
      // Decided as a command: if another instance appended first (a reading posted to it), the
      // step is decided again on top of that, from the same delivery.
      const { next, minute } = await this.runtime.execute((state) => {
        const bodies: LaunchEventBody[] = [];
        let next = this.next;
        while (next < this.deliveries.length && state.startMs + this.deliveries[next]!.sendAtMs <= now) {
          const d = this.deliveries[next++]!;
          const at = state.startMs + d.sendAtMs;
          // The clock acts on everything due before this delivery, not on the delivery itself.
          bodies.push(...tick(state, at - 1));
          bodies.push(
            ...ingest(
              state,
              d.readings.map((reading, index) => ({ index, reading })),
              at,
            ).events,
          );
        }
        const until = Math.min(now, endMs);
        bodies.push(...tick(state, until));
        const minute = Math.floor((until - state.startMs) / MINUTE_MS);
        if (minute !== this.lastMinute) {
          // Recorded only up to what was fed, so a resumed simulation picks up exactly here.
          const advanced: LaunchEventBody = { type: 'clock.advanced', now: new Date(until).toISOString() };
          apply(state, advanced);
          bodies.push(advanced);
        }
        return { events: bodies, result: { next, minute } };
      });
      this.next = next;
      this.lastMinute = minute;
    } catch (e) {
      this.onError(e);
    }
    if (this.next >= this.deliveries.length && now >= endMs) {
      await this.stop('finished', endMs);
      return;
    }
    this.schedule();
  }

  /** Stops feeding; the launch clock stands still where it is (or at the end, when finished). */
  async stop(reason: 'finished' | 'stopped' | 'interrupted', atMs?: number): Promise<void> {
    if (this.stopped) return;
    this.stopped = true;
    this.runtime.driven = false;
    if (this.timer) clearTimeout(this.timer);
    this.clock.stop(atMs);
    if (reason !== 'interrupted') {
      const now = atMs ?? this.clock.now();
      const body: LaunchEventBody = {
        type: 'simulation.stopped',
        simulationId: this.options.simulationId,
        reason,
        now: new Date(now).toISOString(),
      };
      try {
        await this.runtime.execute((state) => {
          apply(state, body);
          return { events: [body], result: undefined };
        });
      } catch (e) {
        this.onError(e);
      }
    }
    this.finish();
  }
}
