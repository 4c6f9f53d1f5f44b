/**
 * Readings from a CSV into a launch, through the engine like any other reading, in batches.
 *
 * Each batch is decided by `ingest` and made durable through the launch's `execute` before the next
 * batch is read (so the file streams: memory holds one batch, not the file). A batch's decision is
 * re-runnable: when another instance appended to the launch first (an offset conflict under Redis),
 * the runtime catches up and the batch is decided again against the new state; the report counts a
 * batch only once it is stored. If a write fails otherwise, the batches before it stay stored, the
 * report says through which line, and the import stops; running the same import again stores the
 * rest, because rows already stored count as duplicates.
 *
 * Missing values (an empty cell, a column the file does not have) never become a silent zero: they
 * keep what is stored for that minute — so a traffic export and a sales export of the same minutes
 * can be imported one after the other. A column the file lacks is 0 for a minute with nothing
 * stored (as for pushed readings); an empty cell in a column the file has, for a minute with
 * nothing stored, rejects the row, since storing 0 would pass a gap in the data off as a quiet
 * minute.
 */
import {
  type ImportProblem,
  type ImportProgress,
  type ImportReport,
  type LaunchState,
  type Reading,
  type ReadingInput,
  BASE_METRICS,
  CHANNEL_FIELDS,
  type TrafficChannel,
  type ChannelBreakdown,
  type ChannelValues,
  isCoreMetric,
  PREHEAT_MINUTES,
  canonicalChannels,
  cloneState,
  fromMicro,
  sameChannels,
  toMicro,
} from '@warroom/shared';
import { channelOfSource } from './channels';
import { ingest, tick } from '../engine/index';
import type { Decide, LaunchRuntime } from '../launches/runtime';
import type { LaunchService } from '../launches/service';
import { type ColumnPlan } from './columns';
import { ImportStorageError } from './errors';
import type { CsvFile } from './records';
import { ReportBuilder } from './report';
import { type Row, RowReader } from './rows';
import { TimeReader } from './values';

/** Rows per engine call and durable write. */
export const IMPORT_BATCH_ROWS = 5000;
const PROGRESS_EVERY_MS = 250;
/**
 * Reading rows runs on promises (the parser's async iterator), which never let timers, sockets or
 * other requests in: after this long of it the import yields a turn of the event loop, so a large
 * import does not hold readings, acknowledgements and pushes back for a whole batch's parse.
 */
const YIELD_EVERY_MS = 8;
const yieldTurn = () => new Promise<void>((resolve) => setImmediate(resolve));

/** Where an import's readings go: a launch runtime, or a scratch copy of its state for a dry run. */
export interface ReadingsTarget {
  state(): LaunchState;
  /** A simulation drives this launch's clock: do not tick it. */
  driven(): boolean;
  /**
   * Decides a batch against the current state and stores its facts; `decide` may run more than
   * once (after another instance appended first), each time against the state caught up.
   */
  execute<T>(decide: Decide<T>): Promise<T>;
}

/** The launch itself: each batch is a command of the launch service. */
export function runtimeTarget(rt: LaunchRuntime, launches: LaunchService): ReadingsTarget {
  return {
    // Read afresh each time: a failed commit replaces the runtime's state object.
    state: () => rt.state,
    driven: () => rt.driven,
    execute: (decide) => launches.importBatch(rt, decide),
  };
}

/**
 * A private copy of the launch's state for a dry run: the same engine decides, nothing is written.
 * Facts replace what they change (readings, checkpoints and alerts are never mutated in place), so
 * a copy of the collections is enough.
 */
export function dryRunTarget(rt: LaunchRuntime): ReadingsTarget {
  const scratch: LaunchState = cloneState(rt.state);
  return {
    state: () => scratch,
    driven: () => rt.driven,
    execute: async (decide) => Promise.resolve(decide(scratch, rt.clock.now()).result),
  };
}

export interface ImportRun {
  dryRun: boolean;
  /** Bytes of the upload read so far, for progress. */
  bytesRead?: () => number;
  totalBytes?: number | null;
  onProgress?: (p: ImportProgress) => void;
  batchRows?: number;
}

/** What one batch adds to the report, counted only once the batch is stored. */
interface BatchTally {
  accepted: number;
  duplicates: number;
  rejects: ImportProblem[][];
  covered: number[];
  /** Lines this batch set for minutes (0: the engine rejected the row, the minute is free again). */
  seen: Map<number, number>;
  checkpointsEvaluated: number;
  alertsRaised: number;
  alertsUpdated: number;
}

function sameReading(a: Reading, b: Reading): boolean {
  for (const m of BASE_METRICS) if (a[m] !== b[m]) return false;
  return sameChannels(a.channels, b.channels);
}

/** A breakdown with `changes` laid over `base` channel by channel, figure by figure. */
function overlay(
  base: ChannelBreakdown | undefined,
  changes: Partial<Record<TrafficChannel, Partial<Record<(typeof CHANNEL_FIELDS)[number], number>>>>,
): ChannelBreakdown {
  const out: ChannelBreakdown = { ...base };
  for (const [c, v] of Object.entries(changes) as [TrafficChannel, ChannelValues][])
    out[c] = { ...base?.[c], ...v };
  return canonicalChannels(out);
}

/** Two channel figures added exactly (sources of one channel in a minute). */
function addValues(a: ChannelValues, b: ChannelValues): ChannelValues {
  const out: ChannelValues = { ...a };
  for (const f of CHANNEL_FIELDS) {
    const v = b[f];
    if (v !== undefined) out[f] = fromMicro(toMicro(a[f] ?? 0) + toMicro(v));
  }
  return out;
}

function formatMinute(minute: number): string {
  const sign = minute < 0 ? '−' : '+';
  const abs = Math.abs(minute);
  return `T${sign}${String(Math.floor(abs / 60)).padStart(2, '0')}:${String(abs % 60).padStart(2, '0')}`;
}

export async function importReadings(
  file: CsvFile,
  plan: ColumnPlan,
  target: ReadingsTarget,
  run: ImportRun,
): Promise<ImportReport> {
  const launch = target.state().launch;
  const startMs = Date.parse(launch.startAt);
  const lowest = -PREHEAT_MINUTES;
  const duration = launch.durationMinutes;
  const reader = new RowReader({
    plan,
    times: new TimeReader(launch.timezone),
    startMs,
    wholeCounts: true,
    outOfRange: (m) =>
      m < lowest
        ? `readings start ${PREHEAT_MINUTES / 60} hours before 开团 (minute ${lowest})`
        : m >= duration
          ? `after the launch ends (its last minute is ${duration - 1})`
          : null,
  });
  const warnings: string[] = [];
  const report = new ReportBuilder(file, plan, run.dryRun, warnings);
  /** Line of the row that set each minute in this import (0: none), indexed by minute − lowest. */
  const seenLine = new Int32Array(duration - lowest);
  const absent = new Set(plan.absent);
  const batchRows = run.batchRows ?? IMPORT_BATCH_ROWS;
  /**
   * A 流量来源 export: what this import has read for each minute's channels so far (sources of one
   * channel add up), and on which line each source of a minute was.
   */
  const sourced = new Map<number, { sums: Map<TrafficChannel, ChannelValues>; lines: Map<string, number> }>();
  const unknownSources = new Set<string>();
  let batch: Row[] = [];

  /**
   * One batch's decision against `state`, with everything it would add to the report kept aside:
   * the runtime may run it again (after catching up), and only the run that was stored counts.
   */
  const decideBatch = (rows: readonly Row[], state: LaunchState, now: number) => {
    const tally: BatchTally = {
      accepted: 0,
      duplicates: 0,
      rejects: [],
      covered: [],
      seen: new Map(),
      checkpointsEvaluated: 0,
      alertsRaised: 0,
      alertsUpdated: 0,
    };
    const pending = new Map<number, { line: number; reading: Reading }>();
    for (const row of rows) decide(state, row, pending, tally);
    const lineMinute = new Map<number, number>();
    for (const { line, reading } of pending.values()) lineMinute.set(line, reading.minute);
    const inputs = [...pending.values()].map(({ line, reading }) => ({
      index: line,
      reading: reading as ReadingInput,
    }));
    const outcome = ingest(state, inputs, now);
    tally.accepted += outcome.accepted;
    tally.duplicates += outcome.duplicates;
    const rejectedLines = new Set<number>();
    for (const r of outcome.rejected) {
      const minute = lineMinute.get(r.index);
      if (minute !== undefined) tally.seen.set(minute, 0);
      rejectedLines.add(r.index);
      tally.rejects.push([{ line: r.index, column: plan.time.header, message: r.message }]);
    }
    for (const { line, reading } of pending.values())
      if (!rejectedLines.has(line)) tally.covered.push(reading.minute);
    const events = [...outcome.events, ...(target.driven() ? [] : tick(state, now))];
    for (const e of events) {
      if (e.type === 'checkpoint.evaluated') tally.checkpointsEvaluated++;
      else if (e.type === 'alert.raised') tally.alertsRaised++;
      else if (e.type === 'alert.updated') tally.alertsUpdated++;
    }
    return { events, result: tally };
  };

  const count = (tally: BatchTally) => {
    report.accepted += tally.accepted;
    report.duplicates += tally.duplicates;
    for (const problems of tally.rejects) report.reject(problems);
    for (const minute of tally.covered) report.covered(minute);
    for (const [minute, line] of tally.seen) seenLine[minute - lowest] = line;
    report.checkpointsEvaluated += tally.checkpointsEvaluated;
    report.alertsRaised += tally.alertsRaised;
    report.alertsUpdated += tally.alertsUpdated;
  };

  const flush = async () => {
    if (batch.length === 0) return;
    const rows = batch;
    batch = [];
    let tally: BatchTally;
    try {
      tally = await target.execute((state, now) => decideBatch(rows, state, now));
    } catch (e) {
      throw new ImportStorageError(report.build(), e);
    }
    count(tally);
    report.storedThroughLine = rows[rows.length - 1]!.line;
    run.onProgress?.(progress());
  };

  const decide = (
    state: LaunchState,
    row: Row,
    pending: Map<number, { line: number; reading: Reading }>,
    tally: BatchTally,
  ) => {
    const { line } = row;
    if (row.problems.length > 0 || row.minute === null) {
      tally.rejects.push(row.problems);
      return;
    }
    const minute = row.minute;
    const base = pending.get(minute)?.reading ?? state.readings.get(minute);
    if (row.repeatsPrevious) {
      tally.duplicates++;
      tally.covered.push(minute);
      return;
    }
    const reading = { minute } as Reading;
    const problems = [];
    for (let i = 0; i < BASE_METRICS.length; i++) {
      const m = BASE_METRICS[i]!;
      const v = row.values[i];
      if (v !== undefined) reading[m] = v;
      else if (base && base[m] !== undefined) reading[m] = base[m];
      // An order measure with no value stays unsent, as a pusher would leave it out.
      else if (!isCoreMetric(m)) continue;
      else if (absent.has(m)) reading[m] = 0;
      else {
        const why = row.missing[i];
        problems.push({
          line,
          column: why?.column,
          message:
            `${why?.message ?? `${m} is missing`}, and minute ${minute} (${formatMinute(minute)}) has no stored ` +
            'reading to keep it from; write 0 if nothing happened in that minute',
        });
      }
    }
    if (problems.length > 0) {
      tally.rejects.push(problems);
      return;
    }
    if (row.channels && Object.keys(row.channels).length > 0)
      reading.channels = overlay(base?.channels, row.channels);
    else if (base?.channels) reading.channels = base.channels;
    if (row.source) {
      // One source's row: added to what this import read for its channel in this minute.
      const { channel, known } = channelOfSource(row.source.name);
      if (!known) unknownSources.add(row.source.name);
      let at = sourced.get(minute);
      if (!at) sourced.set(minute, (at = { sums: new Map(), lines: new Map() }));
      const earlier = at.lines.get(row.source.name);
      if (earlier !== undefined) {
        tally.rejects.push([
          {
            line,
            column: plan.source!.header,
            message: `minute ${minute} (${row.when}) of ${row.source.name} is already on line ${earlier}; keep one of the two rows`,
          },
        ]);
        return;
      }
      at.lines.set(row.source.name, line);
      const sum = addValues(at.sums.get(channel) ?? {}, row.source.values);
      at.sums.set(channel, sum);
      reading.channels = overlay(base?.channels, { [channel]: sum });
      tally.seen.set(minute, line);
      // The minute's reading is decided once all its sources in the batch are in: accepted and
      // duplicates count minutes (readings), not source rows.
      pending.set(minute, { line, reading });
      return;
    }
    const seen = tally.seen.get(minute) ?? seenLine[minute - lowest]!;
    if (seen !== 0) {
      if (base && sameReading(base, reading)) {
        tally.duplicates++;
        tally.covered.push(minute);
      } else {
        tally.rejects.push([
          {
            line,
            column: plan.time.header,
            message: `minute ${minute} (${row.when}) is already on line ${seen} with different values; keep one of the two rows`,
          },
        ]);
      }
      return;
    }
    tally.seen.set(minute, line);
    if (base && sameReading(base, reading)) {
      tally.duplicates++;
      tally.covered.push(minute);
      return;
    }
    pending.set(minute, { line, reading });
  };

  const progress = () => {
    report.bytesRead = run.bytesRead?.() ?? 0;
    return report.progress(run.totalBytes ?? null);
  };

  let lastProgressAt = Date.now();
  let sliceStart = performance.now();
  for await (const record of file.records) {
    report.rowsRead++;
    batch.push(reader.read(record));
    if (batch.length >= batchRows) {
      await flush();
      lastProgressAt = Date.now();
      sliceStart = performance.now();
    } else if (report.rowsRead % 64 === 0 && performance.now() - sliceStart > YIELD_EVERY_MS) {
      await yieldTurn();
      sliceStart = performance.now();
    }
    if (
      batch.length > 0 &&
      run.onProgress &&
      report.rowsRead % 500 === 0 &&
      Date.now() - lastProgressAt > PROGRESS_EVERY_MS
    ) {
      // A slow upload still shows movement between batches.
      lastProgressAt = Date.now();
      run.onProgress(progress());
    }
  }
  await flush();
  report.bytesRead = run.bytesRead?.() ?? 0;
  if (unknownSources.size > 0)
    warnings.push(
      `流量来源 not known as a channel, counted as 其他 (other): ${[...unknownSources].slice(0, 20).join(', ')}`,
    );
  return report.build();
}
