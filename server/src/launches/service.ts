/**
 * The launch service: the one path by which anything changes a launch. Every command — readings,
 * acknowledgements, clock ticks, simulations, run-sheet edits and ticks, launch edits, import
 * batches — is decided by a pure engine command and recorded here: run against the launch's state
 * with conflict catch-up (`execute`: another instance may have appended first), then audited when it
 * recorded something a person did. Routes, socket handlers, the simulator and the importer call
 * this; nothing else writes facts.
 */
import {
  type Alert,
  type DeliveryAttempt,
  type Incident,
  type Launch,
  type LaunchEventBody,
  type LaunchInput,
  type ReadingInput,
  type RunSheetTaskInput,
  type RunSheetTick,
  type RunSheetTask,
  feedChangesAtMs,
  feedState,
  resolveRunSheet,
} from '@warroom/shared';
import {
  type Delivery,
  type IngestOutcome,
  type SimulationSettings,
  type UpdateOutcome,
  acknowledge,
  acknowledgeIncidentCommand,
  createLaunch,
  ingest,
  nextTickMs,
  recordDelivery,
  routeNotification,
  simulationStep,
  startSimulation,
  stopSimulation,
  tick,
  tickOffTask,
  updateLaunch,
  updateRunSheet,
} from '../engine/index';
import type { AuditLog } from '../accounts/audit';
import { HttpError, notFound } from '../http-errors';
import { type LaunchRegistry, newId, tickLease } from './registry';
import type { Decide, LaunchRuntime } from './runtime';
import { DueQueue } from './due-queue';

/** A launch due but not ours to tick now (another instance's lease, a catch-up running, a failed write): asked again after this. */
export const TICK_RETRY_MS = 250;
/** The safety net: every launch's due time is worked out afresh this often, so a missed re-arm only delays. */
export const SWEEP_MS = 5_000;
/** Launches handled per turn of the event loop, when many are due at once. */
export const DUE_BATCH = 64;

/** Who asked for a command: the audit trail's name, and the person's name shown on what they did. */
export interface Actor {
  /** `username`, `token:<name>`, or `system`. */
  audit: string;
  /** A logged-in person's display name; null for tokens and the system. */
  person: string | null;
}

export const SYSTEM: Actor = { audit: 'system', person: null };

type FeedListener = (rt: LaunchRuntime) => void;

/** The commands of the service, by the name metrics and logs give them. */
export type CommandName =
  | 'ingest'
  | 'import'
  | 'acknowledge'
  | 'incident.ack'
  | 'update'
  | 'runsheet.update'
  | 'runsheet.done'
  | 'simulation.start'
  | 'simulation.step'
  | 'simulation.stop'
  | 'tick'
  | 'notify.route'
  | 'notify.delivery';

/** One command run: what it was, how long it took, whether it was stored, and the facts it recorded. */
export interface CommandRun {
  command: CommandName;
  launchId: string;
  seconds: number;
  /** False when it failed (storage, conflicts beyond the retries, a refusal thrown by a decision). */
  ok: boolean;
  /** The facts stored (none when it failed, or decided nothing). */
  events: readonly LaunchEventBody[];
}
type CommandListener = (run: CommandRun) => void;

export class LaunchService {
  private sweeper: NodeJS.Timeout | null = null;
  /** Launches by the wall-clock instant their clock next needs acting on (nextTickMs, feed changes). */
  private readonly due = new DueQueue<string>((id) => this.onDue(id), DUE_BATCH);
  /** Launches whose `tick` command is running (re-armed when it ends). */
  private readonly ticking = new Set<string>();
  private lastFeed = new Map<string, string>();
  private feedListeners: FeedListener[] = [];
  private commandListeners: CommandListener[] = [];
  /** Commands running now: a shutdown lets them finish (and their writes land) before the store closes. */
  private readonly running = new Set<Promise<unknown>>();

  constructor(
    readonly registry: LaunchRegistry,
    private readonly audit: AuditLog,
    private readonly log: { error: (o: object, msg: string) => void },
  ) {}

  /** The launch, or a 404 naming it. */
  runtime(launchId: string): LaunchRuntime {
    const rt = this.registry.get(launchId);
    if (!rt) throw notFound(`launch ${launchId}`);
    return rt;
  }

  /**
   * Runs a decision against the launch's state and records its facts (decided again after an
   * offset conflict); audits it when it recorded anything and `audit` says what.
   */
  private async run<T>(
    command: CommandName,
    rt: LaunchRuntime,
    decide: Decide<T>,
    audit?: {
      actor: Actor;
      action: string;
      target?: string;
      details?: (result: T) => Record<string, unknown>;
    },
  ): Promise<T> {
    let recorded: readonly LaunchEventBody[] = [];
    const started = performance.now();
    const ran = (ok: boolean, events: readonly LaunchEventBody[]) => {
      const run = { command, launchId: rt.id, seconds: (performance.now() - started) / 1000, ok, events };
      for (const fn of this.commandListeners) fn(run);
    };
    let result: T;
    const execution = rt.execute((state, now) => {
      const decided = decide(state, now);
      recorded = decided.events;
      return decided;
    });
    this.running.add(execution);
    try {
      result = await execution;
    } catch (e) {
      ran(false, []);
      throw e;
    } finally {
      this.running.delete(execution);
    }
    // The facts of the last decision are the ones stored (an earlier one lost an offset race).
    ran(true, recorded);
    if (audit && recorded.length > 0)
      await this.audit.record(
        audit.actor.audit,
        audit.action,
        audit.target ?? rt.id,
        audit.details?.(result),
      );
    return result;
  }

  /** A planner's new launch: resolved by the engine, its first fact stored. */
  async create(input: LaunchInput, actor: Actor): Promise<Launch> {
    const launch = createLaunch(input, newId(), Date.now());
    await this.registry.create(launch);
    await this.audit.record(actor.audit, 'launch.create', launch.id, { name: launch.name });
    return launch;
  }

  /** A simulated launch, created when its own clock starts (see SimulationManager). */
  async createSimulated(launch: Launch): Promise<LaunchRuntime> {
    return this.registry.create(launch);
  }

  /**
   * The planner's edit: a whole LaunchInput replaces the settings (id, creation time and clock stay;
   * the run sheet stays unless the input has one). Refused (409) when the readings rule it out.
   */
  async update(launchId: string, input: LaunchInput, actor: Actor): Promise<Launch> {
    const rt = this.runtime(launchId);
    const outcome = await this.run<UpdateOutcome>(
      'update',
      rt,
      (state, now) => {
        const current = state.launch;
        const next: Launch = {
          ...createLaunch(input, current.id, Date.parse(current.createdAt), current.clock),
          createdAt: current.createdAt,
          runSheet: input.runSheet ? resolveRunSheet(input.runSheet) : current.runSheet,
        };
        if (next.runSheet === undefined) delete next.runSheet;
        const result = updateLaunch(state, next, actor.audit, now);
        return { events: result.ok ? result.events : [], result };
      },
      { actor, action: 'launch.update', details: (o) => ({ name: o.ok ? o.launch.name : null }) },
    );
    if (!outcome.ok)
      throw new HttpError(409, 'conflict', outcome.message, {
        issues: outcome.issues.map((i) => ({ path: i.path, message: i.message })),
      });
    return outcome.launch;
  }

  /**
   * Readings (schema-valid, each with its index in the request). The clock acts right after, unless
   * a simulation drives the launch.
   */
  async ingest(
    launchId: string,
    readings: { index: number; reading: ReadingInput }[],
  ): Promise<IngestOutcome> {
    const rt = this.runtime(launchId);
    return this.run('ingest', rt, (state, now) => {
      const decided = ingest(state, readings, now);
      return { events: [...decided.events, ...(rt.driven ? [] : tick(state, now))], result: decided };
    });
  }

  /** A readings batch of an import: decided by `decide` (the importer's), stored like any command. */
  importBatch<T>(rt: LaunchRuntime, decide: Decide<T>): Promise<T> {
    return this.run('import', rt, decide);
  }

  async recordImport(launchId: string, actor: Actor, details: Record<string, unknown>): Promise<void> {
    await this.audit.record(actor.audit, 'import', launchId, details);
  }

  /**
   * An acknowledgement by a logged-in supervisor (over HTTP or the socket: the same command). The
   * first one stands; a second returns the first unchanged and records nothing.
   */
  async acknowledge(
    alertId: string,
    ack: { action?: string | undefined; note?: string | undefined },
    actor: Actor,
    via: 'http' | 'socket',
  ): Promise<Alert> {
    const rt = this.registry.forAlert(alertId);
    if (!rt) throw notFound(`alert ${alertId}`);
    // The acknowledgement names the logged-in person; a typed name is not trusted.
    const by = actor.person;
    if (!by) throw new HttpError(403, 'forbidden', { key: 'http.onlySupervisorAcks' });
    const outcome = await this.run(
      'acknowledge',
      rt,
      (state, now) => {
        const decided = acknowledge(state, alertId, { by, action: ack.action, note: ack.note }, now);
        return { events: decided.ok ? decided.events : [], result: decided };
      },
      { actor, action: 'alert.ack', target: alertId, details: () => ({ action: ack.action ?? null, via }) },
    );
    if (!outcome.ok) throw notFound(`alert ${alertId}`);
    return outcome.alert;
  }

  /**
   * An incident's acknowledgement by a logged-in supervisor: the incident and its open alerts are
   * handled with one action. The first one stands.
   */
  async acknowledgeIncident(
    incidentId: string,
    ack: { action?: string | undefined; note?: string | undefined },
    actor: Actor,
    via: 'http' | 'socket',
  ): Promise<Incident> {
    const rt = this.registry.forIncident(incidentId);
    if (!rt) throw notFound(`incident ${incidentId}`);
    const by = actor.person;
    if (!by) throw new HttpError(403, 'forbidden', { key: 'http.onlySupervisorAcks' });
    const outcome = await this.run(
      'incident.ack',
      rt,
      (state, now) => {
        const decided = acknowledgeIncidentCommand(
          state,
          incidentId,
          { by, action: ack.action, note: ack.note },
          now,
        );
        return { events: decided.ok ? decided.events : [], result: decided };
      },
      {
        actor,
        action: 'incident.ack',
        target: incidentId,
        details: () => ({ action: ack.action ?? null, via }),
      },
    );
    if (!outcome.ok) throw notFound(`incident ${incidentId}`);
    return outcome.incident;
  }

  async updateRunSheet(launchId: string, tasks: RunSheetTaskInput[], actor: Actor): Promise<RunSheetTask[]> {
    const rt = this.runtime(launchId);
    const runSheet = resolveRunSheet(tasks);
    const by = actor.person ?? actor.audit;
    await this.run(
      'runsheet.update',
      rt,
      (state, now) => ({ events: updateRunSheet(state, runSheet, by, now), result: null }),
      {
        actor,
        action: 'runsheet.update',
        details: () => ({ tasks: runSheet.length }),
      },
    );
    return runSheet;
  }

  async tickTask(launchId: string, taskId: string, by: string, actor: Actor): Promise<RunSheetTick> {
    const rt = this.runtime(launchId);
    const outcome = await this.run(
      'runsheet.done',
      rt,
      (state, now) => {
        const decided = tickOffTask(state, taskId, by, now);
        return { events: decided.ok ? decided.events : [], result: decided };
      },
      { actor, action: 'runsheet.done', target: `${launchId}/${taskId}` },
    );
    if (!outcome.ok) throw notFound(`task ${taskId}`);
    return rt.state.runSheetDone.get(taskId)!;
  }

  /** A simulation starts driving `rt`'s clock from launch time `fromMs`. */
  async startSimulation(
    rt: LaunchRuntime,
    settings: SimulationSettings,
    fromMs: number,
    actor: Actor,
  ): Promise<void> {
    await this.run(
      'simulation.start',
      rt,
      (state) => ({ events: startSimulation(state, settings, fromMs), result: null }),
      {
        actor,
        action: 'simulation.start',
        details: () => ({
          simulationId: settings.simulationId,
          scenario: settings.scenario,
          speed: settings.speed,
        }),
      },
    );
  }

  /** A simulation's step: `deliveries` arrive, then the clock moves to `untilMs`. */
  async simulationStep(rt: LaunchRuntime, deliveries: readonly Delivery[], untilMs: number): Promise<void> {
    await this.run('simulation.step', rt, (state) => ({
      events: simulationStep(state, deliveries, untilMs),
      result: null,
    }));
  }

  /** A simulation stops; one a person stopped (`actor`) is audited. */
  async stopSimulation(
    rt: LaunchRuntime,
    simulationId: string,
    reason: 'finished' | 'stopped',
    atMs?: number,
    actor?: Actor,
  ): Promise<void> {
    await this.run(
      'simulation.stop',
      rt,
      (state, now) => ({ events: stopSimulation(state, simulationId, reason, atMs ?? now), result: null }),
      actor && { actor, action: 'simulation.stop', target: simulationId },
    );
  }

  /** The sender chose a due message's channels (the first routing stands). */
  async routeNotification(rt: LaunchRuntime, key: string, channels: readonly string[]): Promise<void> {
    await this.run('notify.route', rt, (state) => ({
      events: routeNotification(state, key, channels, Date.now()),
      result: null,
    }));
  }

  /** A delivery attempt the sender made (sent, failed, retrying), recorded for keys still unsent. */
  async recordDelivery(rt: LaunchRuntime, attempt: DeliveryAttempt): Promise<void> {
    await this.run('notify.delivery', rt, (state) => ({
      events: recordDelivery(state, attempt),
      result: null,
    }));
  }

  /**
   * Lets every launch's clock act — grace deadlines, escalations, feed liveness — each launch only
   * when it is due (engine `nextTickMs`, shared `feedChangesAtMs`), re-armed after every commit
   * (its own, or caught up from another instance), every rollback and every change of its clock.
   * Every SWEEP_MS all due times are worked out afresh, so a missed re-arm only delays.
   */
  startTicking(): void {
    if (this.sweeper) return;
    this.registry.on('committed', (rt) => this.arm(rt));
    this.registry.on('rolledBack', (rt) => this.arm(rt));
    this.registry.on('timing', (rt) => this.arm(rt));
    this.sweeper = setInterval(() => void this.sweep(), SWEEP_MS);
    this.sweeper.unref();
    for (const rt of this.registry.all()) this.arm(rt);
  }

  onFeed(fn: FeedListener): void {
    this.feedListeners.push(fn);
  }

  /** Told after every command, stored or failed (metrics). */
  onCommand(fn: CommandListener): void {
    this.commandListeners.push(fn);
  }

  /** Launches waiting in the scheduler (metrics, tests). */
  get scheduled(): number {
    return this.due.size;
  }

  /** The wall-clock instant `launchId` is next due in the scheduler, if it waits. */
  dueAt(launchId: string): number | undefined {
    return this.due.dueAt(launchId);
  }

  /**
   * Whether this instance ticks `rt` now. A running simulation ticks its own launch, in step with
   * the readings it feeds. With several instances, only the holder of the launch's tick lease ticks
   * it (another instance that ticked would only lose the offset race), never a copy of a simulation
   * driven elsewhere, and never while this copy is catching up.
   */
  private mine(rt: LaunchRuntime): boolean {
    if (rt.driven) return false;
    const leases = this.registry.leases;
    return !leases || (leases.holds(tickLease(rt.id)) && !rt.state.simulation?.running && !rt.stale);
  }

  /**
   * The wall-clock instant `rt` next needs its clock acted on: its feed state's next change and,
   * unless a simulation drives it or its tick is running, `tick`'s next record. Now when either is
   * due already (also on a clock standing still).
   */
  private wallDue(rt: LaunchRuntime, withTick = true): number {
    const now = rt.clock.now();
    const wall = Date.now();
    if (this.lastFeed.get(rt.id) !== feedState(rt.state, now)) return wall;
    let at = feedChangesAtMs(rt.state, now) ?? Infinity;
    if (withTick && !rt.driven && !this.ticking.has(rt.id))
      at = Math.min(at, nextTickMs(rt.state, now) ?? Infinity);
    if (at === Infinity) return Infinity;
    if (at <= now) return wall;
    // The wall clock read after the delay (which reads it too): never a millisecond early.
    const delay = rt.clock.wallDelayUntil(at);
    return Date.now() + delay;
  }

  private arm(rt: LaunchRuntime): void {
    if (!this.sweeper) return;
    this.due.set(rt.id, this.wallDue(rt));
  }

  /** A launch is due: tick it when `tick` would record something and it is ours; tell screens of a feed change. */
  private onDue(id: string): void {
    const rt = this.registry.get(id);
    if (!rt) return;
    const now = rt.clock.now();
    let started = false;
    let blocked = false;
    if (!rt.driven && !this.ticking.has(id)) {
      const at = nextTickMs(rt.state, now);
      if (at !== null && at <= now) {
        if (this.mine(rt)) {
          started = true;
          void this.tickOne(rt);
        } else blocked = true;
      }
    }
    const feed = feedState(rt.state, rt.clock.now());
    if (this.lastFeed.get(id) !== feed) {
      this.lastFeed.set(id, feed);
      for (const fn of this.feedListeners) fn(rt);
    }
    if (started) return; // re-armed when the tick ends
    // Never due again at once from here: a blocked launch (or a clock that moved under us) is
    // asked again after a pause, so no launch can spin the scheduler.
    const next = this.wallDue(rt, !blocked);
    const pause = Date.now() + TICK_RETRY_MS;
    this.due.set(id, next > Date.now() ? (blocked ? Math.min(pause, next) : next) : pause);
  }

  private async tickOne(rt: LaunchRuntime): Promise<void> {
    this.ticking.add(rt.id);
    let recorded = -1;
    try {
      recorded = await this.run('tick', rt, (state, now) => {
        const events = tick(state, now);
        return { events, result: events.length };
      });
    } catch (e) {
      this.log.error({ err: e, launchId: rt.id }, 'could not record clock-driven facts; will retry');
    } finally {
      this.ticking.delete(rt.id);
    }
    if (!this.sweeper) return;
    const next = this.wallDue(rt);
    // A failed write, or a tick that found nothing after all (decided on a state caught up
    // meanwhile): asked again after a pause, never in a loop.
    const retry = recorded <= 0 && next <= Date.now();
    this.due.set(rt.id, retry ? Date.now() + TICK_RETRY_MS : next);
  }

  /** The safety net: every launch's due time afresh, a slice per turn of the event loop. */
  private async sweep(): Promise<void> {
    const all = this.registry.all();
    for (let i = 0; i < all.length; i += DUE_BATCH * 4) {
      if (!this.sweeper) return;
      for (const rt of all.slice(i, i + DUE_BATCH * 4)) {
        const at = this.wallDue(rt);
        const armed = this.due.dueAt(rt.id) ?? Infinity;
        // Only ever earlier: what the scheduler waits for is never put off here.
        if (at < armed) this.due.set(rt.id, at);
      }
      await new Promise((r) => setImmediate(r));
    }
  }

  /** Stops the clock and waits for the commands still running, so what they decided is stored. */
  async close(): Promise<void> {
    if (this.sweeper) clearInterval(this.sweeper);
    this.sweeper = null;
    this.due.close();
    while (this.running.size > 0) await Promise.allSettled([...this.running]);
  }
}
