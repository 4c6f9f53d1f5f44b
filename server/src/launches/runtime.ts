/**
 * One launch in memory: its state (a fold of its log), its clock, and the path every fact takes to
 * the log. Commands are decided against the in-memory state at once (so concurrent requests see
 * each other), then group-committed; a caller is answered, and screens are told, only once the facts
 * are durable. If a write fails, the state is rebuilt from what is durable and the caller gets 503.
 */
import {
  type LaunchEvent,
  type LaunchEventBody,
  type LaunchState,
  evolveLogged,
  foldLog,
} from '@warroom/shared';
import { type EventStore, OffsetConflictError, StorageUnavailableError } from '../store/event-store';
import type { LaunchClock } from './clock';

/** `remote`: the events were written by another instance and caught up from the store. */
export type CommittedListener = (
  runtime: LaunchRuntime,
  events: readonly LaunchEvent[],
  remote?: boolean,
) => void;

/** A command's decision: the facts to record (already folded into `state`) and the answer. */
export type Decide<T> = (state: LaunchState, nowMs: number) => { events: LaunchEventBody[]; result: T };

/** Conflicts a command survives before it gives up (503): each one means another instance won. */
const MAX_CONFLICT_RETRIES = 16;

export class LaunchRuntime {
  state: LaunchState;
  /** Durable events, offsets 1 … n (events[i].offset === i + 1). */
  readonly events: LaunchEvent[];
  private inFlight = 0;
  /** Appends not yet durable. */
  private readonly pending = new Set<Promise<void>>();
  private drivenNow = false;
  private clockNow!: LaunchClock;
  /** The store may hold events this instance has not folded (a conflict, an ambiguous failure). */
  private needsSync = false;
  private syncing: Promise<void> | null = null;
  /** The highest offset another instance announced. */
  private announced = 0;

  constructor(
    readonly id: string,
    events: LaunchEvent[],
    clock: LaunchClock,
    private readonly store: EventStore,
    private readonly onCommitted: CommittedListener,
  ) {
    this.events = events;
    this.state = LaunchRuntime.fold(events);
    this.clock = clock;
  }

  /** Told when what drives this launch's clock changes (speed, position, a simulation driving it). */
  onTiming: ((runtime: LaunchRuntime) => void) | null = null;

  /** Set while a simulation feeds and ticks this launch. */
  get driven(): boolean {
    return this.drivenNow;
  }

  set driven(driven: boolean) {
    if (driven === this.drivenNow) return;
    this.drivenNow = driven;
    this.onTiming?.(this);
  }

  get clock(): LaunchClock {
    return this.clockNow;
  }

  set clock(clock: LaunchClock) {
    if (this.clockNow) this.clockNow.onChange = null;
    this.clockNow = clock;
    clock.onChange = () => this.onTiming?.(this);
    this.onTiming?.(this);
  }

  static fold(events: readonly LaunchEvent[]): LaunchState {
    return foldLog(events);
  }

  get durableOffset(): number {
    return this.events.length;
  }

  /** Records facts the engine already folded into `state`; resolves once they are durable. */
  private async commit(bodies: readonly LaunchEventBody[]): Promise<LaunchEvent[]> {
    if (bodies.length === 0) {
      // A command that recorded nothing (a duplicate reading, a second acknowledgement) may have
      // been decided on facts still being written: answer only once they are durable, and fail
      // with them if they fail, so no caller is told of something that was never stored.
      if (this.pending.size > 0) await Promise.all([...this.pending]);
      return [];
    }
    const recordedAt = new Date().toISOString();
    const events = bodies.map((b) => ({ ...b, offset: ++this.state.offset, launchId: this.id, recordedAt }));
    this.inFlight++;
    const write = this.store.append(this.id, events as LaunchEvent[]);
    this.pending.add(write);
    try {
      await write;
    } catch (e) {
      this.rebuild();
      // Another instance wrote first, or Redis may have applied a write whose answer was lost:
      // what is durable must be read back before the next decision.
      if (this.store.readAfter && e instanceof StorageUnavailableError) this.needsSync = true;
      throw e;
    } finally {
      this.inFlight--;
      this.pending.delete(write);
    }
    for (const e of events) this.events.push(e as LaunchEvent);
    this.onCommitted(this, events as LaunchEvent[]);
    return events as LaunchEvent[];
  }

  /**
   * Decides a command against the current state and records its facts; when another instance
   * appended first (OffsetConflictError), catches up from the store and decides again. `decide`
   * runs synchronously against `state`, folding what it decides (as the engine does).
   */
  async execute<T>(decide: Decide<T>): Promise<T> {
    for (let attempt = 0; ; attempt++) {
      if (this.syncing) await this.syncing;
      if (this.needsSync) await this.sync();
      const { events, result } = decide(this.state, this.clock.now());
      try {
        await this.commit(events);
        return result;
      } catch (e) {
        if (!(e instanceof OffsetConflictError) || attempt >= MAX_CONFLICT_RETRIES) throw e;
        // Back off a little, more each time and at random, so a burst of appends from another
        // instance (an import) cannot win every race against this one.
        await new Promise((r) => setTimeout(r, Math.random() * 4 * (attempt + 1)));
      }
    }
  }

  /** Another instance announced an append up to `offset`: catch up (in the background). */
  announce(offset: number): void {
    if (offset <= this.durableOffset) return;
    this.announced = Math.max(this.announced, offset);
    this.needsSync = true;
    void this.sync().catch(() => undefined);
  }

  /** True while this runtime may be behind the store (catch-up pending or running). */
  get stale(): boolean {
    return this.needsSync || this.syncing !== null;
  }

  /**
   * Folds what other instances appended since `durableOffset` (a shared store only). Waits for
   * this instance's own appends first; concurrent calls share one catch-up.
   */
  sync(): Promise<void> {
    this.syncing ??= this.catchUp().finally(() => (this.syncing = null));
    return this.syncing;
  }

  private async catchUp(): Promise<void> {
    const readAfter = this.store.readAfter?.bind(this.store);
    for (let round = 0; round < 20; round++) {
      while (this.pending.size > 0) await Promise.allSettled([...this.pending]);
      if (!readAfter) {
        this.rebuild();
        this.needsSync = false;
        return;
      }
      const fresh = await readAfter(this.id, this.durableOffset);
      // Something was decided and sent meanwhile: let it land (or fail), then read again.
      if (this.pending.size > 0) continue;
      if (fresh.length > 0 && fresh[0]!.offset !== this.durableOffset + 1) continue;
      this.rebuild();
      for (const e of fresh) {
        this.events.push(e);
        evolveLogged(this.state, e);
      }
      if (fresh.length > 0) this.onCommitted(this, fresh, true);
      if (this.announced > this.durableOffset && fresh.length > 0) continue;
      this.needsSync = false;
      return;
    }
  }

  /** Back to exactly what is durable: the decided-but-unwritten facts are dropped. */
  private rebuild(): void {
    if (this.state.offset === this.durableOffset) return;
    this.state = LaunchRuntime.fold(this.events);
    this.onRolledBack?.(this);
  }

  /** Told when decided facts were dropped because they could not be stored (screens re-sync). */
  onRolledBack: ((runtime: LaunchRuntime) => void) | null = null;

  /**
   * Waits (up to `maxWaitMs`) until no write is in flight, so that a snapshot taken right after
   * shows only what is stored. Under a constant stream of writes it gives up waiting and the
   * snapshot may run a few facts ahead; a write that then fails rolls the screens back (resync).
   */
  async settled(maxWaitMs = 2000): Promise<void> {
    const deadline = Date.now() + maxWaitMs;
    while (this.pending.size > 0 && Date.now() < deadline) await Promise.allSettled([...this.pending]);
  }

  /** True while facts are decided but not yet durable. */
  get busy(): boolean {
    return this.inFlight > 0;
  }

  /** Durable events after `offset`, at most `limit` of them. */
  eventsAfter(offset: number, limit = Infinity): LaunchEvent[] {
    const from = Math.max(0, offset);
    return this.events.slice(from, from + limit);
  }
}
