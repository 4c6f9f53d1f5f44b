/**
 * The embedded store: one JSONL log per launch under DATA_DIR/launches. Appends are group-committed
 * (every append waiting while a write is in flight goes into the next write) and answered only after
 * fdatasync. A torn last line left by a crash is cut off, kept beside the log and reported.
 */
import { mkdir, open, readdir, readFile, stat, writeFile, type FileHandle } from 'node:fs/promises';
import { join } from 'node:path';
import type { LaunchEvent } from '@warroom/shared';
import { CorruptLogError, type EventStore, StorageUnavailableError, type StoreProblem } from './event-store';
import { compactEvent, expandEvent } from './forecast-block';

const LAUNCH_ID = /^[a-z0-9]{4,40}$/;

interface Pending {
  data: string;
  last: number;
  resolve: () => void;
  reject: (e: Error) => void;
}

/** Told of each group commit made durable: how long its write and fdatasync took, how many appends it held. */
export type FlushListener = (seconds: number, appends: number) => void;

class LogWriter {
  private fh: FileHandle | null = null;
  private queue: Pending[] = [];
  private writing = false;
  /** Bytes known to be durable: a failed write is truncated back to this. */
  size = 0;
  /** Offsets must follow on: the next one accepted, and the next one after what is durable. */
  private nextOffset = 1;
  private durableNext = 1;

  constructor(
    private readonly path: string,
    private readonly onFlushed?: FlushListener,
  ) {}

  async openAt(size: number, nextOffset: number): Promise<void> {
    this.fh = await open(this.path, 'a');
    this.size = size;
    this.nextOffset = this.durableNext = nextOffset;
  }

  append(data: string, first: number, last: number): Promise<void> {
    return new Promise((resolve, reject) => {
      if (first !== this.nextOffset) {
        // Decided on top of facts that failed to write: refuse rather than leave a hole.
        reject(new StorageUnavailableError(`offset ${first} does not follow ${this.nextOffset - 1}`));
        return;
      }
      this.nextOffset = last + 1;
      this.queue.push({ data, resolve, reject, last });
      if (!this.writing) void this.flush();
    });
  }

  private async flush(): Promise<void> {
    this.writing = true;
    while (this.queue.length > 0) {
      const batch = this.queue;
      this.queue = [];
      const buf = Buffer.from(batch.map((p) => p.data).join(''), 'utf8');
      const started = process.hrtime.bigint();
      try {
        if (!this.fh) throw new Error('log is closed');
        let written = 0;
        while (written < buf.length) {
          const { bytesWritten } = await this.fh.write(buf, written, buf.length - written);
          written += bytesWritten;
        }
        await this.fh.datasync();
        this.onFlushed?.(Number(process.hrtime.bigint() - started) / 1e9, batch.length);
        this.size += buf.length;
        this.durableNext = batch[batch.length - 1]!.last + 1;
        for (const p of batch) p.resolve();
      } catch (e) {
        // Undo a partial write so the log stays a clean prefix of what was acknowledged.
        await this.fh?.truncate(this.size).catch(() => undefined);
        const err = new StorageUnavailableError(`could not write the event log: ${(e as Error).message}`, e);
        for (const p of batch) p.reject(err);
        // Later appends were decided on top of the failed ones: fail them too.
        for (const p of this.queue.splice(0)) p.reject(err);
        this.nextOffset = this.durableNext;
      }
    }
    this.writing = false;
  }

  async close(): Promise<void> {
    while (this.writing || this.queue.length > 0) await new Promise((r) => setTimeout(r, 5));
    await this.fh?.close();
    this.fh = null;
  }
}

/**
 * Append-only JSONL logs, one file per stream id in `dataDir/subdir`, each line an object with a
 * 1-based `offset`. Launch event logs use it, and so does the accounts log.
 */
export class JsonlLogStore<E extends { offset: number }> {
  private readonly dir: string;
  private writers = new Map<string, Promise<LogWriter>>();
  /** Metrics: told of every group commit (write + fdatasync) of this store's logs. */
  onFlushed: FlushListener | null = null;

  constructor(dataDir: string, subdir: string) {
    this.dir = join(dataDir, subdir);
  }

  async init(): Promise<void> {
    await mkdir(this.dir, { recursive: true });
  }

  /** A log line of an entry (JSON); a store of one kind of log may keep its entries more compactly. */
  protected encode(entry: E): string {
    return JSON.stringify(entry);
  }

  /** The entry of a log line; throws on a line that cannot be read. */
  protected decode(line: string): E {
    return JSON.parse(line) as E;
  }

  private path(launchId: string): string {
    if (!LAUNCH_ID.test(launchId)) throw new Error(`bad launch id ${launchId}`);
    return join(this.dir, `${launchId}.jsonl`);
  }

  async listLaunches(): Promise<string[]> {
    const names = await readdir(this.dir);
    return names
      .filter((n) => n.endsWith('.jsonl'))
      .map((n) => n.slice(0, -'.jsonl'.length))
      .filter((id) => LAUNCH_ID.test(id))
      .sort();
  }

  async read(launchId: string): Promise<{ events: E[]; problems: StoreProblem[] }> {
    const path = this.path(launchId);
    let raw: Buffer;
    try {
      raw = await readFile(path);
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'ENOENT') return { events: [], problems: [] };
      throw e;
    }
    const problems: StoreProblem[] = [];
    let goodEnd = raw.lastIndexOf(0x0a) + 1; // everything up to the last newline
    const tail = raw.subarray(goodEnd);
    const events: E[] = [];
    const text = raw.subarray(0, goodEnd).toString('utf8');
    let lineNo = 0;
    let start = 0;
    while (start < text.length) {
      const nl = text.indexOf('\n', start);
      const line = text.slice(start, nl);
      lineNo++;
      start = nl + 1;
      let event: E;
      try {
        event = this.decode(line);
      } catch (e) {
        // A line that is JSON but whose content cannot be read (a damaged forecast block) was
        // written whole: that is damage, not a write cut off.
        const torn = e instanceof SyntaxError;
        if (torn && start >= text.length && tail.length === 0) {
          // A complete-looking last line that does not parse is a torn write too.
          goodEnd -= Buffer.byteLength(line, 'utf8') + 1;
          problems.push(await this.saveTorn(launchId, Buffer.from(line + '\n', 'utf8'), goodEnd));
          break;
        }
        throw new CorruptLogError(
          launchId,
          torn
            ? `${path} line ${lineNo} is not valid JSON`
            : `${path} line ${lineNo} cannot be read: ${(e as Error).message}`,
        );
      }
      if (event.offset !== events.length + 1)
        throw new CorruptLogError(
          launchId,
          `${path} line ${lineNo} has offset ${event.offset}, expected ${events.length + 1}`,
        );
      events.push(event);
    }
    if (tail.length > 0) problems.push(await this.saveTorn(launchId, tail, goodEnd));
    return { events, problems };
  }

  /** Keeps the torn bytes beside the log, then cuts the log back to its last whole line. */
  private async saveTorn(launchId: string, bytes: Buffer, goodEnd: number): Promise<StoreProblem> {
    const detectedAt = new Date().toISOString();
    const savedTo = `${this.path(launchId)}.torn-${detectedAt.replace(/[:.]/g, '-')}`;
    await writeFile(savedTo, bytes);
    const fh = await open(this.path(launchId), 'r+');
    try {
      await fh.truncate(goodEnd);
      await fh.datasync();
    } finally {
      await fh.close();
    }
    return {
      launchId,
      kind: 'torn-tail',
      message: `the last line of launch ${launchId}'s log was torn (${bytes.length} bytes, a write cut off by a crash before it was acknowledged); it was removed from the log and kept in ${savedTo}`,
      savedTo,
      detectedAt,
    };
  }

  async append(launchId: string, events: readonly E[]): Promise<void> {
    if (events.length === 0) return;
    let data = '';
    for (const e of events) data += this.encode(e) + '\n';
    const writer = await this.writer(launchId);
    await writer.append(data, events[0]!.offset, events[events.length - 1]!.offset);
  }

  private writer(launchId: string): Promise<LogWriter> {
    let w = this.writers.get(launchId);
    if (!w) {
      w = this.openWriter(launchId);
      this.writers.set(launchId, w);
      w.catch(() => this.writers.delete(launchId));
    }
    return w;
  }

  private async openWriter(launchId: string): Promise<LogWriter> {
    const path = this.path(launchId);
    const writer = new LogWriter(path, (seconds, appends) => this.onFlushed?.(seconds, appends));
    try {
      const size = await stat(path).then(
        (s) => s.size,
        (e: NodeJS.ErrnoException) => {
          if (e.code === 'ENOENT') return null;
          throw e;
        },
      );
      await writer.openAt(size ?? 0, size ? (await lastOffsetOf(path)) + 1 : 1);
      if (size === null) await syncDir(this.dir);
    } catch (e) {
      throw new StorageUnavailableError(`could not open the event log: ${(e as Error).message}`, e);
    }
    return writer;
  }

  async close(): Promise<void> {
    const writers = await Promise.allSettled(this.writers.values());
    await Promise.all(writers.map((w) => (w.status === 'fulfilled' ? w.value.close() : undefined)));
    this.writers.clear();
  }
}

/** The offset of a log's last line (0 for an empty log). */
async function lastOffsetOf(path: string): Promise<number> {
  const raw = await readFile(path, 'utf8');
  const end = raw.lastIndexOf('\n', raw.length - 2);
  const line = raw.slice(end + 1).trim();
  if (!line) return 0;
  return (JSON.parse(line) as { offset: number }).offset;
}

/** A new file's directory entry must be durable too, or a crash can lose the whole log. */
async function syncDir(dir: string): Promise<void> {
  const fh = await open(dir, 'r');
  try {
    await fh.sync();
  } finally {
    await fh.close();
  }
}

/** The embedded launch store: DATA_DIR/launches/<launchId>.jsonl. */
export class FileEventStore extends JsonlLogStore<LaunchEvent> implements EventStore {
  readonly kind = 'file' as const;

  constructor(dataDir: string) {
    super(dataDir, 'launches');
  }

  /** A launch's per-minute curves are kept as compact blocks (forecast-block.ts). */
  protected override encode(event: LaunchEvent): string {
    return JSON.stringify(compactEvent(event));
  }

  protected override decode(line: string): LaunchEvent {
    return expandEvent(JSON.parse(line) as LaunchEvent);
  }
}
