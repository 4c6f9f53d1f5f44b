import type { LaunchEvent } from '@warroom/shared';

/** A problem found while opening a log: reported to operators, never silently dropped. */
export interface StoreProblem {
  launchId: string;
  kind: 'torn-tail' | 'corrupt';
  message: string;
  /** Where the unreadable bytes were kept for inspection. */
  savedTo?: string;
  detectedAt: string;
}

/**
 * The append-only event log per launch. `append` resolves only once the events are durable (on
 * disk, or confirmed by Redis); a failed append leaves the log as it was before it.
 */
export interface EventStore {
  readonly kind: 'file' | 'redis';
  listLaunches(): Promise<string[]>;
  /** Reads a launch's log, repairing a torn last line (and reporting it). */
  read(launchId: string): Promise<{ events: LaunchEvent[]; problems: StoreProblem[] }>;
  append(launchId: string, events: readonly LaunchEvent[]): Promise<void>;
  /**
   * Durable events after `after` (a shared store that other instances write to: Redis). Absent
   * for the embedded store, where this process is the only writer.
   */
  readAfter?(launchId: string, after: number): Promise<LaunchEvent[]>;
  close(): Promise<void>;
}

/** The store could not make a write durable (disk full, unwritable, Redis down). */
export class StorageUnavailableError extends Error {
  constructor(
    message: string,
    override readonly cause?: unknown,
  ) {
    super(message);
    this.name = 'StorageUnavailableError';
  }
}

/**
 * Another writer (another instance) appended first: the append was refused and nothing of it was
 * written. The caller catches up from the store and decides again. A subclass of
 * StorageUnavailableError so that a caller that does not retry answers 503 (retry), never 500.
 */
export class OffsetConflictError extends StorageUnavailableError {
  constructor(message: string) {
    super(message);
    this.name = 'OffsetConflictError';
  }
}

/** A log that cannot be read back consistently (a bad line in the middle, offsets out of order). */
export class CorruptLogError extends Error {
  constructor(
    readonly launchId: string,
    message: string,
  ) {
    super(message);
    this.name = 'CorruptLogError';
  }
}
