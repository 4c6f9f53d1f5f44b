/** Who did what and when: logins, launch changes, imports, acknowledgements. Append-only. */
import type { AuditEntry } from '@warroom/shared';
import { OffsetConflictError } from '../store/event-store';

export interface AuditLogStore {
  read(stream: string): Promise<{ events: AuditEntry[] }>;
  append(stream: string, events: readonly AuditEntry[]): Promise<void>;
  /** A log shared by several instances (Redis): what others appended after `after`. */
  readAfter?(stream: string, after: number): Promise<AuditEntry[]>;
}

const STREAM = 'audit';
/** Kept in memory for the admin view; the log on disk keeps everything. */
const MEMORY = 10_000;

export class AuditLog {
  private entries: AuditEntry[] = [];
  private offset = 0;
  private chain: Promise<unknown> = Promise.resolve();

  constructor(private readonly store: AuditLogStore) {}

  async load(): Promise<void> {
    const { events } = await this.store.read(STREAM);
    this.entries = events.slice(-MEMORY);
    this.offset = events.at(-1)?.offset ?? 0;
  }

  /** Folds entries other instances appended (a shared log). */
  catchUp(): Promise<void> {
    const run = this.chain.then(() => this.readNew());
    this.chain = run.catch(() => undefined);
    return run;
  }

  private async readNew(): Promise<void> {
    if (!this.store.readAfter) return;
    for (const e of await this.store.readAfter(STREAM, this.offset)) this.keep(e);
  }

  private keep(entry: AuditEntry): void {
    this.offset = entry.offset;
    this.entries.push(entry);
    if (this.entries.length > MEMORY) this.entries.splice(0, this.entries.length - MEMORY);
  }

  record(
    actor: string,
    action: string,
    target: string | null,
    details?: Record<string, unknown>,
  ): Promise<void> {
    const run = this.chain.then(async () => {
      for (let attempt = 0; ; attempt++) {
        const entry: AuditEntry = {
          offset: this.offset + 1,
          at: new Date().toISOString(),
          actor,
          action,
          target,
          ...(details ? { details } : {}),
        };
        try {
          await this.store.append(STREAM, [entry]);
          this.keep(entry);
          return;
        } catch (e) {
          // Another instance recorded first: take its entries in, then ours after them.
          if (!(e instanceof OffsetConflictError) || attempt >= 8) throw e;
          await this.readNew();
        }
      }
    });
    this.chain = run.catch(() => undefined);
    return run;
  }

  /** Newest first. */
  list(limit = 500, action?: string): AuditEntry[] {
    const out: AuditEntry[] = [];
    for (let i = this.entries.length - 1; i >= 0 && out.length < limit; i--) {
      const e = this.entries[i]!;
      if (!action || e.action.startsWith(action)) out.push(e);
    }
    return out;
  }
}
