/**
 * The simulations this server runs: starts them on a fresh simulated launch, stops them, and
 * resumes the ones a restart interrupted.
 */
import {
  type Launch,
  LaunchInput,
  type Scenario,
  type SimulationInfo,
  type SimulationInput,
} from '@warroom/shared';
import {
  MINUTE_MS,
  SCENARIO_LABELS,
  formatIsoInZone,
  formatLocal,
  preheatOf,
  translate,
} from '@warroom/shared';
import { createLaunch } from '../engine/index';
import { parseInput } from '../http-errors';
import { newId, simulationLease } from '../launches/registry';
import type { LaunchRuntime } from '../launches/runtime';
import type { Actor, LaunchService } from '../launches/service';
import { StorageUnavailableError } from '../store/event-store';
import { SimulationRunner } from './runner';

/** A launch like the team's usual 10:00 场: ¥99 item, 30k visitors and 2,000 units planned. */
/**
 * The channel plan of the channel scenarios' launch: 站内免费 45%, 直通车 30%, 钻展 10%, 淘宝客 10%,
 * 站外 5% of visitors; about ¥15,500 planned spend against budgets of ¥12,000 (直通车), ¥3,000
 * (钻展) and ¥25,000 in total.
 */
export const SIMULATED_CHANNEL_PLAN = {
  channelShares: { organic: 0.45, ztc: 0.3, display: 0.1, affiliate: 0.1, offsite: 0.05 },
  budgets: { total: 25_000, channels: { ztc: 12_000, display: 3_000 } },
};

export function simulatedLaunchInput(
  scenario: Scenario,
  startAtMs: number,
  overrides: Record<string, unknown> = {},
) {
  const hhmm = formatLocal(startAtMs, 'Asia/Shanghai', 'zh');
  return parseInput(
    LaunchInput,
    {
      name: translate('zh', 'sim.launchName', { scenario: SCENARIO_LABELS[scenario].zh, time: hhmm }),
      startAt: new Date(startAtMs).toISOString(),
      timezone: 'Asia/Shanghai',
      durationMinutes: 180,
      // The stockout scenario's item: 700 on hand for 2,000 planned — gone in the first quarter hour.
      stock: scenario === 'stockout' ? 700 : 3000,
      price: 99,
      forecast: { template: { uv: 30_000, units: 2_000, gmv: 198_000 } },
      // The channel scenarios' launch plans its traffic by channel and sets spend budgets.
      ...(scenario === 'paid-shortfall' || scenario === 'overspend' ? SIMULATED_CHANNEL_PLAN : {}),
      ...overrides,
    },
    'launch',
  );
}

/** Where a simulated launch's clock starts: a minute before its preheat (or before 开团). */
export function simulationStartMs(launch: Pick<Launch, 'startAt' | 'preheatMinutes'>): number {
  return Date.parse(launch.startAt) - (preheatOf(launch) + 1) * MINUTE_MS;
}

export class SimulationManager {
  private runners = new Map<string, SimulationRunner>();

  constructor(
    private readonly launches: LaunchService,
    private readonly log: { error: (o: object, msg: string) => void },
  ) {}

  private get registry() {
    return this.launches.registry;
  }

  async start(
    input: SimulationInput,
    actor: Actor,
  ): Promise<{ simulationId: string; launchId: string; launch: Launch }> {
    // 开团 at the next whole minute; the simulated clock starts one minute before it (or before its
    // preheat, which then plays first).
    const startAtMs = Math.ceil((Date.now() + 1) / MINUTE_MS) * MINUTE_MS;
    return this.startOne(input, startAtMs, null, actor);
  }

  /**
   * A batch (分批开团): `count` launches opening `intervalMinutes` apart. Every launch's clock starts
   * at the same launch-clock instant (the first one's start) and runs at the same speed, so the
   * batch stays in step: the 10:05 launch is at T−5 when the 10:00 one opens.
   */
  async startBatch(
    input: SimulationInput & { group: NonNullable<SimulationInput['group']> },
    actor: Actor,
  ): Promise<{ simulationId: string; launchId: string; launch: Launch }[]> {
    const firstMs = Math.ceil((Date.now() + 1) / MINUTE_MS) * MINUTE_MS;
    const started: { simulationId: string; launchId: string; launch: Launch }[] = [];
    let clockFrom: number | null = null;
    for (let i = 0; i < input.group.count; i++) {
      // Seeds differ per launch (deterministic from the batch's seed), so the launches do not move as one.
      const seed = input.seed === undefined ? undefined : (input.seed + i * 7919) % 2 ** 31;
      const one = await this.startOne(
        { ...input, seed },
        firstMs + i * input.group.intervalMinutes * MINUTE_MS,
        clockFrom,
        actor,
      );
      clockFrom ??= Date.parse(one.launch.createdAt);
      started.push(one);
    }
    return started;
  }

  private async startOne(
    input: SimulationInput,
    startAtMs: number,
    clockFromMs: number | null,
    actor: Actor,
  ): Promise<{ simulationId: string; launchId: string; launch: Launch }> {
    const seed = input.seed ?? Math.floor(Math.random() * 2 ** 31);
    const launchInput = simulatedLaunchInput(input.scenario, startAtMs, input.launch);
    const created = createLaunch(launchInput, newId(), Date.now(), 'simulated');
    // A simulated launch is created when its own clock starts (one minute before its preheat, or
    // before 开团), not at the wall time: a simulation of a past date would otherwise count every
    // checkpoint as overdue at creation, so none would ever evaluate incomplete or raise a data-gap.
    // In a batch every clock starts where the first one's does.
    const launch = {
      ...created,
      createdAt: formatIsoInZone(
        Math.min(clockFromMs ?? Infinity, simulationStartMs(created)),
        created.timezone,
      ),
    };
    const rt = await this.launches.createSimulated(launch);
    // Several instances: the one that starts a simulation drives it while it holds the lease.
    const leases = this.registry.leases;
    if (leases && !(await leases.acquire(simulationLease(rt.id))))
      throw new StorageUnavailableError('could not take the simulation lease (Redis unavailable?)');
    const simulationId = newId();
    const runner = new SimulationRunner(
      rt,
      { simulationId, scenario: input.scenario, speed: input.speed, seed },
      this.launches,
      (e) => this.log.error({ err: e, simulationId }, 'simulation could not record its facts'),
    );
    this.runners.set(simulationId, runner);
    await runner.start(false, actor);
    return { simulationId, launchId: launch.id, launch };
  }

  /** After a restart: carry on every simulation whose log says it was still running. */
  async resumeAll(): Promise<void> {
    if (this.registry.leases) return this.adopt();
    for (const rt of this.registry.all()) {
      if (!rt.state.simulation?.running || rt.state.launch.clock !== 'simulated') continue;
      await this.resume(rt);
    }
  }

  /**
   * Several instances: take over every running simulation nobody drives (its lease lapsed: the
   * instance died), resuming it from the log; let go of those whose lease this instance lost.
   */
  async adopt(): Promise<void> {
    const leases = this.registry.leases;
    if (!leases) return;
    for (const [id, runner] of this.runners) {
      const lease = simulationLease(runner.runtime.id);
      if (!runner.running) {
        if (leases.holds(lease)) await leases.release(lease);
        continue;
      }
      const sim = runner.runtime.state.simulation;
      // Stopped through another instance (the log says so), or the lease went elsewhere.
      const stoppedElsewhere = !sim?.running || sim.simulationId !== id;
      if (stoppedElsewhere || !leases.holds(lease)) {
        this.runners.delete(id);
        await runner.stop('interrupted');
        if (stoppedElsewhere) await leases.release(lease);
      }
    }
    for (const rt of this.registry.all()) {
      const sim = rt.state.simulation;
      if (!sim?.running || rt.driven || rt.state.launch.clock !== 'simulated') continue;
      if (!(await leases.acquire(simulationLease(rt.id)))) continue;
      try {
        await rt.sync();
      } catch {
        await leases.release(simulationLease(rt.id));
        continue;
      }
      if (!rt.state.simulation?.running || rt.driven) {
        await leases.release(simulationLease(rt.id));
        continue;
      }
      await this.resume(rt);
    }
  }

  private async resume(rt: LaunchRuntime): Promise<void> {
    const sim = rt.state.simulation!;
    const runner = new SimulationRunner(
      rt,
      {
        simulationId: sim.simulationId,
        scenario: sim.scenario as Scenario,
        speed: sim.speed,
        seed: sim.seed,
      },
      this.launches,
      (e) =>
        this.log.error({ err: e, simulationId: sim.simulationId }, 'simulation could not record its facts'),
    );
    this.runners.set(sim.simulationId, runner);
    await runner.start(true);
  }

  get(simulationId: string): SimulationRunner | undefined {
    return this.runners.get(simulationId);
  }

  async stop(simulationId: string, actor: Actor): Promise<boolean> {
    const runner = this.runners.get(simulationId);
    if (!runner) return this.stopElsewhere(simulationId, actor);
    await runner.stop('stopped', undefined, actor);
    await this.registry.leases?.release(simulationLease(runner.runtime.id));
    return true;
  }

  /** Several instances: a simulation another instance drives is stopped through the log. */
  private async stopElsewhere(simulationId: string, actor: Actor): Promise<boolean> {
    if (!this.registry.leases) return false;
    const rt = this.registry
      .all()
      .find((r) => r.state.simulation?.simulationId === simulationId && r.state.simulation.running);
    if (!rt) return false;
    await this.launches.stopSimulation(rt, simulationId, 'stopped', undefined, actor);
    return true;
  }

  list(): SimulationInfo[] {
    return [...this.runners.entries()].map(([simulationId, r]) => ({
      simulationId,
      launchId: r.runtime.id,
      scenario: r.options.scenario,
      speed: r.options.speed,
      seed: r.options.seed,
      running: r.running,
    }));
  }

  /** Stops feeding without recording a stop: a restart resumes these. */
  async close(): Promise<void> {
    await Promise.all([...this.runners.values()].map((r) => r.stop('interrupted')));
  }
}
