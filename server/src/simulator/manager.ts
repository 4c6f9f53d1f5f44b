/**
 * The simulations this server runs: starts them on a fresh simulated launch, stops them, and
 * resumes the ones a restart interrupted.
 */
import {
  type Launch,
  type LaunchEventBody,
  LaunchInput,
  type Scenario,
  type SimulationInfo,
  type SimulationInput,
} from '@warroom/shared';
import { MINUTE_MS, formatIsoInZone } from '@warroom/shared';
import { apply, createLaunch } from '../engine/index';
import { parseInput } from '../http-errors';
import { type LaunchRegistry, newId, simulationLease } from '../launches/registry';
import type { LaunchRuntime } from '../launches/runtime';
import { StorageUnavailableError } from '../store/event-store';
import { SimulationRunner } from './runner';

export const SCENARIO_LABELS: Record<Scenario, string> = {
  'on-plan': '按计划',
  'traffic-shortfall': '流量不足',
  surge: '流量暴涨',
  'conversion-drop': '转化下滑',
  stockout: '售罄',
  'feed-outage': '数据中断',
  'late-and-duplicate': '迟到与重复数据',
};

/** A launch like the team's usual 10:00 场: ¥99 item, 30k visitors and 2,000 units planned. */
export function simulatedLaunchInput(
  scenario: Scenario,
  startAtMs: number,
  overrides: Record<string, unknown> = {},
) {
  const hhmm = new Date(startAtMs).toLocaleTimeString('zh-CN', {
    timeZone: 'Asia/Shanghai',
    hour: '2-digit',
    minute: '2-digit',
    hour12: false,
  });
  return parseInput(
    LaunchInput,
    {
      name: `模拟 · ${SCENARIO_LABELS[scenario]} · ${hhmm} 场`,
      startAt: new Date(startAtMs).toISOString(),
      timezone: 'Asia/Shanghai',
      durationMinutes: 180,
      stock: 3000,
      price: 99,
      forecast: { template: { uv: 30_000, units: 2_000, gmv: 198_000 } },
      ...overrides,
    },
    'launch',
  );
}

export class SimulationManager {
  private runners = new Map<string, SimulationRunner>();

  constructor(
    private readonly registry: LaunchRegistry,
    private readonly log: { error: (o: object, msg: string) => void },
  ) {}

  async start(input: SimulationInput): Promise<{ simulationId: string; launchId: string; launch: Launch }> {
    const seed = input.seed ?? Math.floor(Math.random() * 2 ** 31);
    // 开团 at the next whole minute; the simulated clock starts one minute before it (预热).
    const startAtMs = Math.ceil((Date.now() + 1) / MINUTE_MS) * MINUTE_MS;
    const launchInput = simulatedLaunchInput(input.scenario, startAtMs, input.launch);
    const created = createLaunch(launchInput, newId(), Date.now(), 'simulated');
    // A simulated launch is created when its own clock starts (one minute before 开团), not at
    // the wall time: a simulation of a past date would otherwise count every checkpoint as
    // overdue at creation, so none would ever evaluate incomplete or raise a data-gap alert.
    const launch = {
      ...created,
      createdAt: formatIsoInZone(Date.parse(created.startAt) - MINUTE_MS, created.timezone),
    };
    const rt = await this.registry.create(launch);
    // Several instances: the one that starts a simulation drives it while it holds the lease.
    const leases = this.registry.leases;
    if (leases && !(await leases.acquire(simulationLease(rt.id))))
      throw new StorageUnavailableError('could not take the simulation lease (Redis unavailable?)');
    const simulationId = newId();
    const runner = new SimulationRunner(
      rt,
      { simulationId, scenario: input.scenario, speed: input.speed, seed },
      (e) => this.log.error({ err: e, simulationId }, 'simulation could not record its facts'),
    );
    this.runners.set(simulationId, runner);
    await runner.start(false);
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
      (e) =>
        this.log.error({ err: e, simulationId: sim.simulationId }, 'simulation could not record its facts'),
    );
    this.runners.set(sim.simulationId, runner);
    await runner.start(true);
  }

  get(simulationId: string): SimulationRunner | undefined {
    return this.runners.get(simulationId);
  }

  async stop(simulationId: string): Promise<boolean> {
    const runner = this.runners.get(simulationId);
    if (!runner) return this.stopElsewhere(simulationId);
    await runner.stop('stopped');
    await this.registry.leases?.release(simulationLease(runner.runtime.id));
    return true;
  }

  /** Several instances: a simulation another instance drives is stopped through the log. */
  private async stopElsewhere(simulationId: string): Promise<boolean> {
    if (!this.registry.leases) return false;
    const rt = this.registry
      .all()
      .find((r) => r.state.simulation?.simulationId === simulationId && r.state.simulation.running);
    if (!rt) return false;
    await rt.execute((state, now) => {
      if (!state.simulation?.running || state.simulation.simulationId !== simulationId)
        return { events: [], result: undefined };
      const body: LaunchEventBody = {
        type: 'simulation.stopped',
        simulationId,
        reason: 'stopped',
        now: new Date(Math.max(now, state.nowMs)).toISOString(),
      };
      apply(state, body);
      return { events: [body], result: undefined };
    });
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
