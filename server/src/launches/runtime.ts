/**
 * One launch in memory: its state (a fold of its log), its clock, and the path every fact takes to
 * the log. Commands are decided against the in-memory state at once (so concurrent requests see
 * each other), then group-committed; a caller is answered, and screens are told, only once the facts
 * are durable. If a write fails, the state is rebuilt from what is durable and the caller gets 503.
 */
import type { LaunchEvent, LaunchEventBody } from '@warroom/shared';
import { type LaunchState, apply, initialState } from '../engine/index';
import type { EventStore } from '../store/event-store';
import type { LaunchClock } from './clock';

export type CommittedListener = (runtime: LaunchRuntime, events: readonly LaunchEvent[]) => void;

export class LaunchRuntime {
  state: LaunchState;
  /** Durable events, offsets 1 … n (events[i].offset === i + 1). */
  readonly events: LaunchEvent[];
  private inFlight = 0;
  /** Appends not yet durable. */
  private readonly pending = new Set<Promise<void>>();
  /** Set while a simulation feeds and ticks this launch. */
  driven = false;

  constructor(
    readonly id: string,
    events: LaunchEvent[],
    public clock: LaunchClock,
    private readonly store: EventStore,
    private readonly onCommitted: CommittedListener,
  ) {
    this.events = events;
    this.state = LaunchRuntime.fold(events);
  }

  static fold(events: readonly LaunchEvent[]): LaunchState {
    const first = events[0];
    if (!first || first.type !== 'launch.created') throw new Error('a launch log starts with launch.created');
    const state = initialState(first.launch);
    for (const e of events) {
      apply(state, e);
      state.offset = e.offset;
    }
    return state;
  }

  get durableOffset(): number {
    return this.events.length;
  }

  /** Records facts the engine already folded into `state`; resolves once they are durable. */
  async commit(bodies: readonly LaunchEventBody[]): Promise<LaunchEvent[]> {
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
      throw e;
    } finally {
      this.inFlight--;
      this.pending.delete(write);
    }
    for (const e of events) this.events.push(e as LaunchEvent);
    this.onCommitted(this, events as LaunchEvent[]);
    return events as LaunchEvent[];
  }

  /** Back to exactly what is durable: the decided-but-unwritten facts are dropped. */
  private rebuild(): void {
    if (this.state.offset === this.durableOffset) return;
    this.state = LaunchRuntime.fold(this.events);
  }

  /** True while facts are decided but not yet durable. */
  get busy(): boolean {
    return this.inFlight > 0;
  }

  /** Durable events after `offset`. */
  eventsAfter(offset: number): LaunchEvent[] {
    return this.events.slice(Math.max(0, offset));
  }
}
