/**
 * Runs a simulated launch: drives its scaled clock and feeds the scenario's readings through the
 * launch service at any speed, each step decided by the engine (`simulationStep`). Deterministic
 * for a seed, so a simulation interrupted by a restart resumes exactly where its log says it was.
 */
import type { Scenario } from '@warroom/shared';
import { MINUTE_MS } from '@warroom/shared';
import type { Delivery as DueDelivery } from '../engine/index';
import { ScaledClock } from '../launches/clock';
import type { LaunchRuntime } from '../launches/runtime';
import type { Actor, LaunchService } from '../launches/service';
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
  readonly done: Promise<void>;
  private finish!: () => void;

  constructor(
    readonly runtime: LaunchRuntime,
    readonly options: SimulationOptions,
    private readonly launches: LaunchService,
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
  async start(resume: false, actor: Actor): Promise<void>;
  async start(resume: true): Promise<void>;
  async start(resume: boolean, actor?: Actor): Promise<void> {
    const state = this.runtime.state;
    const fromMs = resume ? state.nowMs : this.clock.now();
    this.next = this.deliveries.findIndex((d) => state.startMs + d.sendAtMs > fromMs);
    if (this.next < 0) this.next = this.deliveries.length;
    if (!resume) await this.launches.startSimulation(this.runtime, this.options, fromMs, actor!);
    this.clock.run(this.options.speed, fromMs);
    this.runtime.driven = true;
    this.schedule();
  }

  private get endMs(): number {
    const { startMs, launch } = this.runtime.state;
    return startMs + launch.durationMinutes * MINUTE_MS + launch.graceSeconds * 1000;
  }

  private schedule(): void {
    if (this.stopped) return;
    const target = this.deliveries[this.next];
    const atMs = target ? this.runtime.state.startMs + target.sendAtMs : this.endMs;
    const delay = Math.min(this.clock.wallDelayUntil(atMs), 1000);
    this.timer = setTimeout(() => void this.step(), delay);
  }

  private async step(): Promise<void> {
    this.timer = null;
    if (this.stopped) return;
    const now = this.clock.now();
    const endMs = this.endMs;
    const startMs = this.runtime.state.startMs;
    const due: DueDelivery[] = [];
    let next = this.next;
    while (next < this.deliveries.length && startMs + this.deliveries[next]!.sendAtMs <= now) {
      const d = this.deliveries[next++]!;
      due.push({ atMs: startMs + d.sendAtMs, readings: d.readings });
    }
    try {
      // If another instance appended first (a reading posted to it), the step is decided again on
      // top of that, from the same deliveries.
      await this.launches.simulationStep(this.runtime, due, Math.min(now, endMs));
      this.next = next;
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
  async stop(reason: 'finished' | 'stopped' | 'interrupted', atMs?: number, actor?: Actor): Promise<void> {
    if (this.stopped) return;
    this.stopped = true;
    this.runtime.driven = false;
    if (this.timer) clearTimeout(this.timer);
    this.clock.stop(atMs);
    if (reason !== 'interrupted') {
      try {
        await this.launches.stopSimulation(
          this.runtime,
          this.options.simulationId,
          reason,
          atMs ?? this.clock.now(),
          actor,
        );
      } catch (e) {
        this.onError(e);
      }
    }
    this.finish();
  }
}
